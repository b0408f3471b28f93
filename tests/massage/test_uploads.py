"""Tests for massage.uploads: photo processing and narration checks, on real encoded files.

No database is used (pytest-django blocks it for tests without the django_db mark).
"""

from __future__ import annotations

import io
import random
import struct
import time
import wave
import zlib
from pathlib import Path

import pytest
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.core.files.uploadedfile import InMemoryUploadedFile, SimpleUploadedFile
from mutagen import MutagenError
from mutagen.mp4 import MP4
from mutagen.oggopus import OggOpus
from mutagen.oggvorbis import OggVorbis
from PIL import Image, ImageCms, ImageFile

from massage import uploads
from massage.uploads import (
    NARRATION_MAX_BYTES,
    PHOTO_MAX_BYTES,
    NarrationField,
    PhotoField,
    ProcessedPhoto,
    check_narration,
    process_photo,
    srcset,
)
from tests.markup import attribute, elements


@pytest.fixture(scope="module", autouse=True)
def _django_settings():
    """Let the module run without the project's settings (``pytest -p no:django``)."""
    if not settings.configured:
        import django

        settings.configure(USE_I18N=True, INSTALLED_APPS=[], SECRET_KEY="tests")
        django.setup()
    yield


# --------------------------------------------------------------------------------------------
# Builders
# --------------------------------------------------------------------------------------------


