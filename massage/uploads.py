"""Checking and processing of instructor uploads: step photos and narration audio.

Everything here is a pure function of the uploaded bytes: no models, no database, no storage.

* :func:`process_photo` checks a photo by its content (JPEG, PNG or WebP only, complete, not a
  decompression bomb), turns it upright, strips every bit of metadata and returns fresh WebP
  renditions. Nothing of the original upload is kept.
* :func:`check_narration` checks that a narration recording really is MP3, OGG, M4A or WAV by
  looking at its bytes (never at its name or the browser's content type).
* :func:`narration_without_tags` returns a copy of a checked recording with every tag removed
  (they can carry names and places): mutagen removes ID3 and APE tags from MP3, the comments of
  OGG Opus, Vorbis and FLAC, and the iTunes-style ``ilst`` of M4A; a little code of our own
  trims what comes before an MP3's first frame, blanks the rest of an M4A's user data and
  metadata boxes, and keeps only the sound chunks of a WAV (mutagen knows its ``id3`` chunk but
  not ``LIST``/``INFO``). The copy is checked again with :func:`check_narration`.
* :class:`PhotoField` and :class:`NarrationField` plug both into Django forms.
"""

from __future__ import annotations

import io
import math
import struct
import warnings
from dataclasses import dataclass, field
from typing import IO, Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from mutagen import File as MutagenFile
from mutagen import MutagenError, apev2, id3
from mutagen.mp4 import MP4
from mutagen.oggflac import OggFLAC
from mutagen.oggopus import OggOpus
from mutagen.oggvorbis import OggVorbis
from PIL import Image, ImageCms

__all__ = [
    "NARRATION_FORMATS",
    "NARRATION_MAX_BYTES",
    "PHOTO_FORMATS",
    "PHOTO_MAX_BYTES",
    "PHOTO_MAX_PIXELS",
    "PHOTO_WEBP_QUALITY",
    "PHOTO_WIDTHS",
    "NarrationField",
    "PhotoField",
    "ProcessedPhoto",
    "Rendition",
    "check_narration",
    "narration_without_tags",
    "process_photo",
    "srcset",
]

PHOTO_MAX_BYTES = 10 * 1024 * 1024
# 24 MP covers every phone camera's default mode; decoding is capped near the widest rendition,
# so even the limit needs little memory.
PHOTO_MAX_PIXELS = 24_000_000
PHOTO_WIDTHS = (480, 960)
PHOTO_WEBP_QUALITY = 80
#: Pillow format names accepted, mapped to the name shown to people. Pillow reports JPEGs that
#: carry a second picture (most phone cameras) as "MPO": they are JPEGs all the same.
PHOTO_FORMATS = {"JPEG": "JPEG", "MPO": "JPEG", "PNG": "PNG", "WEBP": "WebP"}
PHOTO_ACCEPT = "image/jpeg,image/png,image/webp"

NARRATION_MAX_BYTES = 5 * 1024 * 1024
NARRATION_FORMATS = ("mp3", "ogg", "m4a", "wav")
NARRATION_ACCEPT = "audio/*"

PHOTO_ERRORS = {
    "photo_empty": _("This photo file is empty. Please choose another photo."),
    "photo_too_large": _(
        "This photo is too large (%(size)s). Please choose a photo of %(max_size)s or less."
    ),
    "photo_invalid": _(
        "This file is not a photo we can read, or it is damaged. "
        "Please choose a JPEG, PNG or WebP photo."
    ),
    "photo_format": _(
        "This photo is in %(format)s format, which is not accepted. "
        "Please choose a JPEG, PNG or WebP photo."
    ),
    "photo_too_many_pixels": _(
        "This photo has too many pixels. "
        "Please choose a photo of at most %(max_megapixels)s megapixels "
        "(for example 6000 by 4000 pixels)."
    ),
}

NARRATION_ERRORS = {
    "narration_empty": _("This audio file is empty. Please choose a recording."),
    "narration_too_large": _(
        "This recording is too large (%(size)s). Please choose a recording of %(max_size)s or less."
    ),
    "narration_format": _(
        "This file is not an audio format we accept. "
        "Please choose an MP3, OGG, M4A or WAV recording."
    ),
    "narration_invalid": _(
        "This %(format)s recording seems to be damaged. Please export it again and retry."
    ),
}


# --------------------------------------------------------------------------------------------
# Shared helpers
# --------------------------------------------------------------------------------------------


