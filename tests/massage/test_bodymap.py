"""The SVG body maps: valid, accessible, CSP-safe, and drawn in the right direction.

No database and no Django models: these tests also run with ``-p no:django``.
"""

import re
import xml.etree.ElementTree as ET

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def _ensure_settings() -> None:
    """Use the project's settings when they load; otherwise a minimal configuration."""
    if settings.configured:
        return
    try:
        settings.USE_I18N  # noqa: B018 - loads DJANGO_SETTINGS_MODULE if it is set and importable
    except (ImproperlyConfigured, ImportError):
        settings.configure(USE_I18N=False)


_ensure_settings()

from massage.bodymap import (  # noqa: E402
    PACE_CLASSES,
    pace_class,
    render_bodymap,
    render_bodymap_sprite,
)
from massage.vocabulary import BODY_AREAS, MOTIONS, motion_label  # noqa: E402

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ET.Element:
    return ET.fromstring(str(svg))


def path_points(d: str) -> list[tuple[float, float]]:
    numbers = [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?", d)]
    return list(zip(numbers[::2], numbers[1::2], strict=True))


def motion_paths(root: ET.Element) -> list[ET.Element]:
    return [el for el in root.iter(f"{SVG}path") if el.get("class") == "bm-path"]


@pytest.mark.parametrize("motion", sorted(MOTIONS))
@pytest.mark.parametrize("body_area", sorted(BODY_AREAS))
def test_every_area_and_motion_renders_valid_accessible_svg_with_its_label(body_area, motion):
    svg = render_bodymap(body_area=body_area, motion=motion, pace_seconds=3)
    root = parse(svg)
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert root.get("viewBox")
    assert not root.get("width")  # scales to its container
    # What a screen reader says, and what shows on hover: the area, then the motion, in words.
    area_words, motion_words = str(BODY_AREAS[body_area]), motion_label(body_area, motion)
    assert area_words.strip() and motion_words.strip()
    assert motion_words != motion  # words, not the key
    label = root.get("aria-label")
    assert label == f"{area_words}: {motion_words}"
    assert root.find(f"{SVG}title").text == label


@pytest.mark.parametrize("motion", sorted(MOTIONS))
@pytest.mark.parametrize("size", ["full", "thumb"])
def test_every_motion_renders_without_inline_style_script_or_smil(motion, size):
    for body_area in ("tummy", "legs", "back"):
        svg = str(render_bodymap(body_area=body_area, motion=motion, size=size))
        parse(svg)
        lowered = svg.lower()
        for forbidden in ("<style", "style=", "<script", "<animate", "<set ", "javascript:", "on"):
            if forbidden == "on":
                assert not re.search(r"\son\w+=", lowered)
            else:
                assert forbidden not in lowered, forbidden


def test_default_label_and_title_override():
    root = parse(render_bodymap(body_area="legs", motion="glide_toward_feet"))
    assert root.get("aria-label") == "Legs: glide toward the feet"
    root = parse(render_bodymap(body_area="arms", motion="glide_toward_feet"))
    assert root.get("aria-label") == "Arms: glide toward the hands"
    svg = render_bodymap(body_area="tummy", motion="hold", title='Rest <hands> & "breathe"')
    root = parse(svg)
    assert root.get("aria-label") == 'Rest <hands> & "breathe"'
    assert root.find(f"{SVG}title").text == 'Rest <hands> & "breathe"'
    assert "<hands>" not in str(svg)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"body_area": "elbow", "motion": "hold"},
        {"body_area": "", "motion": "hold"},
        {"body_area": "legs", "motion": "tickle"},
        {"body_area": "legs", "motion": "HOLD"},
        {"body_area": "legs", "motion": "hold", "size": "huge"},
    ],
)
def test_unknown_values_raise(kwargs):
    with pytest.raises(ValueError):
        render_bodymap(**kwargs)


def ids_and_references(root: ET.Element) -> tuple[list[str], set[str]]:
    ids = [el.get("id") for el in root.iter() if el.get("id")]
    refs = {
        m.group(1)
        for el in root.iter()
        for m in [re.fullmatch(r"url\(#(.+)\)", el.get("marker-end") or "")]
        if m
    }
    return ids, refs


def test_the_same_step_draws_the_same_svg_ids_included():
    step = {"body_area": "legs", "motion": "glide_toward_feet", "pace_seconds": 3, "key": 7}
    first = str(render_bodymap(**step))
    assert str(render_bodymap(**step)) == first
    ids, refs = ids_and_references(parse(first))
    assert ids and len(ids) == len(set(ids))
    assert refs and refs <= set(ids)


# Steps that differ in one thing each: what is drawn, its pace, size or title, or which step it is.
DIFFERENT_STEPS = [
    {"body_area": "legs", "motion": "glide_toward_feet"},
    {"body_area": "arms", "motion": "glide_toward_feet"},
    {"body_area": "legs", "motion": "glide_toward_body"},
    {"body_area": "legs", "motion": "glide_toward_feet", "pace_seconds": 6},
    {"body_area": "legs", "motion": "glide_toward_feet", "size": "thumb"},
    {"body_area": "legs", "motion": "glide_toward_feet", "title": "Milking"},
    {"body_area": "legs", "motion": "glide_toward_feet", "key": 1},
    {"body_area": "legs", "motion": "glide_toward_feet", "key": 2},
]