def noisy_image(size=(1200, 800), mode="RGB", seed=0) -> Image.Image:
    """A picture with detail (so it does not compress to nothing) made reproducibly."""
    rng = random.Random(seed)
    small = Image.frombytes(
        mode, (size[0] // 8, size[1] // 8), rng.randbytes(size[0] // 8 * size[1] // 8 * len(mode))
    )
    return small.resize(size, Image.Resampling.BILINEAR)


def encode(image: Image.Image, image_format: str, **params) -> bytes:
    out = io.BytesIO()
    image.save(out, format=image_format, **params)
    return out.getvalue()


def upload(content: bytes, name: str, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def open_output(rendition) -> Image.Image:
    rendition.content.seek(0)
    image = Image.open(io.BytesIO(rendition.content.read()))
    image.load()
    return image


def png_header_only(width: int, height: int) -> bytes:
    """A PNG whose IHDR claims ``width`` x ``height`` 1-bit pixels, with a token IDAT."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    idat = zlib.compress(b"\0" * 1024)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


class NoReadFile(io.BytesIO):
    def read(self, *args, **kwargs):  # pragma: no cover - failing is the point
        raise AssertionError("the file must not be read")


# -- Audio samples ----------------------------------------------------------------------------

# Small recordings made once by real encoders (see tests/data/make_samples.sh).
SAMPLES = Path(__file__).resolve().parent.parent / "data"


def sample(name: str) -> bytes:
    return (SAMPLES / name).read_bytes()


MP3 = sample("tone.mp3")  # MPEG-1 Layer III frames, no tag


def wav_bytes(seconds=0.2, rate=16000) -> bytes:
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(b"\0\0" * int(rate * seconds))
    return out.getvalue()


def ogg_crc(data: bytes) -> int:
    crc = 0
    for byte in data:
        crc ^= byte << 24
        for _ in range(8):
            crc = ((crc << 1) ^ 0x04C11DB7) if crc & 0x80000000 else crc << 1
            crc &= 0xFFFFFFFF
    return crc


def flip_byte(data: bytes, index: int) -> bytes:
    return data[:index] + bytes([data[index] ^ 0x01]) + data[index + 1 :]


def ogg_packets(data: bytes) -> list[bytes]:
    """The packets of a stream, checking that each page is whole, in sequence and has the
    right CRC."""
    packets, packet, pos, sequence = [], b"", 0, 0
    while pos < len(data):
        assert data[pos : pos + 5] == b"OggS\0"
        segments = data[pos + 26]
        lacing = data[pos + 27 : pos + 27 + segments]
        page = data[pos : pos + 27 + segments + sum(lacing)]
        assert len(page) == 27 + segments + sum(lacing)
        assert ogg_crc(page[:22] + b"\0\0\0\0" + page[26:]) == struct.unpack("<I", page[22:26])[0]
        assert struct.unpack("<I", page[18:22])[0] == sequence
        body = 27 + segments
        for length in lacing:
            packet += page[body : body + length]
            body += length
            if length < 255:
                packets.append(packet)
                packet = b""
        pos += len(page)
        sequence += 1
    return packets


def id3_tag(payload: bytes = b"") -> bytes:
    frame = b"TIT2" + struct.pack(">I", 1 + 9) + b"\0\0" + b"\x03Narration"
    body = frame + payload + b"\0" * 300  # padding
    size = len(body)
    syncsafe = bytes([(size >> 21) & 0x7F, (size >> 14) & 0x7F, (size >> 7) & 0x7F, size & 0x7F])
    return b"ID3" + bytes([4, 0, 0]) + syncsafe + body


def ape_tag(items: dict[bytes, bytes], *, size_error=0) -> bytes:
    """An APEv2 tag with header and footer, as some taggers add to MP3 (before any ID3v1)."""
    body = b"".join(struct.pack("<II", len(v), 0) + k + b"\0" + v for k, v in items.items())
    size = len(body) + 32 + size_error  # the items and the footer

    def header_or_footer(flags: int) -> bytes:
        return b"APETAGEX" + struct.pack("<IIII", 2000, size, len(items), flags) + b"\0" * 8

    return header_or_footer(0xA0000000) + body + header_or_footer(0x80000000)


ID3V1 = b"TAG" + b"Narration by Ana Lopez".ljust(30, b"\0") + b"\0" * 95


def with_brands(data: bytes, major: bytes, compatible: bytes) -> bytes:
    """The M4A with other brands in its file type box, which keeps its size."""
    size = struct.unpack(">I", data[:4])[0]
    brands = major + data[12:16] + compatible
    assert len(brands) == size - 8
    return data[:8] + brands + data[size:]


TAGGED_M4A = sample("tone-tagged.m4a")  # the movie box first, the sound ("mdat") last
M4A_SAMPLES = TAGGED_M4A[TAGGED_M4A.rindex(b"mdat") + 4 :]


def m4a_samples(data: bytes) -> bytes:
    """The bytes the M4A's chunk offset points at."""
    stco = data.index(b"stco")
    (chunk_offset,) = struct.unpack(">I", data[stco + 12 : stco + 16])
    return data[chunk_offset : chunk_offset + len(M4A_SAMPLES)]


# --------------------------------------------------------------------------------------------
# Photos
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("image_format", "name"), [("JPEG", "a.jpg"), ("PNG", "a.png"), ("WEBP", "a.webp")]
)
def test_good_photo_gives_480_and_960_webp_renditions(image_format, name):
    content = encode(noisy_image((1200, 800)), image_format)

    photo = process_photo(upload(content, name))

    assert isinstance(photo, ProcessedPhoto)
    assert [(r.width, r.height) for r in photo.renditions] == [(480, 320), (960, 640)]
    assert (photo.width, photo.height) == (960, 640)
    assert photo.largest is photo.renditions[-1]
    for rendition in photo.renditions:
        assert rendition.content.name == f"photo-{rendition.width}w.webp"
        output = open_output(rendition)
        assert output.format == "WEBP"
        assert output.size == (rendition.width, rendition.height)
        assert output.mode == "RGB"


def test_small_photo_is_never_upscaled_and_sizes_are_not_duplicated():
    photo = process_photo(upload(encode(noisy_image((300, 200)), "PNG"), "small.png"))

    assert [(r.width, r.height) for r in photo.renditions] == [(300, 200)]
    assert (photo.width, photo.height) == (300, 200)


def test_photo_between_the_widths_gets_its_own_width_as_largest():
    photo = process_photo(upload(encode(noisy_image((600, 900)), "JPEG"), "p.jpg"))

    assert [(r.width, r.height) for r in photo.renditions] == [(480, 720), (600, 900)]


def test_exif_gps_xmp_and_comments_are_stripped():
    exif = Image.Exif()
    exif[0x010F] = "Phone maker"  # Make
    exif[0x0131] = "Camera app"  # Software
    exif[0x8825] = {  # GPS IFD
        1: "N",
        2: (52.0, 22.0, 30.5),
        3: "E",
        4: (4.0, 53.0, 10.0),
    }
    xmp = (
        b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/'
        b'22-rdf-syntax-ns#"><rdf:Description about="">secret</rdf:Description></rdf:RDF>'
        b"</x:xmpmeta>"
    )
    content = encode(
        noisy_image((1000, 700)), "JPEG", exif=exif.tobytes(), xmp=xmp, comment=b"private note"
    )
    # The test input really does carry the metadata.
    with Image.open(io.BytesIO(content)) as source:
        assert source.getexif().get_ifd(0x8825)[1] == "N"
        assert "xmp" in source.info
        assert "comment" in source.info

    photo = process_photo(upload(content, "gps.jpg"))

    for rendition in photo.renditions:
        output = open_output(rendition)
        assert not output.getexif()
        assert not output.getexif().get_ifd(0x8825)
        assert "exif" not in output.info
        assert "xmp" not in output.info
        assert "comment" not in output.info
        raw = rendition.content.file.getvalue()
        assert b"EXIF" not in raw
        assert b"XMP " not in raw
        assert b"secret" not in raw
        assert b"Phone maker" not in raw


def test_exif_orientation_is_applied():
    image = Image.new("RGB", (200, 100), (0, 0, 255))
    image.paste((255, 0, 0), (0, 0, 100, 100))  # left half red, right half blue
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° clockwise to display
    content = encode(image, "JPEG", exif=exif.tobytes(), quality=95)

    photo = process_photo(upload(content, "sideways.jpg"))

    assert [(r.width, r.height) for r in photo.renditions] == [(100, 200)]
    output = open_output(photo.renditions[0]).convert("RGB")
    assert output.size == (100, 200)
    top, bottom = output.getpixel((50, 40)), output.getpixel((50, 160))
    assert top[0] > 200 and top[2] < 60  # the left (red) half is now on top
    assert bottom[2] > 200 and bottom[0] < 60
    assert not output.getexif()


@pytest.fixture
def decoded_sizes(monkeypatch):
    """The size of each picture handed to colour conversion: what was decoded, after reduce()."""
    sizes = []
    to_srgb = uploads._to_srgb

    def spy(image, keep_alpha):
        sizes.append(image.size)
        return to_srgb(image, keep_alpha)

    monkeypatch.setattr(uploads, "_to_srgb", spy)
    return sizes


def test_a_big_jpeg_is_decoded_near_the_widest_rendition(decoded_sizes):
    content = encode(noisy_image((4800, 3200)), "JPEG")

    photo = process_photo(upload(content, "big.jpg"))

    assert [(r.width, r.height) for r in photo.renditions] == [(480, 320), (960, 640)]
    assert decoded_sizes == [(1200, 800)]  # the decoder's 1/4 scale, not 15 megapixels


def test_a_big_sideways_jpeg_is_decoded_for_its_upright_width(decoded_sizes):
    # Stored 4000 x 3000, shown turned a quarter: 3000 wide upright. Scaling for the stored
    # width (1/4: 1000 x 750) would leave only 750 pixels across once turned.
    exif = Image.Exif()
    exif[0x0112] = 6
    content = encode(noisy_image((4000, 3000)), "JPEG", exif=exif.tobytes())

    photo = process_photo(upload(content, "sideways.jpg"))

    assert [(r.width, r.height) for r in photo.renditions] == [(480, 640), (960, 1280)]
    assert decoded_sizes == [(1500, 2000)]  # decoded at 1/2, then turned upright


def test_a_big_png_is_reduced_before_colour_conversion(decoded_sizes):
    image = Image.linear_gradient("L").resize((4000, 3000)).convert("RGB")

    photo = process_photo(upload(encode(image, "PNG"), "big.png"))

    assert [(r.width, r.height) for r in photo.renditions] == [(480, 360), (960, 720)]
    assert decoded_sizes == [(2000, 1500)]


def test_a_40_megapixel_photo_is_refused_and_24_is_not():
    with pytest.raises(ValidationError) as caught:
        process_photo(upload(png_header_only(7300, 5400), "camera.png"))
    assert caught.value.code == "photo_too_many_pixels"
    assert "at most 24 megapixels" in caught.value.messages[0]

    with pytest.raises(ValidationError) as caught:
        process_photo(upload(png_header_only(6000, 4000), "ok.png"))
    assert caught.value.code == "photo_invalid"  # a token picture, but not too many pixels


def test_png_and_webp_transparency_is_kept():
    image = noisy_image((500, 400)).convert("RGBA")
    image.putalpha(Image.linear_gradient("L").resize((500, 400)))

    for image_format in ("PNG", "WEBP"):
        photo = process_photo(upload(encode(image, image_format), "alpha.png"))
        output = open_output(photo.renditions[0])
        assert output.mode == "RGBA"
        assert output.getchannel("A").getextrema()[0] < 50


def test_opaque_alpha_and_palette_and_greyscale_pngs_become_rgb():
    for image in (
        noisy_image((500, 300)).convert("RGBA"),
        noisy_image((500, 300)).convert("P"),
        noisy_image((500, 300)).convert("L"),
        noisy_image((500, 300)).convert("I;16"),
    ):
        photo = process_photo(upload(encode(image, "PNG"), "p.png"))
        assert open_output(photo.renditions[-1]).mode == "RGB"


def test_cmyk_jpeg_and_icc_profile_are_converted():
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    rgb = process_photo(upload(encode(noisy_image(), "JPEG", icc_profile=srgb), "icc.jpg"))
    cmyk = process_photo(upload(encode(noisy_image().convert("CMYK"), "JPEG"), "cmyk.jpg"))

    for photo in (rgb, cmyk):
        output = open_output(photo.renditions[-1])
        assert output.mode == "RGB"
        assert "icc_profile" not in output.info


@pytest.mark.parametrize(
    ("image_format", "name"), [("JPEG", "cut.jpg"), ("PNG", "cut.png"), ("WEBP", "cut.webp")]
)
@pytest.mark.parametrize("load_truncated", [False, True])
def test_truncated_photo_is_rejected(image_format, name, load_truncated, monkeypatch):
    # Even if something turned LOAD_TRUNCATED_IMAGES on globally, truncation is caught.
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", load_truncated)
    content = encode(noisy_image((1200, 800)), image_format)

    with pytest.raises(ValidationError) as caught:
        process_photo(upload(content[: len(content) * 2 // 3], name))

    assert caught.value.code == "photo_invalid"


@pytest.mark.parametrize(
    "params",
    [{"progressive": True}, {"restart_marker_blocks": 1}, {"optimize": True}],
    ids=["progressive", "restart-markers", "optimized"],
)
def test_jpeg_variants_and_trailing_data_after_the_image_are_accepted(params, monkeypatch):
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)  # structure check alone
    content = encode(noisy_image(), "JPEG", **params)
    trailer = b"SEFH" + random.Random(3).randbytes(3000)  # some phones append data after EOI

    photo = process_photo(upload(content + trailer, "p.jpg"))

    assert [r.width for r in photo.renditions] == [480, 960]


def test_phone_mpo_jpeg_is_accepted():
    image = noisy_image()
    content = encode(image, "MPO", save_all=True, append_images=[image.resize((300, 200))])

    photo = process_photo(upload(content, "phone.jpg"))

    assert [r.width for r in photo.renditions] == [480, 960]


def test_text_renamed_jpg_is_rejected():
    with pytest.raises(ValidationError) as caught:
        process_photo(upload(b"Just some notes, not a picture.\n" * 20, "notes.jpg", "image/jpeg"))

    assert caught.value.code == "photo_invalid"
    assert "JPEG, PNG or WebP" in caught.value.messages[0]


@pytest.mark.parametrize("image_format", ["GIF", "BMP", "TIFF"])
def test_other_image_formats_renamed_jpg_are_rejected_naming_the_formats(image_format):
    content = encode(noisy_image((300, 200)), image_format)

    with pytest.raises(ValidationError) as caught:
        process_photo(upload(content, "photo.jpg", "image/jpeg"))

    assert caught.value.code == "photo_format"
    message = caught.value.messages[0]
    assert image_format in message
    assert "JPEG, PNG or WebP" in message


def test_huge_dimensions_are_rejected_fast_without_decoding():
    content = png_header_only(20000, 20000)
    assert len(content) < 2000

    started = time.monotonic()
    with pytest.raises(ValidationError) as caught:
        process_photo(upload(content, "bomb.png"))

    assert time.monotonic() - started < 1
    assert caught.value.code == "photo_too_many_pixels"
    assert "24 megapixels" in caught.value.messages[0]


def test_dimensions_just_over_the_limit_are_rejected_from_the_header():
    # 8000 x 6000 = 48 MP: under Pillow's own bomb limit, over ours.
    started = time.monotonic()
    with pytest.raises(ValidationError) as caught:
        process_photo(upload(png_header_only(8000, 6000), "big.png"))

    assert time.monotonic() - started < 1
    assert caught.value.code == "photo_too_many_pixels"


def test_pillow_bomb_warning_is_an_error_locally(monkeypatch):
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 1000 * 700)  # warn above 0.7 MP
    content = encode(noisy_image((1000, 800)), "PNG")

    with pytest.raises(ValidationError) as caught:
        process_photo(upload(content, "p.png"))

    assert caught.value.code == "photo_too_many_pixels"


def test_over_10_mb_is_rejected_by_size_before_reading():
    fake = InMemoryUploadedFile(
        NoReadFile(), "photo", "big.jpg", "image/jpeg", PHOTO_MAX_BYTES + 1, None
    )

    with pytest.raises(ValidationError) as caught:
        process_photo(fake)

    assert caught.value.code == "photo_too_large"
    assert "10.0" in caught.value.messages[0]


def test_11_mb_upload_is_rejected():
    with pytest.raises(ValidationError) as caught:
        process_photo(upload(b"\xff\xd8" + b"\0" * (11 * 1024 * 1024), "big.jpg"))

    assert caught.value.code == "photo_too_large"


def test_size_claim_is_not_trusted_for_reading():
    content = b"\0" * (PHOTO_MAX_BYTES + 10)
    lying = InMemoryUploadedFile(io.BytesIO(content), "photo", "x.jpg", "image/jpeg", 100, None)

    with pytest.raises(ValidationError) as caught:
        process_photo(lying)

    assert caught.value.code == "photo_too_large"


def test_empty_photo_is_rejected():
    with pytest.raises(ValidationError) as caught:
        process_photo(upload(b"", "empty.jpg"))

    assert caught.value.code == "photo_empty"


def test_plain_django_file_is_accepted():
    photo = process_photo(File(io.BytesIO(encode(noisy_image((500, 500)), "PNG")), name="x.png"))

    assert [r.width for r in photo.renditions] == [480, 500]


def test_srcset():
    assert srcset([("/a-480.webp", 480), ("/a-960.webp", 960)]) == (
        "/a-480.webp 480w, /a-960.webp 960w"
    )


# --------------------------------------------------------------------------------------------
# Narration
# --------------------------------------------------------------------------------------------


def file_name_id(value):
    """Name parametrised cases by their file name rather than by their bytes."""
    return value if isinstance(value, str) and "." in value else ""


@pytest.mark.parametrize(
    ("content", "name", "expected"),
    [
        (sample("tone.wav"), "n.wav", "wav"),
        (wav_bytes(), "python.wav", "wav"),
        (sample("tone-tagged.wav"), "tagged.wav", "wav"),
        (sample("tone.opus"), "n.opus", "ogg"),
        (sample("tone.ogg"), "n.ogg", "ogg"),
        (MP3, "bare.mp3", "mp3"),
        (sample("tone-mpeg2.mp3"), "mpeg2.mp3", "mp3"),
        (sample("tone-tagged.mp3"), "tagged.mp3", "mp3"),
        (sample("tone.m4a"), "n.m4a", "m4a"),
        (sample("tone.mp4"), "n.mp4", "m4a"),
        (with_brands(sample("tone.mp4"), b"isom", b"isomdashmp41"), "dash.mp4", "m4a"),
        (TAGGED_M4A, "tagged.m4a", "m4a"),
        # The name never matters, only the content.
        (sample("tone.wav"), "recording.bin", "wav"),
        (MP3, "recording.wav", "mp3"),
    ],
    ids=file_name_id,
)
def test_real_audio_is_accepted_and_rewound(content, name, expected):
    uploaded = upload(content, name, "application/octet-stream")
    uploaded.read(5)

    assert check_narration(uploaded) == expected
    assert uploaded.tell() == 0


@pytest.mark.parametrize(
    ("content", "name", "code"),
    [
        (b"Hello, this is a narration script.\n" * 10, "script.mp3", "narration_format"),
        (encode(noisy_image((50, 50)), "PNG"), "picture.wav", "narration_format"),
        (encode(noisy_image((50, 50)), "JPEG"), "picture.mp3", "narration_format"),
        # Recognised containers with broken insides.
        (b"RIFF" + struct.pack("<I", 4) + b"WAVE", "nofmt.wav", "narration_invalid"),
        (sample("tone.wav")[:40], "cut.wav", "narration_invalid"),
        (sample("adpcm.wav"), "adpcm.wav", "narration_invalid"),
        (sample("video.ogg"), "video.ogg", "narration_invalid"),
        (b"OggS\x01" + sample("tone.opus")[5:], "v1.ogg", "narration_invalid"),
        (flip_byte(sample("tone.opus"), 40), "badcrc.ogg", "narration_invalid"),
        (b"\xff\xfb\x90\xc4" + b"\0" * 100, "short.mp3", "narration_invalid"),
        (bytes([0xFF, 0xFB, 0xF0, 0xC4]) + b"\0" * 1000, "badrate.mp3", "narration_invalid"),
        (id3_tag() + b"\0" * 5000, "tagonly.mp3", "narration_invalid"),
        (sample("video.m4a"), "video.m4a", "narration_invalid"),
        (sample("movie.mp4"), "movie.m4a", "narration_invalid"),
        (sample("video.m4a").replace(b"vide", b"text"), "text.m4a", "narration_invalid"),
        (with_brands(sample("tone.m4a"), b"qt  ", b"qt  " * 3), "movie.mov", "narration_invalid"),
        (with_brands(sample("tone.m4a"), b"avif", b"avifmif1miaf"), "img.m4a", "narration_invalid"),
        (sample("tone.m4a")[:60], "cut.m4a", "narration_invalid"),
        (TAGGED_M4A[: len(TAGGED_M4A) * 2 // 3], "cut-sound.m4a", "narration_invalid"),
    ],
    ids=file_name_id,
)
def test_bad_audio_is_rejected(content, name, code):
    uploaded = upload(content, name, "audio/mpeg")

    with pytest.raises(ValidationError) as caught:
        check_narration(uploaded)

    assert caught.value.code == code
    assert uploaded.tell() == 0
    if code == "narration_format":
        assert "MP3, OGG, M4A or WAV" in caught.value.messages[0]


def test_an_ogg_page_is_checked_by_its_crc():
    content = sample("tone.opus")
    last_page = content.rindex(b"OggS")
    damaged = flip_byte(content, len(content) - 10)  # in the sound of the last page

    with pytest.raises(ValidationError) as caught:
        check_narration(upload(damaged, "voice.opus"))
    assert caught.value.code == "narration_invalid"

    page = damaged[last_page:]
    crc = struct.pack("<I", ogg_crc(page[:22] + b"\0\0\0\0" + page[26:]))
    repaired = damaged[:last_page] + page[:22] + crc + page[26:]
    assert check_narration(upload(repaired, "voice.opus")) == "ogg"


def test_mp3_tags_are_removed():
    content = sample("tone-tagged.mp3")  # ID3v2 and ID3v1 tags: title, artist and a place
    assert b"Secret Street" in content

    cleaned = uploads.narration_without_tags(upload(content, "voice.mp3"), "mp3")

    data = cleaned.read()
    assert data == MP3
    assert check_narration(upload(data, "voice.mp3")) == "mp3"


def test_wav_keeps_only_its_sound():
    sound = sample("tone.wav")  # just "fmt " and "data"
    tagged = sample("tone-tagged.wav")  # the same with bext, LIST/INFO and "id3 " chunks
    assert b"Ana Lopez" in tagged
    assert b"S\0e\0c\0r\0e\0t\0" in tagged  # in the ID3 tag, as UTF-16

    cleaned = uploads.narration_without_tags(upload(tagged, "voice.wav"), "wav")

    data = cleaned.read()
    assert b"Ana Lopez" not in data
    assert b"Secret Street" not in data
    assert data == sound
    assert check_narration(upload(data, "voice.wav")) == "wav"


@pytest.mark.parametrize(
    "content",
    [
        MP3 + ape_tag({b"Artist": b"Ana Lopez"}) + ID3V1,
        id3_tag(b"TPE1" + struct.pack(">I", 10) + b"\0\0\x03Ana Lopez") + MP3 + ID3V1,
        # Two ID3v2 tags, then junk some taggers leave before the first frame.
        id3_tag() + id3_tag(b"COMMAna Lopez") + b"\0Ana Lopez\0" + MP3,
    ],
    ids=["ape-and-id3v1", "id3v2-and-id3v1", "two-id3v2-and-junk"],
)
def test_mp3_keeps_only_its_frames(content):
    cleaned = uploads.narration_without_tags(upload(content, "voice.mp3"), "mp3")

    data = cleaned.read()
    assert data == MP3
    assert check_narration(upload(data, "voice.mp3")) == "mp3"


@pytest.mark.parametrize(
    ("name", "comment_header", "mutagen_type"),
    [("tone-tagged.opus", b"OpusTags", OggOpus), ("tone-tagged.ogg", b"\x03vorbis", OggVorbis)],
    ids=["opus", "vorbis"],
)
def test_ogg_comments_are_removed(name, comment_header, mutagen_type):
    content = sample(name)
    tags = mutagen_type(io.BytesIO(content)).tags
    assert tags["ARTIST"] == ["Ana Lopez"]
    assert tags["LOCATION"] == ["12 Secret Street, Lisbon"]

    cleaned = uploads.narration_without_tags(upload(content, "voice.ogg"), "ogg")

    data = cleaned.read()
    assert b"Ana Lopez" not in data
    assert b"Secret Street" not in data
    assert check_narration(upload(data, "voice.ogg")) == "ogg"
    packets, original = ogg_packets(data), ogg_packets(content)
    assert packets[0] == original[0]  # the identification header
    # The comment header is still there, with the vendor and no comment at all.
    vendor = tags.vendor.encode()
    no_comments = comment_header + struct.pack("<I", len(vendor)) + vendor + struct.pack("<I", 0)
    assert packets[1] == no_comments + (b"\x01" if comment_header == b"\x03vorbis" else b"")
    assert packets[2:] == original[2:]
    assert not mutagen_type(io.BytesIO(data)).tags


# The artist (iTunes-style), the place (3GPP "loci") and the track's name.
M4A_SECRETS = (b"Ana Lopez", b"loci", b"Ana's phone", b"\xa9ART", b"udta")


def test_m4a_metadata_and_location_are_removed():
    content = TAGGED_M4A
    assert MP4(io.BytesIO(content)).tags["\xa9ART"] == ["Ana Lopez"]
    for secret in M4A_SECRETS:
        assert secret in content
    assert m4a_samples(content) == M4A_SAMPLES

    cleaned = uploads.narration_without_tags(upload(content, "voice.m4a"), "m4a")

    data = cleaned.read()
    for secret in M4A_SECRETS:
        assert secret not in data
    assert check_narration(upload(data, "voice.m4a")) == "m4a"
    assert len(data) < len(content)  # the tags were cut out, not only blanked…
    assert m4a_samples(data) == M4A_SAMPLES  # …and the chunk offset moved with them
    assert MP4(io.BytesIO(data)).tags is None


def test_an_m4a_mutagen_cannot_read_still_loses_its_metadata():
    # A "----" item needs a mean and a name before its data.
    content = TAGGED_M4A.replace(b"\xa9ART", b"----")
    with pytest.raises(MutagenError):
        MP4(io.BytesIO(content))

    cleaned = uploads.narration_without_tags(upload(content, "voice.m4a"), "m4a")

    data = cleaned.read()
    for secret in (*M4A_SECRETS, b"----"):
        assert secret not in data
    assert check_narration(upload(data, "voice.m4a")) == "m4a"
    assert m4a_samples(data) == M4A_SAMPLES


@pytest.mark.parametrize(
    ("content", "name", "audio_format"),
    [
        (sample("tone.wav"), "n.wav", "wav"),
        (wav_bytes(), "python.wav", "wav"),
        (sample("tone.opus"), "n.opus", "ogg"),
        (sample("tone.ogg"), "n.ogg", "ogg"),
        (MP3, "n.mp3", "mp3"),
        (sample("tone-mpeg2.mp3"), "mpeg2.mp3", "mp3"),
        (sample("tone.m4a"), "n.m4a", "m4a"),
    ],
    ids=file_name_id,
)
def test_untagged_recordings_come_out_whole(content, name, audio_format):
    uploaded = upload(content, name)

    cleaned = uploads.narration_without_tags(uploaded, audio_format)

    assert cleaned.read() == content
    assert cleaned.name == name
    assert uploaded.tell() == 0


@pytest.mark.parametrize("size_error", [10**6, -40], ids=["too-long", "too-short"])
def test_a_recording_whose_tags_cannot_be_removed_is_refused(size_error):
    content = MP3 + ape_tag({b"Artist": b"Ana Lopez"}, size_error=size_error)
    assert check_narration(upload(content, "voice.mp3")) == "mp3"

    with pytest.raises(ValidationError) as caught:
        NarrationField().clean(upload(content, "voice.mp3"))

    assert caught.value.code == "narration_invalid"
    assert "MP3" in caught.value.messages[0]


def test_the_narration_field_cleans_to_the_untagged_recording():
    field = uploads.NarrationField()

    cleaned = field.clean(upload(sample("tone-tagged.mp3"), "voice.mp3"))

    assert cleaned.narration_format == "mp3"
    assert cleaned.read() == MP3


def test_narration_over_5_mb_is_rejected_before_reading():
    fake = InMemoryUploadedFile(
        NoReadFile(), "audio", "long.mp3", "audio/mpeg", NARRATION_MAX_BYTES + 1, None
    )

    with pytest.raises(ValidationError) as caught:
        check_narration(fake)

    assert caught.value.code == "narration_too_large"


def test_6_mb_narration_is_rejected():
    with pytest.raises(ValidationError) as caught:
        check_narration(upload(MP3 * (6 * 1024 * 1024 // len(MP3) + 1), "long.mp3"))

    assert caught.value.code == "narration_too_large"
    assert "5.0" in caught.value.messages[0]


def test_empty_narration_is_rejected():
    with pytest.raises(ValidationError) as caught:
        check_narration(upload(b"", "empty.mp3"))

    assert caught.value.code == "narration_empty"


# --------------------------------------------------------------------------------------------
# Form fields
# --------------------------------------------------------------------------------------------


class StepMediaForm(forms.Form):
    photo = PhotoField()
    narration = NarrationField(required=False)


def test_fields_render_accept_attributes():
    html = str(StepMediaForm())

    (photo,) = elements(html, "input", type="file", name="photo")
    (narration,) = elements(html, "input", type="file", name="narration")
    assert attribute(photo, "accept") == "image/jpeg,image/png,image/webp"
    assert attribute(narration, "accept") == "audio/*"


def test_form_with_valid_uploads_cleans_to_renditions_and_checked_audio():
    form = StepMediaForm(
        data={},
        files={
            "photo": upload(encode(noisy_image((1200, 900)), "JPEG"), "p.jpg", "image/jpeg"),
            "narration": upload(sample("tone-tagged.mp3"), "n.mp3", "audio/mpeg"),
        },
    )

    assert form.is_valid(), form.errors
    photo = form.cleaned_data["photo"]
    assert isinstance(photo, ProcessedPhoto)
    assert [r.width for r in photo.renditions] == [480, 960]
    narration = form.cleaned_data["narration"]
    assert narration.name == "n.mp3"
    assert narration.narration_format == "mp3"
    assert narration.tell() == 0


def test_form_with_invalid_uploads_shows_friendly_errors():
    form = StepMediaForm(
        data={},
        files={
            "photo": upload(encode(noisy_image((300, 200)), "GIF"), "p.jpg", "image/jpeg"),
            "narration": upload(b"not audio at all" * 10, "n.mp3", "audio/mpeg"),
        },
    )

    assert not form.is_valid()
    assert form.has_error("photo", "photo_format")
    assert "JPEG, PNG or WebP" in form.errors["photo"][0]
    assert form.has_error("narration", "narration_format")
    assert "MP3, OGG, M4A or WAV" in form.errors["narration"][0]
    assert "JPEG, PNG or WebP" in form.as_div()


def test_form_requires_a_photo_and_leaves_narration_optional():
    form = StepMediaForm(data={}, files={})

    assert not form.is_valid()
    assert form.has_error("photo", "required")
    assert "narration" not in form.errors


def test_form_keeps_initial_photo_without_processing_it():
    class EditForm(forms.Form):
        photo = PhotoField(required=False)

    form = EditForm(data={}, files={}, initial={"photo": "stored/photo-960w.webp"})

    assert form.is_valid(), form.errors
    assert form.cleaned_data["photo"] == "stored/photo-960w.webp"