def _size_of(uploaded: Any) -> int:
    """The upload's size in bytes, from ``.size`` if it has one, without reading it."""
    size = getattr(uploaded, "size", None)
    if size is None:
        position = uploaded.tell()
        size = uploaded.seek(0, io.SEEK_END)
        uploaded.seek(position)
    return int(size)


def _rewind(uploaded: Any) -> None:
    if hasattr(uploaded, "seek"):
        uploaded.seek(0)


def _read_at(fileobj: IO[bytes], offset: int, length: int) -> bytes:
    fileobj.seek(offset)
    return fileobj.read(length)


# --------------------------------------------------------------------------------------------
# Photos
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rendition:
    """One WebP version of a photo, ``width`` pixels wide, ready to be saved to storage."""

    width: int
    height: int
    content: ContentFile


@dataclass(frozen=True)
class ProcessedPhoto:
    """The result of :func:`process_photo`: renditions from narrowest to widest."""

    renditions: list[Rendition] = field(default_factory=list)
    width: int = 0
    height: int = 0

    @property
    def largest(self) -> Rendition:
        return self.renditions[-1]


def srcset(urls_and_widths: list[tuple[str, int]]) -> str:
    """Build an ``<img srcset>`` value from ``(url, width)`` pairs."""
    return ", ".join(f"{url} {width}w" for url, width in urls_and_widths)


def _photo_error(code: str, **params: Any) -> ValidationError:
    return ValidationError(PHOTO_ERRORS[code], code=code, params=params or None)


# Errors Pillow (and the codecs under it) raise for unreadable or damaged files.
_IMAGE_ERRORS = (
    OSError,  # includes PIL.UnidentifiedImageError and "image file is truncated"
    SyntaxError,
    ValueError,
    EOFError,
    IndexError,
    TypeError,
    KeyError,
    struct.error,
)
_BOMB_ERRORS = (Image.DecompressionBombError, Image.DecompressionBombWarning)


def _jpeg_is_complete(data: bytes) -> bool:
    """Walk the JPEG's markers and say whether its first image reaches its EOI marker.

    This does not depend on ``ImageFile.LOAD_TRUNCATED_IMAGES``: a project (or a library) may
    have turned that on globally, and Pillow then silently pads truncated pictures with grey.
    """
    if not data.startswith(b"\xff\xd8"):
        return False
    pos, end = 2, len(data)
    while pos < end:
        if data[pos] != 0xFF:
            return False
        while pos < end and data[pos] == 0xFF:  # fill bytes
            pos += 1
        if pos >= end:
            return False
        marker = data[pos]
        pos += 1
        if marker == 0xD9:  # EOI
            return True
        if marker in (0x01, 0xD8) or 0xD0 <= marker <= 0xD7:  # markers without a length
            continue
        if pos + 2 > end:
            return False
        length = int.from_bytes(data[pos : pos + 2], "big")
        if length < 2 or pos + length > end:
            return False
        pos += length
        if marker == 0xDA:  # SOS: entropy-coded data runs until the next real marker
            while True:
                pos = data.find(b"\xff", pos)
                if pos < 0 or pos + 1 >= end:
                    return False
                following = data[pos + 1]
                if following == 0x00 or 0xD0 <= following <= 0xD7 or following == 0xFF:
                    pos += 1 if following == 0xFF else 2
                    continue
                break
    return False


def _png_is_complete(data: bytes) -> bool:
    """Walk the PNG's chunks and say whether they all fit and end with IEND."""
    pos, end = 8, len(data)
    while pos + 12 <= end:
        length = int.from_bytes(data[pos : pos + 4], "big")
        chunk_type = data[pos + 4 : pos + 8]
        pos += 12 + length
        if pos > end:
            return False
        if chunk_type == b"IEND":
            return True
    return False


def _webp_is_complete(data: bytes) -> bool:
    return (
        data[:4] == b"RIFF"
        and data[8:12] == b"WEBP"
        and int.from_bytes(data[4:8], "little") + 8 <= len(data)
    )


_COMPLETENESS_CHECKS = {
    "JPEG": _jpeg_is_complete,
    "MPO": _jpeg_is_complete,
    "PNG": _png_is_complete,
    "WEBP": _webp_is_complete,
}


