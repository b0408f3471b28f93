"""Instructor uploads: step photos and narration audio, checked and cleaned by their bytes alone
(never their name or the browser's content type), as pure functions: no models, no storage.

Pillow checks photos (:func:`process_photo`), which come out as fresh WebP renditions without any
metadata; mutagen checks recordings (:func:`check_narration`) and removes their tags, which can
name people and places (:func:`narration_without_tags`). :class:`PhotoField` and
:class:`NarrationField` plug both into Django forms.
"""

from __future__ import annotations

import io
import math
import struct
import threading
import warnings
from contextlib import suppress
from dataclasses import dataclass, field
from itertools import chain
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from mutagen import File as MutagenFile
from mutagen import MutagenError, apev2, id3, oggflac, oggopus, oggvorbis
from mutagen.mp3 import MP3
from mutagen.mp4 import MP4, AtomError, Atoms
from mutagen.ogg import OggPage
from mutagen.wave import WAVE
from PIL import Image, ImageCms, ImageFile

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

_MESSAGES = {
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


def _error(code: str, **params: Any) -> ValidationError:
    return ValidationError(_MESSAGES[code], code=code, params=params or None)


def _read_upload(uploaded: Any, kind: str, max_bytes: int) -> bytes:
    """All of the upload, at most ``max_bytes`` (refused by its ``.size`` before reading)."""
    size = getattr(uploaded, "size", None)
    if size is None:
        size = uploaded.seek(0, io.SEEK_END)
    data = b""
    if 0 < size <= max_bytes:
        uploaded.seek(0)
        data = uploaded.read(max_bytes + 1)  # never trust .size to bound the read
        size = len(data)
    uploaded.seek(0)
    if size > max_bytes:
        sizes = {"size": filesizeformat(size), "max_size": filesizeformat(max_bytes)}
        raise _error(f"{kind}_too_large", **sizes)
    if not data:
        raise _error(f"{kind}_empty")
    return data


# -- Photos ------------------------------------------------------------------------------------


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


# What Pillow and its codecs raise for unreadable or damaged files.
_IMAGE_ERRORS = (OSError, SyntaxError, ValueError, EOFError, LookupError, TypeError, struct.error)
_BOMB_ERRORS = (Image.DecompressionBombError, Image.DecompressionBombWarning)
_TRUNCATED_FLAG_LOCK = threading.Lock()


def _open_checked(data: bytes) -> Image.Image:
    """Open, verify and fully decode the photo; return it loaded. Raise ValidationError."""
    with warnings.catch_warnings(), _TRUNCATED_FLAG_LOCK:
        # Pillow warns (rather than fails) between MAX_IMAGE_PIXELS and twice that: fail.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        # Pillow pads a truncated picture with grey if anything turned this module-wide flag on.
        truncated_ok, ImageFile.LOAD_TRUNCATED_IMAGES = ImageFile.LOAD_TRUNCATED_IMAGES, False
        try:
            with Image.open(io.BytesIO(data)) as probe:
                image_format, size = probe.format or "", probe.size
                if image_format not in PHOTO_FORMATS:
                    raise _error("photo_format", format=image_format or "?")
                if size[0] * size[1] > PHOTO_MAX_PIXELS:  # from the header, nothing decoded yet
                    raise Image.DecompressionBombError
                probe.verify()
            # verify() leaves the image unusable: open again and decode every pixel (of a JPEG,
            # only as many as the widest rendition needs: its decoder can scale by 1/2 to 1/8).
            image = Image.open(io.BytesIO(data))
            if (image.format, image.size) != (image_format, size):
                raise _error("photo_invalid")
            if image_format in ("JPEG", "MPO"):
                upright_width = size[1] if _orientation(image) in _SIDEWAYS else size[0]
                scale = min(1.0, max(PHOTO_WIDTHS) / upright_width)
                image.draft(None, (math.ceil(size[0] * scale), math.ceil(size[1] * scale)))
            image.load()
        except _BOMB_ERRORS as error:
            megapixels = PHOTO_MAX_PIXELS // 1_000_000
            raise _error("photo_too_many_pixels", max_megapixels=megapixels) from error
        except _IMAGE_ERRORS as error:
            raise _error("photo_invalid") from error
        finally:
            ImageFile.LOAD_TRUNCATED_IMAGES = truncated_ok
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
_SIDEWAYS = {5, 6, 7, 8}  # the upright width is the stored height
# Modes Image.reduce() averages correctly (not palette indices or 1-bit pixels).
_REDUCIBLE_MODES = {"L", "LA", "RGB", "RGBA", "CMYK", "I", "F"}


def _orientation(image: Image.Image) -> int:
    try:
        orientation = image.getexif().get(0x0112, 1)
    except _IMAGE_ERRORS:  # unreadable EXIF: keep the picture as stored
        return 1
    return orientation if orientation in _UPRIGHT else 1


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
            srgb = ImageCms.createProfile("sRGB")
            mode = "RGBA" if keep_alpha else "RGB"
            image = ImageCms.profileToProfile(image, source, srgb, outputMode=mode)
        except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
            pass  # a broken or mismatched profile: keep the pixel values as they are
    if image.mode not in ("RGB", "RGBA"):
        image = image.convert("RGB")
    if image.mode == "RGBA" and image.getchannel("A").getextrema()[0] == 255:
        image = image.convert("RGB")  # fully opaque: the alpha channel only costs bytes
    return image


def _encode_webp(image: Image.Image, width: int, height: int) -> ContentFile:
    if image.size != (width, height):
        image = image.resize((width, height), Image.Resampling.LANCZOS, reducing_gap=3.0)
    # A brand-new image carries no info at all: no EXIF, XMP, ICC or comments can leak out.
    clean = Image.frombytes(image.mode, image.size, image.tobytes())
    out = io.BytesIO()
    clean.save(out, format="WEBP", quality=PHOTO_WEBP_QUALITY, method=4)
    return ContentFile(out.getvalue(), name=f"photo-{width}w.webp")


def process_photo(uploaded: Any) -> ProcessedPhoto:
    """Check an uploaded photo (a Django ``File``) and return metadata-free WebP renditions.
    Raises ``ValidationError``: ``photo_empty``, ``photo_too_large``, ``photo_invalid``,
    ``photo_format`` or ``photo_too_many_pixels``."""
    image = _open_checked(_read_upload(uploaded, "photo", PHOTO_MAX_BYTES))
    try:
        alpha = image.mode in ("RGBA", "LA", "PA", "RGBa", "La") or "transparency" in image.info
        orientation = _orientation(image)
        # Shrink by a whole factor first (cheap, box-averaged) to no less than twice the widest
        # rendition, so that colour conversion works on a small copy.
        upright_width = image.height if orientation in _SIDEWAYS else image.width
        factor = upright_width // (2 * max(PHOTO_WIDTHS))
        upright = image.reduce(factor) if factor > 1 and image.mode in _REDUCIBLE_MODES else image
        if orientation in _UPRIGHT:
            upright = upright.transpose(_UPRIGHT[orientation])
        try:
            upright = _to_srgb(upright, image.format in ("PNG", "WEBP") and alpha)
        except _IMAGE_ERRORS as error:
            raise _error("photo_invalid") from error
        width, height = upright.size
        renditions = []
        for target in sorted({min(wanted, width) for wanted in PHOTO_WIDTHS}):  # never upscale
            target_height = max(1, round(height * target / width))
            content = _encode_webp(upright, target, target_height)
            renditions.append(Rendition(width=target, height=target_height, content=content))
    finally:
        image.close()
    largest = renditions[-1]
    return ProcessedPhoto(renditions=renditions, width=largest.width, height=largest.height)


# -- Narration audio ---------------------------------------------------------------------------


# What mutagen (and its MP4 box parser, which we also use) raises for files it cannot handle.
_MUTAGEN_ERRORS = (MutagenError, AtomError, LookupError, ValueError, struct.error)
_OGG_TYPES = (oggopus.OggOpus, oggvorbis.OggVorbis, oggflac.OggFLAC)
_M4A_AUDIO_BRANDS = {b"M4A ", b"M4B ", b"mp42", b"isom", b"dash"}
_WAV_CODECS = {0x0001, 0x0003, 0x0006, 0x0007, 0xFFFE}  # PCM, float, A-law, µ-law, extensible


def _sniff(head: bytes) -> str | None:
    """The format the first bytes announce (mutagen's own guess also weighs the file name)."""
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return "wav"
    if head[:4] == b"OggS":
        return "ogg"
    if head[4:8] == b"ftyp":
        return "m4a"
    if head[:3] == b"ID3" or (len(head) > 1 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0):
        return "mp3"
    return None


def _check(data: bytes, audio_format: str) -> None:
    """Parse the recording with mutagen and check what it lets through; raise one of
    _MUTAGEN_ERRORS if it is damaged."""
    f = io.BytesIO(data)
    if audio_format == "mp3":
        MP3(f)
    elif audio_format == "wav":
        info = WAVE(f).info
        # mutagen takes a WAV without a "data" chunk (its length is then 0), and in any codec.
        if not info.length or info.audio_format not in _WAV_CODECS:
            raise MutagenError("no sound, or a codec browsers do not play")
    elif audio_format == "ogg":
        if MutagenFile(f, options=_OGG_TYPES) is None:
            raise MutagenError("not Opus, Vorbis or FLAC")  # e.g. Theora video
        # mutagen does not check the pages' CRCs as it reads them, but writes them: every page
        # must read back byte for byte (up to the end, or some zero bytes: EOFError).
        f.seek(0)
        with suppress(EOFError):
            while True:
                page = OggPage(f)
                if page.write() != data[page.offset : f.tell()]:
                    raise MutagenError(f"damaged page at {page.offset}")
    else:
        MP4(f)
        # mutagen reads any ISO media file (pictures, movies, files without sound) and only the
        # movie box: brands, tracks and a whole last box (often the sound) are checked here.
        atoms = Atoms(f)
        ftyp = atoms[b"ftyp"].read(f)[1]
        brands = {ftyp[:4], *(ftyp[i : i + 4] for i in range(8, len(ftyp), 4))}
        traks = atoms[b"moov"].findall(b"trak")
        handlers = {trak[b"mdia", b"hdlr"].read(f)[1][8:12] for trak in traks}
        if not brands & _M4A_AUDIO_BRANDS or b"soun" not in handlers or b"vide" in handlers:
            raise MutagenError("not a sound recording")
        if atoms.atoms[-1].offset + atoms.atoms[-1].length > len(data):
            raise MutagenError("cut short")


def check_narration(uploaded: Any) -> str:
    """Check an uploaded recording and return its format (one of NARRATION_FORMATS), leaving
    the file at position 0. Raises ``ValidationError``: ``narration_empty``,
    ``narration_too_large``, ``narration_format`` or ``narration_invalid``."""
    data = _read_upload(uploaded, "narration", NARRATION_MAX_BYTES)
    audio_format = _sniff(data[:16])
    if audio_format is None:
        raise _error("narration_format")
    try:
        _check(data, audio_format)
    except _MUTAGEN_ERRORS as error:
        raise _error("narration_invalid", format=audio_format.upper()) from error
    return audio_format


def _without_tags(data: bytes, audio_format: str) -> bytes:
    """The recording without any tag; raise one of _MUTAGEN_ERRORS if that cannot be done."""
    f = io.BytesIO(data)
    if audio_format == "mp3":
        # Only the frames: cut where mutagen found the first one (its id3.delete() removes only
        # the first ID3v2 tag and leaves an ID3v2.4 footer), then drop any APEv2 and ID3v1 tag.
        f = io.BytesIO(data[MP3(f).info.frame_offset :])
        apev2.delete(f)
        id3.delete(f, delete_v1=True, delete_v2=False)
    elif audio_format == "ogg":
        audio = MutagenFile(f, options=_OGG_TYPES)
        if audio is None:
            raise MutagenError("not Opus, Vorbis or FLAC")
        audio.delete(f)  # every comment (the encoder's vendor string stays)
    elif audio_format == "m4a":
        # mutagen cuts out the ilst tags and corrects the chunk offsets; the metadata boxes
        # left (©xyz location…) become zero-filled "free" boxes of the same size.
        with suppress(*_MUTAGEN_ERRORS):  # tags mutagen cannot read: blanking alone removes them
            MP4(f).delete(f)
        stripped = bytearray(f.getvalue())
        atoms = Atoms(io.BytesIO(stripped))
        moov = atoms[b"moov"]
        for box in chain(atoms.atoms, moov.children, *(t.children for t in moov.findall(b"trak"))):
            if box.name in (b"udta", b"meta", b"uuid"):  # user data, metadata, XMP
                end = box.offset + box.length
                stripped[box.offset + 4 : box.offset + 8] = b"free"
                stripped[end - box.datalength : end] = bytes(box.datalength)
        return bytes(stripped)
    else:
        # Only the "fmt " and "data" chunks: mutagen removes only an "id3 " chunk, and LIST/INFO,
        # bext and others can name people too.
        kept, pos = [], 12
        while pos + 8 <= len(data) and len(kept) < 2:
            chunk_id, size = data[pos : pos + 4], struct.unpack("<I", data[pos + 4 : pos + 8])[0]
            if chunk_id in (b"fmt ", b"data"):
                body = data[pos + 8 : pos + 8 + size]
                kept.append(chunk_id + struct.pack("<I", len(body)) + body + bytes(len(body) & 1))
            pos += 8 + size + (size & 1)
        body = b"WAVE" + b"".join(kept)
        return b"RIFF" + struct.pack("<I", len(body)) + body
    return f.getvalue()


def narration_without_tags(uploaded: Any, audio_format: str) -> ContentFile:
    """A copy of a recording checked by :func:`check_narration`, without any tag. Raises
    ``ValidationError`` (``narration_invalid``) if they cannot all go or the copy is damaged."""
    data = _read_upload(uploaded, "narration", NARRATION_MAX_BYTES)
    try:
        content = ContentFile(_without_tags(data, audio_format), name=uploaded.name)
    except _MUTAGEN_ERRORS as error:
        raise _error("narration_invalid", format=audio_format.upper()) from error
    if check_narration(content) != audio_format:
        raise _error("narration_invalid", format=audio_format.upper())
    return content


# -- Form fields -------------------------------------------------------------------------------


class _UploadField(forms.FileField):
    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        attrs = super().widget_attrs(widget)
        if isinstance(widget, forms.FileInput) and "accept" not in widget.attrs:
            attrs.setdefault("accept", self.accept)
        return attrs

    def to_python(self, data: Any) -> Any:
        # Only a new upload reaches to_python: FileField.clean() returns the initial value
        # (an already stored file) untouched when nothing new was sent.
        uploaded = super().to_python(data)
        return None if uploaded is None else self.process(uploaded)


class PhotoField(_UploadField):
    """A file field that checks a step photo and cleans to a :class:`ProcessedPhoto`. Not a
    ``forms.ImageField``: that one decodes the whole image before ours could refuse a bomb."""

    accept = PHOTO_ACCEPT

    def process(self, uploaded: Any) -> ProcessedPhoto:
        return process_photo(uploaded)


class NarrationField(_UploadField):
    """A file field that cleans to the checked recording without its tags, its format set as
    its ``narration_format`` attribute."""

    accept = NARRATION_ACCEPT

    def process(self, uploaded: Any) -> Any:
        audio_format = check_narration(uploaded)
        cleaned = narration_without_tags(uploaded, audio_format)
        cleaned.narration_format = audio_format
        return cleaned