def test_different_steps_on_one_page_keep_their_ids_apart_and_resolve_their_own():
    seen: set[str] = set()
    for step in DIFFERENT_STEPS:
        ids, refs = ids_and_references(parse(render_bodymap(**step)))
        assert ids and len(ids) == len(set(ids))
        assert refs and refs <= set(ids)
        assert not seen & set(ids), step
        seen |= set(ids)


@pytest.mark.parametrize(
    ("pace", "expected"),
    [(1, 2), (2, 2), (2.4, 2), (3, 3), (3.4, 3), (4, 4), (4.9, 4), (5.2, 6), (6, 6), (10, 6)],
)
def test_pace_maps_to_nearest_class(pace, expected):
    assert pace_class(pace) == PACE_CLASSES[expected] == f"bodymap--pace-{expected}"
    root = parse(render_bodymap(body_area="legs", motion="wring", pace_seconds=pace))
    classes = root.get("class").split()
    assert f"bodymap--pace-{expected}" in classes
    assert len([c for c in classes if c.startswith("bodymap--pace-")]) == 1


def test_pace_defaults():
    assert pace_class(None) == "bodymap--pace-3"
    assert pace_class(None, motion="hold") == "bodymap--pace-4"
    assert pace_class(0) == "bodymap--pace-3"
    assert pace_class(float("nan")) == "bodymap--pace-3"


def test_hold_shows_pulsing_hands_and_no_arrow():
    root = parse(render_bodymap(body_area="tummy", motion="hold"))
    assert not motion_paths(root)
    assert not [el for el in root.iter() if el.get("marker-end")]
    pulsing = [el for el in root.iter(f"{SVG}g") if "bm-hand--pulse" in (el.get("class") or "")]
    assert len(pulsing) == 2


def test_stroke_has_arrow_and_travelling_dot_on_the_same_path():
    root = parse(render_bodymap(body_area="legs", motion="glide_toward_feet"))
    (path,) = motion_paths(root)
    assert path.get("marker-end")
    dots = [el for el in root.iter(f"{SVG}path") if "bm-dot" in (el.get("class") or "")]
    assert len(dots) == 1
    assert dots[0].get("d") == path.get("d")
    assert dots[0].get("pathLength") == "100"


def test_glides_run_in_their_direction():
    (down,) = motion_paths(parse(render_bodymap(body_area="legs", motion="glide_toward_feet")))
    (up,) = motion_paths(parse(render_bodymap(body_area="legs", motion="glide_toward_body")))
    d0, d1 = path_points(down.get("d"))[0], path_points(down.get("d"))[-1]
    u0, u1 = path_points(up.get("d"))[0], path_points(up.get("d"))[-1]
    assert d1[1] > d0[1] + 30  # toward the feet = down the picture
    assert u1[1] < u0[1] - 30


def _signed_area(points):
    """Shoelace sum of the closed polygon through the points."""
    closed = [*points[1:], points[0]]
    return sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(points, closed, strict=True))