def _too_many_pixels() -> ValidationError:
    return _photo_error("photo_too_many_pixels", max_megapixels=PHOTO_MAX_PIXELS // 1_000_000)


def _read_photo(uploaded: Any) -> bytes:
    size = _size_of(uploaded)
    if size > PHOTO_MAX_BYTES:
        raise _photo_error(
            "photo_too_large",
            size=filesizeformat(size),
            max_size=filesizeformat(PHOTO_MAX_BYTES),
        )
    if size == 0:
        raise _photo_error("photo_empty")
    _rewind(uploaded)
    data = uploaded.read(PHOTO_MAX_BYTES + 1)  # never trust .size to bound the read
    _rewind(uploaded)
    if len(data) > PHOTO_MAX_BYTES:
        raise _photo_error(
            "photo_too_large",
            size=filesizeformat(PHOTO_MAX_BYTES + 1),
            max_size=filesizeformat(PHOTO_MAX_BYTES),
        )
    if not data:
        raise _photo_error("photo_empty")
    return data


def _open_checked(data: bytes) -> Image.Image:
    """Open, verify and fully decode the photo; return it loaded. Raise ValidationError."""
    with warnings.catch_warnings():
        # Pillow warns (rather than fails) between MAX_IMAGE_PIXELS and twice that: fail.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data)) as probe:
                image_format = probe.format or ""
                width, height = probe.size
                if image_format not in PHOTO_FORMATS:
                    raise _photo_error("photo_format", format=image_format or "?")
                # The header's size, before a single pixel is decoded.
                if width * height > PHOTO_MAX_PIXELS:
                    raise _too_many_pixels()
                probe.verify()
        except _BOMB_ERRORS as error:
            raise _too_many_pixels() from error
        except _IMAGE_ERRORS as error:
            raise _photo_error("photo_invalid") from error

        if not _COMPLETENESS_CHECKS[image_format](data):
            raise _photo_error("photo_invalid")

        # verify() leaves the image unusable: open again and decode every pixel (of a JPEG, only
        # as many as the widest rendition needs: its decoder can scale by 1/2, 1/4 or 1/8).
        try:
            image = Image.open(io.BytesIO(data))
            if image.format != image_format or image.size != (width, height):
                raise _photo_error("photo_invalid")
            if image_format in ("JPEG", "MPO"):
                image.draft(None, _decode_size(image.size, _orientation(image)))
            image.load()
        except ValidationError:
            raise
        except _BOMB_ERRORS as error:
            raise _too_many_pixels() from error
        except _IMAGE_ERRORS as error:
            raise _photo_error("photo_invalid") from error
    return image


# EXIF orientation → the transposition that makes the picture upright (as ImageOps.exif_transpose).
_UPRIGHT = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}
_SIDEWAYS = {5, 6, 7, 8}
# Modes Image.reduce() averages correctly (not palette indices or 1-bit pixels).
_REDUCIBLE_MODES = {"L", "LA", "RGB", "RGBA", "CMYK", "I", "F"}


def _orientation(image: Image.Image) -> int:
    try:
        orientation = image.getexif().get(0x0112, 1)
    except _IMAGE_ERRORS:  # unreadable EXIF: keep the picture as stored
        return 1
    return orientation if orientation in _UPRIGHT else 1


def _decode_size(size: tuple[int, int], orientation: int) -> tuple[int, int]:
    """The stored size worth decoding: enough for the widest rendition once turned upright.

    A sideways photo's upright width is its stored height, so the scale comes from that.
    """
    width, height = size
    upright_width = height if orientation in _SIDEWAYS else width
    scale = min(1.0, max(PHOTO_WIDTHS) / upright_width)
    return max(1, math.ceil(width * scale)), max(1, math.ceil(height * scale))


def _reduced(image: Image.Image, orientation: int) -> Image.Image:
    """Shrink by a whole factor (cheap, box-averaged) to no less than twice the widest rendition.

    Done before any colour conversion, so that works on a small copy. The final resize to
    each rendition (Lanczos) keeps the quality.
    """
    upright_width = image.height if orientation in _SIDEWAYS else image.width
    factor = upright_width // (2 * max(PHOTO_WIDTHS))
    if factor < 2 or image.mode not in _REDUCIBLE_MODES:
        return image
    return image.reduce(factor)


def _has_alpha(image: Image.Image) -> bool:
    return image.mode in ("RGBA", "LA", "PA", "RGBa", "La") or "transparency" in image.info


