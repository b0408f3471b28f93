"""The app's icons for phones' home screens, all drawn from one source image
(massage/icon_source.png, the brand mark of static/img/icon.svg at 1024 px).

`manage.py make_icons` writes them into static/img/icons/; the web app manifest and the page's
<head> list them from ICONS. The PNGs are committed, so a fresh clone serves them with no step of
its own, and a test checks that the command still draws exactly what is committed.
"""

from dataclasses import dataclass
from pathlib import Path

from PIL import Image

SOURCE = Path(__file__).resolve().parent / "icon_source.png"
FOLDER = "img/icons"
# The mint of the mark's face (--accent-soft): maskable and Apple icons fill their whole square.
BACKGROUND = (217, 235, 230, 255)
# A maskable icon may be cut to a circle of 80% of its width: the mark is drawn inside it.
SAFE_ZONE = 0.8


@dataclass(frozen=True)
class Icon:
    name: str
    size: int
    purpose: str  # "any": the round mark on transparency; "maskable" and "apple": full-bleed

    @property
    def path(self) -> str:
        return f"{FOLDER}/{self.name}"


ICONS = [
    Icon("icon-192.png", 192, "any"),
    Icon("icon-512.png", 512, "any"),
    Icon("icon-maskable-192.png", 192, "maskable"),
    Icon("icon-maskable-512.png", 512, "maskable"),
    # iOS ignores the manifest's icons and rounds this one's corners itself.
    Icon("apple-touch-icon.png", 180, "apple"),
]
MANIFEST_ICONS = [icon for icon in ICONS if icon.purpose != "apple"]
APPLE_ICON = next(icon for icon in ICONS if icon.purpose == "apple")


def draw(icon: Icon, source: Image.Image) -> Image.Image:
    """The icon at its size: the source scaled down, or set on the mint square."""
    if icon.purpose == "any":
        return source.resize((icon.size, icon.size), Image.Resampling.LANCZOS)
    inner = round(icon.size * SAFE_ZONE)
    mark = source.resize((inner, inner), Image.Resampling.LANCZOS)
    canvas = Image.new("RGBA", (icon.size, icon.size), BACKGROUND)
    offset = (icon.size - inner) // 2
    canvas.alpha_composite(mark, (offset, offset))
    # Home screens show no transparency on these: an opaque image, smaller too.
    return canvas.convert("RGB")


def draw_all(source_path: Path = SOURCE) -> dict[Icon, Image.Image]:
    with Image.open(source_path) as source:
        rgba = source.convert("RGBA")
    return {icon: draw(icon, rgba) for icon in ICONS}


def same_pixels(one: Image.Image, other: Image.Image) -> bool:
    return one.mode == other.mode and one.size == other.size and one.tobytes() == other.tobytes()