def test_tummy_circle_follows_the_colon():
    assert _signed_area([(0, 0), (10, 0), (10, 10)]) > 0  # right, then down: clockwise
    (path,) = motion_paths(parse(render_bodymap(body_area="tummy", motion="circle_clockwise")))
    pts = path_points(path.get("d"))
    # Clockwise on screen (y grows downward) has a positive signed area.
    assert _signed_area(pts) > 0
    xs = [x for x, _ in pts]
    ys = [y for _, y in pts]
    cx, cy = (min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2
    start, end = pts[0], pts[-1]
    # Ends low on the baby's left, which is the viewer's right on a front view.
    assert end[0] > cx
    assert end[1] > cy
    # Starts on the baby's right (viewer's left) side of the bottom.
    assert start[0] < cx


def test_i_love_u_ends_down_the_babys_left():
    paths = motion_paths(parse(render_bodymap(body_area="tummy", motion="i_love_u")))
    assert len(paths) == 3
    for path in paths:
        pts = path_points(path.get("d"))
        assert pts[-1][0] > 100  # viewer's right = baby's left
        assert pts[-1][1] > pts[-2][1] - 0.01  # last stretch goes down


def test_back_view_has_hair_and_no_face():
    back = str(render_bodymap(body_area="back", motion="sweep"))
    front = str(render_bodymap(body_area="tummy", motion="hold"))
    assert "bodymap--back" in back
    assert "bm-hair" in back and "bm-blush" not in back
    assert "bm-hair" not in front and "bm-blush" in front


def test_highlight_is_present_and_whole_body_glows_behind():
    root = parse(render_bodymap(body_area="chest", motion="outward"))
    children = [el.get("class") for el in root]
    assert "bm-highlight" in children
    assert children.index("bm-highlight") > children.index("bm-skin")
    root = parse(render_bodymap(body_area="whole_body", motion="hold"))
    children = [el.get("class") for el in root]
    assert children.index("bm-highlight") < children.index("bm-outline")


def test_thumbnail_drops_labels():
    full = parse(render_bodymap(body_area="tummy", motion="circle_clockwise"))
    thumb = parse(render_bodymap(body_area="tummy", motion="circle_clockwise", size="thumb"))
    assert list(full.iter(f"{SVG}text"))
    assert not list(thumb.iter(f"{SVG}text"))
    assert "bodymap--thumb" in thumb.get("class").split()
    assert "bodymap--full" in full.get("class").split()


def test_stylesheet_defines_pace_classes_colours_and_reduced_motion():
    from pathlib import Path

    css = (Path(__file__).resolve().parents[2] / "static" / "css" / "bodymap.css").read_text()
    for cls in PACE_CLASSES.values():
        assert f".{cls}" in css
    for prop in ("--bodymap-skin", "--bodymap-outline", "--bodymap-highlight", "--bodymap-path"):
        assert prop in css
    assert "prefers-reduced-motion: reduce" in css
    assert '[data-theme="dark"]' in css
    assert "prefers-color-scheme: dark" in css
    assert "offset-path" not in css


# -- One shared outline for a page of many pictures --------------------------------------------


def relative_points(d: str) -> list[tuple[float, float]]:
    """The absolute points of "Mx y l dx dy dx dy ...", as _d would have written them."""
    numbers = [round(float(n) * 10) for n in re.findall(r"-?(?:\d+\.?\d*|\.\d+)", d)]
    x, y = numbers[0], numbers[1]
    points = [(x, y)]
    for dx, dy in zip(numbers[2::2], numbers[3::2], strict=True):
        x, y = x + dx, y + dy
        points.append((x, y))
    return [(x / 10, y / 10) for x, y in points]


def ids_in(root: ET.Element) -> set[str]:
    return {el.get("id") for el in root.iter() if el.get("id")}


def use_targets(root: ET.Element) -> list[str]:
    return [el.get("href").removeprefix("#") for el in root.iter(f"{SVG}use")]


SPRITE = parse(render_bodymap_sprite())


def test_the_sprite_has_the_shared_parts_no_words_and_is_never_hidden():
    assert SPRITE.get("hidden") is None  # markers inside an unrendered element draw nothing
    assert SPRITE.get("aria-hidden") == "true"
    assert (SPRITE.get("width"), SPRITE.get("height")) == ("0", "0")
    assert {"bm-body", "bm-hand", "bm-arrow-full", "bm-arrow-thumb"} <= ids_in(SPRITE)
    assert not list(SPRITE.iter(f"{SVG}text"))
    lowered = str(render_bodymap_sprite()).lower()
    assert "<style" not in lowered and "style=" not in lowered and "<script" not in lowered


@pytest.mark.parametrize("size", ["full", "thumb"])
@pytest.mark.parametrize("motion", sorted(MOTIONS))
@pytest.mark.parametrize("body_area", sorted(BODY_AREAS))
def test_a_shared_picture_draws_the_same_strokes_with_the_outline_from_the_sprite(
    body_area, motion, size
):
    step = {"body_area": body_area, "motion": motion, "pace_seconds": 3, "size": size, "key": 4}
    alone, shared = parse(render_bodymap(**step)), parse(render_bodymap(**step, shared=True))
    assert shared.get("class") == alone.get("class")
    assert shared.get("aria-label") == alone.get("aria-label")
    own = ids_in(shared)
    for target in use_targets(shared):
        assert target in own | ids_in(SPRITE), target
    # No outline of its own: that is what the sprite is for.
    assert not [el for el in shared.iter() if el.get("class") in ("bm-outline", "bm-skin")]
    # The same strokes, point for point, each drawn as halo, line (with its arrowhead) and dot.
    strokes = [path_points(el.get("d")) for el in motion_paths(alone)]
    paths = {el.get("id"): el.get("d") for el in shared.iter(f"{SVG}path") if el.get("id")}
    lines = [el for el in shared.iter(f"{SVG}use") if el.get("class") == "bm-path"]
    assert [relative_points(paths[el.get("href")[1:]]) for el in lines] == strokes
    for el in lines:
        if el.get("marker-end"):
            assert el.get("marker-end") == f"url(#bm-arrow-{size})"
    halos = [el for el in shared.iter(f"{SVG}use") if el.get("class") == "bm-path-halo"]
    assert len(halos) == len(strokes)
    assert len(str(render_bodymap(**step, shared=True))) < len(str(render_bodymap(**step)))


def test_a_shared_picture_may_leave_its_side_words_to_the_page():
    step = {"body_area": "tummy", "motion": "hold", "shared": True}
    assert list(parse(render_bodymap(**step)).iter(f"{SVG}text"))
    assert not list(parse(render_bodymap(**step, labels=False)).iter(f"{SVG}text"))