def _to_srgb(image: Image.Image, keep_alpha: bool) -> Image.Image:
    """Return an RGB (or RGBA) image in sRGB, converting from an embedded ICC profile."""
    icc_profile = image.info.get("icc_profile")
    if keep_alpha:
        image = image.convert("RGBA")
    elif image.mode != "CMYK":
        image = image.convert("RGB")
    if icc_profile:
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(icc_profile))
            converted = ImageCms.profileToProfile(
                image,
                source,
                ImageCms.createProfile("sRGB"),
                outputMode="RGBA" if keep_alpha else "RGB",
            )
            if converted is not None:
                image = converted
        except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
            pass  # a broken or mismatched profile: keep the pixel values as they are
    if image.mode not in ("RGB", "RGBA"):
        image = image.convert("RGB")
    if image.mode == "RGBA":
        alpha_min, _alpha_max = image.getchannel("A").getextrema()
        if alpha_min == 255:  # fully opaque: the alpha channel only costs bytes
            image = image.convert("RGB")
    return image


def _rendition_sizes(width: int, height: int) -> list[tuple[int, int]]:
    sizes: list[tuple[int, int]] = []
    for wanted in sorted(PHOTO_WIDTHS):
        target = min(wanted, width)  # never upscale
        if any(existing == target for existing, _height in sizes):
            continue
        sizes.append((target, max(1, round(height * target / width))))
    return sizes


def _encode_webp(image: Image.Image, size: tuple[int, int]) -> bytes:
    if image.size != size:
        image = image.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0)
    # A brand-new image carries no info at all: no EXIF, XMP, ICC or comments can leak out.
    clean = Image.frombytes(image.mode, image.size, image.tobytes())
    out = io.BytesIO()
    clean.save(out, format="WEBP", quality=PHOTO_WEBP_QUALITY, method=4)
    return out.getvalue()


def process_photo(uploaded: Any) -> ProcessedPhoto:
    """Check an uploaded photo and return metadata-free WebP renditions of it.

    ``uploaded`` is a Django ``UploadedFile`` or ``File`` (anything with ``read``/``seek`` and
    ideally ``size``). Raises ``ValidationError`` with a friendly message and one of the codes
    ``photo_empty``, ``photo_too_large``, ``photo_invalid``, ``photo_format`` or
    ``photo_too_many_pixels``.
    """
    data = _read_photo(uploaded)
    image = _open_checked(data)
    try:
        keep_alpha = image.format in ("PNG", "WEBP") and _has_alpha(image)
        orientation = _orientation(image)
        upright = _reduced(image, orientation)
        if orientation in _UPRIGHT:
            upright = upright.transpose(_UPRIGHT[orientation])
        try:
            upright = _to_srgb(upright, keep_alpha)
        except _IMAGE_ERRORS as error:
            raise _photo_error("photo_invalid") from error

        renditions = []
        for width, height in _rendition_sizes(*upright.size):
            content = ContentFile(_encode_webp(upright, (width, height)))
            content.name = f"photo-{width}w.webp"
            renditions.append(Rendition(width=width, height=height, content=content))
    finally:
        image.close()
    largest = renditions[-1]
    return ProcessedPhoto(renditions=renditions, width=largest.width, height=largest.height)


# --------------------------------------------------------------------------------------------
# Narration audio
# --------------------------------------------------------------------------------------------


class _Invalid(Exception):
    """A recognised container whose structure is broken."""

    def __init__(self, audio_format: str):
        super().__init__(audio_format)
        self.audio_format = audio_format


def _narration_error(code: str, **params: Any) -> ValidationError:
    return ValidationError(NARRATION_ERRORS[code], code=code, params=params or None)


# -- WAV ----------------------------------------------------------------------------------------

_WAV_FORMAT_TAGS = {0x0001, 0x0003, 0x0006, 0x0007, 0xFFFE}  # PCM, float, A-law, µ-law, extensible


def _check_wav(f: IO[bytes], size: int) -> None:
    header = _read_at(f, 0, 12)
    riff_size = int.from_bytes(header[4:8], "little")
    if riff_size < 4:
        raise _Invalid("WAV")
    end = min(size, riff_size + 8)
    pos, has_fmt, has_data = 12, False, False
    while pos + 8 <= end and not (has_fmt and has_data):
        chunk = _read_at(f, pos, 8)
        chunk_id, chunk_size = chunk[:4], int.from_bytes(chunk[4:8], "little")
        if chunk_id == b"fmt ":
            if chunk_size < 16 or pos + 8 + chunk_size > end:
                raise _Invalid("WAV")
            tag, channels, rate, byte_rate, align, bits = struct.unpack(
                "<HHIIHH", _read_at(f, pos + 8, 16)
            )
            if (
                tag not in _WAV_FORMAT_TAGS
                or not 1 <= channels <= 32
                or not 1 <= rate <= 768_000
                or byte_rate == 0
                or align == 0
                or bits == 0
            ):
                raise _Invalid("WAV")
            has_fmt = True
        elif chunk_id == b"data":
            if not has_fmt:  # fmt must come before data
                raise _Invalid("WAV")
            has_data = True
        pos += 8 + chunk_size + (chunk_size & 1)
    if not (has_fmt and has_data):
        raise _Invalid("WAV")


# -- OGG ----------------------------------------------------------------------------------------


def _make_ogg_crc_table() -> list[int]:
    table = []
    for byte in range(256):
        crc = byte << 24
        for _bit in range(8):
            crc = ((crc << 1) ^ 0x04C11DB7) if crc & 0x80000000 else (crc << 1)
        table.append(crc & 0xFFFFFFFF)
    return table


_OGG_CRC_TABLE = _make_ogg_crc_table()


def _ogg_crc(page: bytes) -> int:
    crc = 0
    for byte in page:
        crc = ((crc << 8) & 0xFFFFFFFF) ^ _OGG_CRC_TABLE[(crc >> 24) ^ byte]
    return crc


def _check_ogg(f: IO[bytes], size: int) -> None:
    header = _read_at(f, 0, 27)
    if len(header) < 27 or header[4] != 0:  # stream structure version 0
        raise _Invalid("OGG")
    if not header[5] & 0x02:  # the first page must begin a logical stream
        raise _Invalid("OGG")
    segments = header[26]
    table = _read_at(f, 27, segments)
    body_size = sum(table)
    page = header + table + _read_at(f, 27 + segments, body_size)
    if len(table) != segments or len(page) != 27 + segments + body_size:
        raise _Invalid("OGG")
    stored_crc = int.from_bytes(page[22:26], "little")
    if _ogg_crc(page[:22] + b"\0\0\0\0" + page[26:]) != stored_crc:
        raise _Invalid("OGG")
    packet = page[27 + segments :]
    if packet.startswith(b"\x01vorbis"):
        ok = (
            len(packet) >= 30
            and int.from_bytes(packet[7:11], "little") == 0
            and packet[11] > 0
            and int.from_bytes(packet[12:16], "little") > 0
            and packet[29] & 1
        )
    elif packet.startswith(b"OpusHead"):
        ok = len(packet) >= 19 and packet[8] & 0xF0 == 0 and packet[9] > 0
    elif packet.startswith(b"\x7fFLAC"):
        ok = len(packet) >= 13 + 38 and packet[9:13] == b"fLaC"
    else:
        ok = False
    if not ok:
        raise _Invalid("OGG")


# -- MP3 ----------------------------------------------------------------------------------------

_MPEG_SAMPLE_RATES = {3: (44100, 48000, 32000), 2: (22050, 24000, 16000), 0: (11025, 12000, 8000)}
# Layer III bitrates in kbit/s by bitrate index: MPEG-1, then MPEG-2 and 2.5.
_MPEG1_L3_BITRATES = (0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320)
_MPEG2_L3_BITRATES = (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160)


@dataclass(frozen=True)
class _MpegFrame:
    version: int
    sample_rate: int
    length: int


def _parse_mpeg_frame(header: bytes) -> _MpegFrame | None:
    """Parse an MPEG audio Layer III frame header; None if these 4 bytes are not one."""
    if len(header) < 4 or header[0] != 0xFF or header[1] & 0xE0 != 0xE0:
        return None
    version = (header[1] >> 3) & 0b11  # 0: MPEG-2.5, 1: reserved, 2: MPEG-2, 3: MPEG-1
    layer = (header[1] >> 1) & 0b11  # 1: Layer III
    bitrate_index = header[2] >> 4
    rate_index = (header[2] >> 2) & 0b11
    padding = (header[2] >> 1) & 1
    emphasis = header[3] & 0b11
    if version == 1 or layer != 1 or bitrate_index in (0, 15) or rate_index == 3 or emphasis == 2:
        return None
    sample_rate = _MPEG_SAMPLE_RATES[version][rate_index]
    if version == 3:
        bitrate = _MPEG1_L3_BITRATES[bitrate_index] * 1000
        length = 144 * bitrate // sample_rate + padding
    else:
        bitrate = _MPEG2_L3_BITRATES[bitrate_index] * 1000
        length = 72 * bitrate // sample_rate + padding
    return _MpegFrame(version=version, sample_rate=sample_rate, length=length)


def _mpeg_frames_at(f: IO[bytes], offset: int, size: int) -> bool:
    """Whether two consecutive, consistent Layer III frames start at ``offset``."""
    first = _parse_mpeg_frame(_read_at(f, offset, 4))
    if first is None:
        return False
    following = offset + first.length
    if following > size:
        return False
    if following == size:  # a one-frame file: nothing more to compare with
        return True
    after = _read_at(f, following, 4)
    if after[:3] == b"TAG":
        return True  # an ID3v1 tag right after the frame
    second = _parse_mpeg_frame(after)
    return (
        second is not None
        and second.version == first.version
        and second.sample_rate == first.sample_rate
    )


def _id3_end(f: IO[bytes], offset: int) -> int:
    """Where the ID3v2 tag starting at ``offset`` ends; raise _Invalid if it is malformed."""
    header = _read_at(f, offset, 10)
    if len(header) < 10:
        raise _Invalid("MP3")
    major, revision, flags, size_bytes = header[3], header[4], header[5], header[6:10]
    if major not in (2, 3, 4) or revision == 0xFF:
        raise _Invalid("MP3")
    if any(byte & 0x80 for byte in size_bytes):  # the size is "syncsafe": 7 bits per byte
        raise _Invalid("MP3")
    tag_size = 0
    for byte in size_bytes:
        tag_size = (tag_size << 7) | byte
    return offset + 10 + tag_size + (10 if major == 4 and flags & 0x10 else 0)


def _mp3_audio_start(f: IO[bytes], size: int) -> int:
    """Where the first MPEG frame starts, after any ID3v2 tags; raise _Invalid if none does."""
    offset = 0
    for _tag in range(4):  # rarely, several ID3v2 tags follow each other
        if _read_at(f, offset, 3) != b"ID3":
            break
        offset = _id3_end(f, offset)
        if offset >= size:
            raise _Invalid("MP3")
    if offset == 0:
        if not _mpeg_frames_at(f, 0, size):
            raise _Invalid("MP3")
        return 0
    # Some taggers leave padding or junk after the tag: look for frames a little further on.
    window = _read_at(f, offset, 4096)
    position = 0
    while True:
        position = window.find(b"\xff", position)
        if position < 0:
            raise _Invalid("MP3")
        if _mpeg_frames_at(f, offset + position, size):
            return offset + position
        position += 1


def _check_mp3(f: IO[bytes], size: int) -> None:
    _mp3_audio_start(f, size)


# -- M4A ----------------------------------------------------------------------------------------

_M4A_AUDIO_BRANDS = {b"M4A ", b"M4B ", b"mp42", b"isom", b"dash"}
_M4A_REJECTED_MAJOR_BRANDS = {
    b"M4V ",
    b"M4VH",
    b"M4VP",
    b"qt  ",
    b"avc1",
    b"heic",
    b"heix",
    b"mif1",
    b"msf1",
    b"avif",
    b"avis",
    b"crx ",
}
_BMFF_CONTAINERS = {b"moov", b"trak", b"mdia"}


def _bmff_boxes(data: bytes | bytearray, start: int, end: int):
    """Yield ``(type, box_start, payload_start, box_end)`` for the boxes in ``data[start:end]``."""
    pos = start
    while pos + 8 <= end:
        box_size = int.from_bytes(data[pos : pos + 4], "big")
        box_type = bytes(data[pos + 4 : pos + 8])
        header = 8
        if box_size == 1:
            if pos + 16 > end:
                raise _Invalid("M4A")
            box_size, header = int.from_bytes(data[pos + 8 : pos + 16], "big"), 16
        elif box_size == 0:
            box_size = end - pos
        if box_size < header or pos + box_size > end:
            raise _Invalid("M4A")
        yield box_type, pos, pos + header, pos + box_size
        pos += box_size


def _handler_types(data: bytes, start: int, end: int) -> list[bytes]:
    handlers = []
    for box_type, _box_start, payload, box_end in _bmff_boxes(data, start, end):
        if box_type in _BMFF_CONTAINERS:
            handlers.extend(_handler_types(data, payload, box_end))
        elif box_type == b"hdlr" and box_end - payload >= 12:
            handlers.append(data[payload + 8 : payload + 12])  # after version/flags, pre_defined
    return handlers


def _check_m4a(f: IO[bytes], size: int) -> None:
    ftyp_size = int.from_bytes(_read_at(f, 0, 4), "big")
    if not 16 <= ftyp_size <= 1024 or ftyp_size % 4 or ftyp_size > size:
        raise _Invalid("M4A")
    ftyp = _read_at(f, 8, ftyp_size - 8)
    major = ftyp[:4]
    brands = {major} | {ftyp[i : i + 4] for i in range(8, len(ftyp), 4)}
    if major in _M4A_REJECTED_MAJOR_BRANDS or not brands & _M4A_AUDIO_BRANDS:
        raise _Invalid("M4A")
    # Walk the top-level boxes (reading headers only) to find the movie box.
    pos, handlers, found_moov = ftyp_size, [], False
    while pos + 8 <= size:
        head = _read_at(f, pos, 16)
        box_size, box_type = int.from_bytes(head[:4], "big"), head[4:8]
        if box_size == 1 and len(head) == 16:
            box_size = int.from_bytes(head[8:16], "big")
        elif box_size == 0:
            box_size = size - pos
        if box_size < 8 or pos + box_size > size:
            raise _Invalid("M4A")
        if box_type == b"moov":
            moov = _read_at(f, pos, box_size)
            handlers.extend(_handler_types(moov, 0, len(moov)))
            found_moov = True
        pos += box_size
    if not found_moov or b"soun" not in handlers or b"vide" in handlers:
        raise _Invalid("M4A")


# -- Dispatch ------------------------------------------------------------------------------------


def _sniff(head: bytes) -> tuple[str, Any] | None:
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return "wav", _check_wav
    if head[:4] == b"OggS":
        return "ogg", _check_ogg
    if head[4:8] == b"ftyp":
        return "m4a", _check_m4a
    if head[:3] == b"ID3" or (len(head) >= 2 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0):
        return "mp3", _check_mp3
    return None


def check_narration(uploaded: Any) -> str:
    """Check an uploaded narration recording by its content and return its format.

    Returns one of ``"mp3"``, ``"ogg"``, ``"m4a"`` or ``"wav"``; leaves the file at position 0.
    Raises ``ValidationError`` with one of the codes ``narration_empty``,
    ``narration_too_large``, ``narration_format`` or ``narration_invalid``.
    """
    size = _size_of(uploaded)
    if size > NARRATION_MAX_BYTES:
        raise _narration_error(
            "narration_too_large",
            size=filesizeformat(size),
            max_size=filesizeformat(NARRATION_MAX_BYTES),
        )
    if size == 0:
        raise _narration_error("narration_empty")
    try:
        head = _read_at(uploaded, 0, 16)
        if not head:
            raise _narration_error("narration_empty")
        sniffed = _sniff(head)
        if sniffed is None:
            raise _narration_error("narration_format")
        audio_format, check = sniffed
        try:
            check(uploaded, size)
        except _Invalid as error:
            raise _narration_error("narration_invalid", format=error.audio_format) from error
        except (struct.error, IndexError, ValueError) as error:
            raise _narration_error("narration_invalid", format=audio_format.upper()) from error
    finally:
        _rewind(uploaded)
    return audio_format


# -- Removing tags ------------------------------------------------------------------------------


def _mp3_without_tags(data: bytes) -> bytes:
    """The MPEG frames only: no ID3v2 tag (or junk) before them, no APEv2 or ID3v1 tag after.

    The head is trimmed by hand: mutagen removes only the first ID3v2 tag and leaves an ID3v2.4
    footer behind.
    """
    start = _mp3_audio_start(io.BytesIO(data), len(data))
    f = io.BytesIO(data[start:])
    apev2.delete(f)
    id3.delete(f, delete_v1=True, delete_v2=False)
    return f.getvalue()


# What mutagen raises for a file it cannot handle (not only its own MutagenError).
_MUTAGEN_ERRORS = (MutagenError, struct.error, IndexError, ValueError)
_OGG_TYPES = (OggOpus, OggVorbis, OggFLAC)


def _ogg_without_tags(data: bytes) -> bytes:
    """The same pages without any Vorbis comment (the encoder's vendor string stays)."""
    f = io.BytesIO(data)
    audio = MutagenFile(f, options=_OGG_TYPES)
    if audio is None:
        raise _Invalid("OGG")
    f.seek(0)
    audio.delete(f)
    return f.getvalue()


# User data (©xyz location, ©nam…), metadata (ilst, QuickTime keys) and uuid (XMP) boxes.
_M4A_METADATA_BOXES = {b"udta", b"meta", b"uuid"}


def _blank_m4a_metadata(data: bytearray, start: int, end: int) -> None:
    """Turn metadata boxes into zero-filled "free" boxes of the same size: no offset moves."""
    for box_type, box_start, payload, box_end in _bmff_boxes(data, start, end):
        if box_type in _M4A_METADATA_BOXES:
            data[box_start + 4 : box_start + 8] = b"free"
            data[payload:box_end] = bytes(box_end - payload)
        elif box_type in (b"moov", b"trak"):
            _blank_m4a_metadata(data, payload, box_end)


def _m4a_without_tags(data: bytes) -> bytes:
    """The movie without metadata: mutagen cuts out the ``ilst`` tags (cover art included) and
    corrects the chunk offsets; whatever metadata is left is blanked in place."""
    f = io.BytesIO(data)
    try:
        audio = MP4(f)
        f.seek(0)
        audio.delete(f)
        data = f.getvalue()
    except _MUTAGEN_ERRORS:
        pass  # e.g. a track without the header mutagen wants: blanking alone removes the tags
    stripped = bytearray(data)
    _blank_m4a_metadata(stripped, 0, len(stripped))
    return bytes(stripped)


def _wav_without_tags(data: bytes) -> bytes:
    """A WAV of just its "fmt " and "data" chunks (LIST/INFO, id3, bext… are dropped)."""
    kept, pos = [], 12
    while pos + 8 <= len(data) and len(kept) < 2:
        chunk_id, size = data[pos : pos + 4], int.from_bytes(data[pos + 4 : pos + 8], "little")
        if chunk_id in (b"fmt ", b"data"):
            body = data[pos + 8 : pos + 8 + size]
            kept.append(chunk_id + len(body).to_bytes(4, "little") + body + b"\0" * (len(body) & 1))
        pos += 8 + size + (size & 1)
    body = b"WAVE" + b"".join(kept)
    return b"RIFF" + len(body).to_bytes(4, "little") + body


_TAG_STRIPPERS = {
    "mp3": _mp3_without_tags,
    "ogg": _ogg_without_tags,
    "m4a": _m4a_without_tags,
    "wav": _wav_without_tags,
}
_STRIP_ERRORS = (*_MUTAGEN_ERRORS, _Invalid)


def narration_without_tags(uploaded: Any, audio_format: str) -> ContentFile:
    """A copy of a recording checked by :func:`check_narration`, without any tags.

    Tags may name people or places, so none is kept: MP3 loses its ID3 and APE tags, OGG its
    comments, M4A its metadata and user data boxes, WAV every chunk but the sound's. Raises
    ``ValidationError`` (``narration_invalid``) when that cannot be done, or when the copy would
    not pass :func:`check_narration` again: a recording is never kept with its tags.
    """
    _rewind(uploaded)
    data = uploaded.read(NARRATION_MAX_BYTES + 1)
    _rewind(uploaded)
    try:
        stripped = _TAG_STRIPPERS[audio_format](data)
    except _STRIP_ERRORS as error:
        raise _narration_error("narration_invalid", format=audio_format.upper()) from error
    content = ContentFile(stripped, name=uploaded.name)
    if check_narration(content) != audio_format:
        raise _narration_error("narration_invalid", format=audio_format.upper())
    return content


# --------------------------------------------------------------------------------------------
# Form fields
# --------------------------------------------------------------------------------------------


class PhotoField(forms.FileField):
    """A file field that checks a step photo and cleans to a :class:`ProcessedPhoto`.

    Deliberately not a ``forms.ImageField``: that one decodes the whole image with its own
    checks before ours could refuse a decompression bomb.
    """

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        attrs = super().widget_attrs(widget)
        if isinstance(widget, forms.FileInput) and "accept" not in widget.attrs:
            attrs.setdefault("accept", PHOTO_ACCEPT)
        return attrs

    def to_python(self, data: Any) -> ProcessedPhoto | None:
        # Only a new upload reaches to_python: FileField.clean() returns the initial value
        # (an already stored photo) untouched when nothing new was sent.
        uploaded = super().to_python(data)
        if uploaded is None:
            return None
        return process_photo(uploaded)


class NarrationField(forms.FileField):
    """A file field that checks a narration recording by its content.

    Cleans to the recording without its tags (see :func:`narration_without_tags`), with the
    detected format (``"mp3"``, ``"ogg"``, ``"m4a"`` or ``"wav"``) set as its
    ``narration_format`` attribute.
    """

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        attrs = super().widget_attrs(widget)
        if isinstance(widget, forms.FileInput) and "accept" not in widget.attrs:
            attrs.setdefault("accept", NARRATION_ACCEPT)
        return attrs

    def to_python(self, data: Any) -> Any:
        uploaded = super().to_python(data)
        if uploaded is None:
            return None
        audio_format = check_narration(uploaded)
        cleaned = narration_without_tags(uploaded, audio_format)
        cleaned.narration_format = audio_format
        return cleaned
