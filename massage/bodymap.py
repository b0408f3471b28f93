"""Body-map illustrations for massage steps, generated from data as inline SVG.

One friendly baby outline (lying on its back, seen from above; or face down for the back) is
built from a handful of shared shapes. The step's body area is softly highlighted and the stroke
is drawn as a path with an arrowhead, computed from the area's anchors: every area has a *frame*
that maps local coordinates ``(t, s)`` to the picture, ``t`` running along the area (0 = the end
nearest the body's centre or the top, 1 = toward the hands/feet) and ``s`` across it (-1 = the
viewer's left, +1 = the viewer's right). Each motion is a small function of that frame, so the
same motion can be drawn on any area.

A page of many steps draws the outline once, in a hidden sprite, and each picture refers to it
with ``<use>`` (``shared=True``): the outline is most of each picture's markup.

The SVG is safe under a strict Content-Security-Policy: no ``<style>``, no ``style=""``, no
script and no SMIL. Colours come from presentation attributes (a fallback) overridden by classes
in ``static/css/bodymap.css``, which also animates a small dot travelling along the stroke with a
``stroke-dashoffset`` trick (``pathLength="100"`` and a near-zero dash with round caps).
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from massage.vocabulary import BODY_AREAS, MOTIONS, motion_label

__all__ = [
    "PACE_CLASSES",
    "pace_class",
    "render_bodymap",
    "render_bodymap_sprite",
]

Point = tuple[float, float]

VIEW_W = 200
VIEW_H = 284

# Fallback colours, used when bodymap.css is not loaded (the CSS classes override them).
SKIN = "#f6d9c4"
OUTLINE = "#b08470"
FEATURE = "#6e5045"
BLUSH = "#f2a58e"
HAIR = "#c9a086"
NAPPY = "#fdfaf5"
HIGHLIGHT = "#8ccfbb"
PATH = "#2f5d86"
DOT = "#e07a5f"
HAND = "#ffffff"
LABEL = "#6b7780"

# Seconds per pass of the travelling dot; pace_seconds is rounded to the nearest of these.
PACE_CLASSES: dict[int, str] = {
    2: "bodymap--pace-2",
    3: "bodymap--pace-3",
    4: "bodymap--pace-4",
    6: "bodymap--pace-6",
}
DEFAULT_PACE = 3
HOLD_PACE = 4  # a slow, breathing pulse


def pace_class(pace_seconds: float | None, *, motion: str = "") -> str:
    """The CSS class for a pace: the nearest of 2, 3, 4 or 6 seconds per pass."""
    if pace_seconds is None or pace_seconds <= 0 or not math.isfinite(pace_seconds):
        return PACE_CLASSES[HOLD_PACE if motion == "hold" else DEFAULT_PACE]
    nearest = min(PACE_CLASSES, key=lambda p: (abs(p - pace_seconds), p))
    return PACE_CLASSES[nearest]


# --------------------------------------------------------------------------------------------
# Geometry
# --------------------------------------------------------------------------------------------


def _mirror(p: Point) -> Point:
    return (VIEW_W - p[0], p[1])


def _norm(dx: float, dy: float) -> Point:
    length = math.hypot(dx, dy) or 1.0
    return (dx / length, dy / length)


@dataclass(frozen=True)
class Limb:
    """A limb drawn as a thick round-capped quadratic curve from ``p0`` (body end) to ``p1``."""

    p0: Point
    c: Point
    p1: Point
    width: float

    def point(self, t: float) -> Point:
        a, b, c = (1 - t) ** 2, 2 * (1 - t) * t, t**2
        return (
            a * self.p0[0] + b * self.c[0] + c * self.p1[0],
            a * self.p0[1] + b * self.c[1] + c * self.p1[1],
        )

    def tangent(self, t: float) -> Point:
        dx = 2 * (1 - t) * (self.c[0] - self.p0[0]) + 2 * t * (self.p1[0] - self.c[0])
        dy = 2 * (1 - t) * (self.c[1] - self.p0[1]) + 2 * t * (self.p1[1] - self.c[1])
        return _norm(dx, dy)

    def tail(self, t0: float) -> Limb:
        """The part of the curve from ``t0`` to the end (de Casteljau split)."""
        c = (
            (1 - t0) * self.c[0] + t0 * self.p1[0],
            (1 - t0) * self.c[1] + t0 * self.p1[1],
        )
        return Limb(self.point(t0), c, self.p1, self.width)

    def mirrored(self) -> Limb:
        return Limb(_mirror(self.p0), _mirror(self.c), _mirror(self.p1), self.width)

    @property
    def d(self) -> str:
        (x0, y0), (cx, cy), (x1, y1) = self.p0, self.c, self.p1
        return f"M{x0:g} {y0:g}Q{cx:g} {cy:g} {x1:g} {y1:g}"


@dataclass(frozen=True)
class Frame:
    """Maps (t along, s across) to picture coordinates.

    A limb frame follows a quadratic curve (``limb``) with half-width ``half``; a region frame is
    the box ``cx ± half`` by ``top .. top + height``. For both, +s is the viewer's right when t
    runs downward, so clockwise in (s, t) is clockwise on screen.
    """

    limb: Limb | None = None
    cx: float = 0.0
    top: float = 0.0
    height: float = 0.0
    half: float = 0.0

    def at(self, t: float, s: float) -> Point:
        if self.limb is not None:
            x, y = self.limb.point(t)
            ux, uy = self.limb.tangent(t)
            return (x + s * self.half * uy, y - s * self.half * ux)
        return (self.cx + s * self.half, self.top + t * self.height)


# The baby, lying on its back, head at the top. Viewer's left = the baby's right (front view).
HEAD_C: Point = (100.0, 54.0)
HEAD_R = 36.0
EAR_L: Point = (64.5, 57.0)
TORSO_D = (
    "M100 86C124 86 137 95 139 113C141 138 143 160 137 180C131 197 115 204 100 204"
    "C85 204 69 197 63 180C57 160 59 138 61 113C63 95 76 86 100 86Z"
)
NAPPY_D = (
    "M61.5 172Q100 186 138.5 172Q139 182 136.5 188Q129 204 111 209Q100 211 89 209"
    "Q71 204 63.5 188Q61 182 61.5 172Z"
)
ARM_L = Limb(p0=(72, 106), c=(42, 118), p1=(35, 158), width=19)
LEG_L = Limb(p0=(84, 186), c=(60, 218), p1=(73, 249), width=25)
HAND_R = 11.0
FOOT_RX, FOOT_RY = 10.5, 14.5


def _hand_center(limb: Limb) -> Point:
    ux, uy = limb.tangent(1)
    return (limb.p1[0] + ux * 9, limb.p1[1] + uy * 9)


def _foot_center(limb: Limb) -> Point:
    ux, uy = limb.tangent(1)
    return (limb.p1[0] + ux * 11, limb.p1[1] + uy * 11)


def _angle(limb: Limb) -> float:
    ux, uy = limb.tangent(1)
    return math.degrees(math.atan2(uy, ux)) - 90


def _end_frame(limb: Limb, center: Point, length: float, half: float) -> Frame:
    """A short straight frame across a hand or foot, continuing the limb's direction."""
    ux, uy = limb.tangent(1)
    p0 = (center[0] - ux * length / 2, center[1] - uy * length / 2)
    p1 = (center[0] + ux * length / 2, center[1] + uy * length / 2)
    mid = ((p0[0] + p1[0]) / 2, (p0[1] + p1[1]) / 2)
    return Frame(limb=Limb(p0, mid, p1, 0), half=half)


@dataclass(frozen=True)
class Area:
    frame: Frame
    highlight: Callable[[], list[str]]
    hold_at: Sequence[tuple[Point, float]]  # (centre, angle in degrees) of each resting hand
    params: dict[str, float] = field(default_factory=dict)
    back_view: bool = False


def _limb_highlight(limb: Limb, extra: float = 0) -> list[str]:
    out = []
    for lb in (limb, limb.mirrored()):
        out.append(
            f'<path d="{lb.d}" fill="none" stroke-width="{lb.width + extra:g}" '
            'stroke-linecap="round"/>'
        )
    return out


def _hands_highlight() -> list[str]:
    out = []
    for lb in (ARM_L, ARM_L.mirrored()):
        cx, cy = _hand_center(lb)
        out.append(f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="{HAND_R + 2:g}"/>')
    return out


def _feet_highlight() -> list[str]:
    out = []
    for lb in (LEG_L, LEG_L.mirrored()):
        cx, cy = _foot_center(lb)
        out.append(
            f'<ellipse cx="{cx:.1f}" cy="{cy:.1f}" rx="{FOOT_RX + 2:g}" ry="{FOOT_RY + 2:g}" '
            f'transform="rotate({_angle(lb):.1f} {cx:.1f} {cy:.1f})"/>'
        )
    return out


def _whole_highlight() -> list[str]:
    return _silhouette_shapes(grow=7)


def _foot_frame() -> Frame:
    return _end_frame(LEG_L, _foot_center(LEG_L), FOOT_RY * 1.7, FOOT_RX * 0.75)


def _hand_frame() -> Frame:
    return _end_frame(ARM_L, _hand_center(ARM_L), HAND_R * 1.7, HAND_R * 0.8)


def _limb_hold(limb: Limb, t: float) -> list[tuple[Point, float]]:
    out = []
    for lb in (limb, limb.mirrored()):
        ux, uy = lb.tangent(t)
        out.append((lb.point(t), math.degrees(math.atan2(uy, ux)) - 90))
    return out


AREAS: dict[str, Area] = {
    "legs": Area(
        frame=Frame(limb=LEG_L, half=LEG_L.width / 2 - 2),
        highlight=lambda: _limb_highlight(LEG_L.tail(0.14), 4),
        hold_at=_limb_hold(LEG_L, 0.5),
    ),
    "feet": Area(
        frame=_foot_frame(),
        highlight=_feet_highlight,
        hold_at=[(_foot_center(LEG_L), 0), (_foot_center(LEG_L.mirrored()), 0)],
    ),
    "tummy": Area(
        frame=Frame(cx=100, top=134, height=42, half=31),
        highlight=lambda: ['<ellipse cx="100" cy="156" rx="36" ry="25"/>'],
        hold_at=[((86, 156), -8), ((114, 156), 8)],
    ),
    "chest": Area(
        frame=Frame(cx=100, top=100, height=34, half=32),
        highlight=lambda: ['<ellipse cx="100" cy="116" rx="38" ry="22"/>'],
        hold_at=[((86, 118), -8), ((114, 118), 8)],
        params={"t0": 0.75, "lift": 0.7},
    ),
    "arms": Area(
        frame=Frame(limb=ARM_L, half=ARM_L.width / 2 - 2),
        highlight=lambda: _limb_highlight(ARM_L, 4),
        hold_at=_limb_hold(ARM_L, 0.5),
    ),
    "hands": Area(
        frame=_hand_frame(),
        highlight=_hands_highlight,
        hold_at=[(_hand_center(ARM_L), 0), (_hand_center(ARM_L.mirrored()), 0)],
    ),
    "face": Area(
        frame=Frame(cx=100, top=30, height=52, half=26),
        highlight=lambda: ['<ellipse cx="100" cy="57" rx="29" ry="27"/>'],
        hold_at=[((82, 58), -10), ((118, 58), 10)],
        params={"t0": 0.22, "lift": 0.02},
    ),
    "back": Area(
        frame=Frame(cx=100, top=96, height=98, half=31),
        highlight=lambda: ['<ellipse cx="100" cy="144" rx="37" ry="54"/>'],
        hold_at=[((100, 122), 0), ((100, 170), 0)],
        back_view=True,
    ),
    "whole_body": Area(
        frame=Frame(cx=100, top=96, height=100, half=31),
        highlight=_whole_highlight,
        hold_at=[((100, 120), 0), ((100, 165), 0)],
    ),
}


# --------------------------------------------------------------------------------------------
# Motions: each returns strokes (paths with arrow and travelling dot) and resting hands
# --------------------------------------------------------------------------------------------


@dataclass
class Stroke:
    points: list[Point]
    arrow: bool = True
    dot: bool = True
    delay: int = 0  # 0, 1 or 2: the dot starts a third / a half of a pass later
    closed: bool = False


@dataclass
class Drawing:
    strokes: list[Stroke] = field(default_factory=list)
    hands: list[tuple[Point, float]] = field(default_factory=list)
    resting: list[tuple[Point, float]] = field(default_factory=list)  # still, not pulsing


def _sample(frame: Frame, fn: Callable[[float], Point], n: int = 40) -> list[Point]:
    """Sample ``fn(k) -> (t, s)`` for k in [0, 1] and map it through the frame."""
    return [frame.at(*fn(i / n)) for i in range(n + 1)]


def _line(frame: Frame, pts: Sequence[Point], n: int = 12) -> list[Point]:
    """A polyline through (t, s) points, sampled so that it bends with a limb frame."""
    out: list[Point] = []
    for (t0, s0), (t1, s1) in itertools.pairwise(pts):
        seg = [frame.at(t0 + (t1 - t0) * i / n, s0 + (s1 - s0) * i / n) for i in range(n + 1)]
        out.extend(seg if not out else seg[1:])
    return out


def _abs_line(pts: Sequence[Point], n: int = 8) -> list[Point]:
    out: list[Point] = []
    for (x0, y0), (x1, y1) in itertools.pairwise(pts):
        seg = [(x0 + (x1 - x0) * i / n, y0 + (y1 - y0) * i / n) for i in range(n + 1)]
        out.extend(seg if not out else seg[1:])
    return out


def _quad(p0: Point, c: Point, p1: Point, n: int = 24) -> list[Point]:
    return [Limb(p0, c, p1, 0).point(i / n) for i in range(n + 1)]


def m_hold(area: Area) -> Drawing:
    return Drawing(hands=list(area.hold_at))


def m_glide_toward_feet(area: Area) -> Drawing:
    return Drawing([Stroke(_line(area.frame, [(0.06, 0), (0.94, 0)], 30))])


def m_glide_toward_body(area: Area) -> Drawing:
    return Drawing([Stroke(_line(area.frame, [(0.94, 0), (0.06, 0)], 30))])


def _arc(
    frame: Frame, ct: float, cs: float, rt: float, rs: float, a0: float, a1: float, n: int = 48
) -> list[Point]:
    """An elliptical arc in (t, s) from angle a0 to a1 (degrees; increasing = clockwise)."""

    def fn(k: float) -> Point:
        a = math.radians(a0 + (a1 - a0) * k)
        return (ct + rt * math.sin(a), cs + rs * math.cos(a))

    return _sample(frame, fn, n)


def m_circle_clockwise(area: Area) -> Drawing:
    # Starts low on the viewer's left (the baby's right), rises, crosses and ends low on the
    # viewer's right (the baby's left): the direction of the colon.
    return Drawing([Stroke(_arc(area.frame, 0.5, 0, 0.42, 0.78, 110, 415))])


def _outward_pair(area: Area, t0: float, lift: float) -> list[Stroke]:
    strokes = []
    for sign in (-1, 1):
        strokes.append(
            Stroke(
                _sample(area.frame, lambda k, sg=sign: (t0 - lift * k * k, sg * (0.1 + 0.85 * k)))
            )
        )
    return strokes


def m_outward(area: Area) -> Drawing:
    return Drawing(_outward_pair(area, area.params.get("t0", 0.5), area.params.get("lift", 0.12)))


def m_diagonal(area: Area) -> Drawing:
    f = area.frame
    return Drawing(
        [
            Stroke(_line(f, [(0.95, -0.85), (0.08, 0.8)], 30)),
            Stroke(_line(f, [(0.95, 0.85), (0.08, -0.8)], 30), delay=2),
        ]
    )


def m_i_love_u(area: Area) -> Drawing:
    f = area.frame
    i_stroke = _line(f, [(0.34, 0.42), (0.92, 0.42)], 16)
    l_stroke = _line(f, [(0.2, -0.3), (0.2, 0.64), (0.92, 0.64)], 16)
    u_stroke = _line(f, [(0.92, -0.86), (0.06, -0.86), (0.06, 0.86), (0.92, 0.86)], 16)
    return Drawing(
        [
            Stroke(i_stroke, dot=False),
            Stroke(l_stroke, dot=False),
            Stroke(u_stroke),
        ]
    )


def m_sun_moon(area: Area) -> Drawing:
    f = area.frame
    return Drawing(
        [
            Stroke(_arc(f, 0.5, 0, 0.26, 0.42, 90, 420)),
            Stroke(_arc(f, 0.5, 0, 0.48, 0.9, 160, 385), delay=2),
        ]
    )


def m_water_wheel(area: Area) -> Drawing:
    f = area.frame
    return Drawing(
        [
            Stroke(_sample(f, lambda k: (0.06 + 0.86 * k, -0.32 - 0.1 * math.sin(math.pi * k)))),
            Stroke(
                _sample(f, lambda k: (0.06 + 0.86 * k, 0.32 + 0.1 * math.sin(math.pi * k))),
                delay=2,
            ),
        ]
    )


def m_wring(area: Area) -> Drawing:
    turns = 5
    pts = [(0.06 + 0.88 * i / turns, -0.8 if i % 2 == 0 else 0.8) for i in range(turns + 1)]
    pts[0] = (0.06, 0.0)
    return Drawing([Stroke(_line(area.frame, pts, 8))])


def m_thumb_walk(area: Area) -> Drawing:
    steps = 4

    def fn(k: float) -> Point:
        return (0.08 + 0.84 * k, -0.55 * abs(math.sin(math.pi * steps * k)))

    return Drawing([Stroke(_sample(area.frame, fn, 64))])


def m_roll(area: Area) -> Drawing:
    loops = 3

    def fn(k: float) -> Point:
        a = 2 * math.pi * loops * k
        return (0.1 + 0.8 * k - 0.07 * math.sin(a), 0.85 * math.cos(a))

    pts = _sample(area.frame, fn, 72)
    return Drawing([Stroke(pts)])


def m_small_circles(area: Area) -> Drawing:
    f = area.frame
    if area is AREAS["face"]:
        centres = [(0.8, -0.72), (0.98, 0.0), (0.8, 0.72)]
        rt, rs = 0.07, 0.14
    elif f.limb is not None:
        centres = [(0.25, 0.0), (0.5, 0.0), (0.75, 0.0)]
        rt, rs = 0.09, 0.55
    else:
        centres = [(0.3, -0.45), (0.3, 0.45), (0.68, 0.0)]
        rt, rs = 0.1, 0.2
    return Drawing(
        [
            Stroke(_arc(f, ct, cs, rt, rs, 90, 420, 32), delay=i)
            for i, (ct, cs) in enumerate(centres)
        ]
    )


def m_sweep(area: Area) -> Drawing:
    # Neck to bottom along the spine, then down the viewer's-left leg to the ankle.
    neck, bottom = (100.0, 94.0), (100.0, 176.0)
    leg = [LEG_L.point(i / 12) for i in range(2, 13)]
    pts = _abs_line([neck, bottom], 10) + _quad(bottom, (92, 182), leg[0], 6)[1:] + leg[1:]
    rest = LEG_L.mirrored().p0
    return Drawing([Stroke(pts)], resting=[((rest[0] + 2, rest[1] - 6), 15)])


def m_back_and_forth(area: Area) -> Drawing:
    def fn(k: float) -> Point:
        return (0.06 + 0.88 * k, 0.85 * math.sin(2 * math.pi * 3.25 * k))

    return Drawing([Stroke(_sample(area.frame, fn, 80))])


def m_knees_to_tummy(area: Area) -> Drawing:
    strokes = []
    for i, lb in enumerate((LEG_L, LEG_L.mirrored())):
        start = lb.point(0.9)
        end = (100 + (start[0] - 100) * 0.35, 150.0)
        ctrl = (start[0] + (start[0] - 100) * 0.25, (start[1] + end[1]) / 2)
        strokes.append(Stroke(_quad(start, ctrl, end), delay=2 * i))
    return Drawing(strokes)


def m_cross_arms(area: Area) -> Drawing:
    strokes = []
    for i, lb in enumerate((ARM_L, ARM_L.mirrored())):
        start = _hand_center(lb)
        end = (200 - lb.p0[0] + (8 if i == 0 else -8), 118.0)
        strokes.append(Stroke(_quad(start, (100, start[1] + 6), end), delay=2 * i))
    return Drawing(strokes)


def m_bicycle(area: Area) -> Drawing:
    strokes = []
    for i, lb in enumerate((LEG_L, LEG_L.mirrored())):
        fr = Frame(limb=lb, half=lb.width / 2 + 4)
        a0, a1 = (100, 420) if i == 0 else (-100, -420)
        strokes.append(Stroke(_arc(fr, 0.5, 0, 0.36, 0.85, a0, a1, 48), delay=2 * i))
    return Drawing(strokes)


def m_shapes(area: Area) -> Drawing:
    # A heart, drawn from the top notch round the viewer's right lobe, to the point and back.
    def fn(k: float) -> Point:
        a = 2 * math.pi * k * 0.98
        x = 16 * math.sin(a) ** 3
        y = 13 * math.cos(a) - 5 * math.cos(2 * a) - 2 * math.cos(3 * a) - math.cos(4 * a)
        return (0.47 - y / 17 * 0.42, x / 16 * 0.8)

    return Drawing([Stroke(_sample(area.frame, fn, 80))])


def m_combing(area: Area) -> Drawing:
    strokes = []
    for i, s in enumerate((-0.6, -0.2, 0.2, 0.6)):
        strokes.append(
            Stroke(
                _sample(area.frame, lambda k, s=s: (0.1 + 0.8 * k, s + 0.06 * math.sin(6 * k))),
                dot=i in (0, 2),
                delay=0 if i == 0 else 2,
            )
        )
    return Drawing(strokes)


def m_smile(area: Area) -> Drawing:
    t0 = 0.78 if area is AREAS["face"] else 0.6
    return Drawing(_outward_pair(area, t0, 0.12))


def m_nose_to_cheeks(area: Area) -> Drawing:
    strokes = []
    for sign in (-1, 1):
        pts = _line(area.frame, [(0.3, sign * 0.1), (0.55, sign * 0.12)], 10)
        pts += _line(area.frame, [(0.55, sign * 0.12), (0.62, sign * 0.5), (0.58, sign * 0.82)], 8)[
            1:
        ]
        strokes.append(Stroke(pts))
    return Drawing(strokes)


def m_armpit(area: Area) -> Drawing:
    strokes = []
    for i, dx in enumerate((0.0, 5.0)):
        strokes.append(
            Stroke(_quad((70 + dx, 110), (66 + dx, 124), (68 + dx, 140), 16), delay=2 * i)
        )
    return Drawing(strokes)


_MOTION_FUNCS: dict[str, Callable[[Area], Drawing]] = {
    "hold": m_hold,
    "glide_toward_feet": m_glide_toward_feet,
    "glide_toward_body": m_glide_toward_body,
    "circle_clockwise": m_circle_clockwise,
    "outward": m_outward,
    "diagonal": m_diagonal,
    "i_love_u": m_i_love_u,
    "sun_moon": m_sun_moon,
    "water_wheel": m_water_wheel,
    "wring": m_wring,
    "thumb_walk": m_thumb_walk,
    "roll": m_roll,
    "small_circles": m_small_circles,
    "sweep": m_sweep,
    "back_and_forth": m_back_and_forth,
    "knees_to_tummy": m_knees_to_tummy,
    "cross_arms": m_cross_arms,
    "bicycle": m_bicycle,
    "shapes": m_shapes,
    "combing": m_combing,
    "smile": m_smile,
    "nose_to_cheeks": m_nose_to_cheeks,
    "armpit": m_armpit,
}
assert set(_MOTION_FUNCS) == set(MOTIONS)


# --------------------------------------------------------------------------------------------
# SVG output
# --------------------------------------------------------------------------------------------


def _d(points: Sequence[Point]) -> str:
    head, *rest = points
    return f"M{head[0]:.1f} {head[1]:.1f}" + "".join(f"L{x:.1f} {y:.1f}" for x, y in rest)


def _tenths(v: int) -> str:
    """A number given in tenths, as short as SVG allows: 12 -> "1.2", -5 -> "-.5", 30 -> "3"."""
    sign, v = ("-" if v < 0 else ""), abs(v)
    whole, tenth = divmod(v, 10)
    if not tenth:
        return f"{sign}{whole}"
    return f"{sign}{whole or ''}.{tenth}"


def _rel_d(points: Sequence[Point]) -> str:
    """The same points as ``_d`` (each rounded to a tenth), written as steps from the last one.

    Rounding first and taking differences of the rounded values keeps every point exactly where
    ``_d`` puts it; the short steps are about half as long and compress far better.
    """
    # round(v, 1) rounds as the format ":.1f" in _d does; only then scale to whole tenths.
    tenths = [(round(round(x, 1) * 10), round(round(y, 1) * 10)) for x, y in points]
    x0, y0 = tenths[0]
    numbers = []
    for (xa, ya), (xb, yb) in itertools.pairwise(tenths):
        numbers += [_tenths(xb - xa), _tenths(yb - ya)]
    # A minus sign separates two numbers by itself.
    steps = " ".join(numbers).replace(" -", "-")
    return f"M{_tenths(x0)} {_tenths(y0)}" + (f"l{steps}" if steps else "")


def _silhouette_shapes(grow: float = 0.0) -> list[str]:
    """The body's shapes (no fill/stroke set), optionally grown by ``grow`` units."""
    g = grow
    hx, hy = HEAD_C
    shapes = [
        f'<circle cx="{hx:g}" cy="{hy:g}" r="{HEAD_R + g:g}"/>',
        f'<ellipse cx="{EAR_L[0]:g}" cy="{EAR_L[1]:g}" rx="{6 + g:g}" ry="{9 + g:g}"/>',
        f'<ellipse cx="{VIEW_W - EAR_L[0]:g}" cy="{EAR_L[1]:g}" rx="{6 + g:g}" ry="{9 + g:g}"/>',
    ]
    for limb in (ARM_L, ARM_L.mirrored(), LEG_L, LEG_L.mirrored()):
        shapes.append(
            f'<path d="{limb.d}" fill="none" stroke-width="{limb.width + 2 * g:g}" '
            'stroke-linecap="round"/>'
        )
    for limb in (ARM_L, ARM_L.mirrored()):
        cx, cy = _hand_center(limb)
        shapes.append(f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="{HAND_R + g:g}"/>')
    for limb in (LEG_L, LEG_L.mirrored()):
        cx, cy = _foot_center(limb)
        shapes.append(
            f'<ellipse cx="{cx:.1f}" cy="{cy:.1f}" rx="{FOOT_RX + g:g}" ry="{FOOT_RY + g:g}" '
            f'transform="rotate({_angle(limb):.1f} {cx:.1f} {cy:.1f})"/>'
        )
    if g:
        shapes.append(f'<path d="{TORSO_D}" stroke-width="{2 * g:g}" stroke-linejoin="round"/>')
    else:
        shapes.append(f'<path d="{TORSO_D}"/>')
    return shapes


def _body(*, back_view: bool, detail: bool) -> tuple[list[str], list[str]]:
    """The baby: (silhouette, details drawn over the highlight: toes, nappy, face or hair)."""
    base = []
    # Outline: every shape grown, in the outline colour; then the skin on top. Limbs joining the
    # torso then share one clean outer edge.
    base.append(
        f'<g class="bm-outline" fill="{OUTLINE}" stroke="{OUTLINE}">'
        + "".join(_silhouette_shapes(grow=2.2))
        + "</g>"
    )
    base.append(
        f'<g class="bm-skin" fill="{SKIN}" stroke="{SKIN}">'
        + "".join(_silhouette_shapes())
        + "</g>"
    )
    out: list[str] = []
    # Fingers and toes: tiny bumps at the far end of hands and feet.
    tips = []
    for limb in (LEG_L, LEG_L.mirrored()):
        cx, cy = _foot_center(limb)
        ux, uy = limb.tangent(1)
        px, py = uy, -ux
        for j, off in enumerate((-5.6, -2, 1.6, 4.8)):
            along = FOOT_RY - 2.2 - abs(off) * 0.28
            x = cx + ux * along + px * off
            y = cy + uy * along + py * off
            tips.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{2.4 if j == 0 else 1.9:g}"/>')
    out.append(
        f'<g class="bm-crease" fill="none" stroke="{OUTLINE}" stroke-width="0.9" '
        f'stroke-opacity="0.55">{"".join(tips)}</g>'
    )
    out.append(
        f'<path class="bm-nappy" d="{NAPPY_D}" fill="{NAPPY}" stroke="{OUTLINE}" '
        'stroke-width="1.6" stroke-linejoin="round"/>'
    )
    hx, hy = HEAD_C
    if back_view:
        # Hair over the back of the head with a little whorl at the crown, a soft spine line,
        # shoulder blades.
        out.append(
            f'<path class="bm-hair" d="M{hx - 35:g} {hy + 12:g}A36 36 0 1 1 {hx + 35:g} {hy + 12:g}'
            f"Q{hx + 26:g} {hy + 4:g} {hx + 16:g} {hy + 10:g}Q{hx + 8:g} {hy + 3:g} {hx:g} "
            f"{hy + 10:g}Q{hx - 8:g} {hy + 3:g} {hx - 16:g} {hy + 10:g}Q{hx - 26:g} {hy + 4:g} "
            f'{hx - 35:g} {hy + 12:g}Z" fill="{HAIR}" fill-opacity="0.55"/>'
        )
        out.append(
            f'<path class="bm-feature" d="M{hx + 1:g} {hy - 12:g}c-4 -2 -2 -8 3 -7 c5 1 5 8 -1 10" '
            f'fill="none" stroke="{FEATURE}" stroke-width="1.3" stroke-linecap="round" '
            'stroke-opacity="0.5"/>'
        )
        if detail:
            out.append(
                f'<g class="bm-feature" fill="none" stroke="{FEATURE}" stroke-width="1.4" '
                'stroke-linecap="round" stroke-opacity="0.45">'
                '<path d="M100 98V168" stroke-dasharray="1 5"/>'
                '<path d="M78 112Q84 126 94 124"/><path d="M122 112Q116 126 106 124"/>'
                "</g>"
            )
    else:
        out.append(
            f'<g class="bm-blush" fill="{BLUSH}" fill-opacity="0.45">'
            f'<ellipse cx="{hx - 20:g}" cy="{hy + 12:g}" rx="6" ry="3.6"/>'
            f'<ellipse cx="{hx + 20:g}" cy="{hy + 12:g}" rx="6" ry="3.6"/></g>'
        )
        out.append(
            f'<g class="bm-feature" fill="{FEATURE}" stroke="{FEATURE}" stroke-linecap="round">'
            f'<circle cx="{hx - 13:g}" cy="{hy + 1:g}" r="2.8" stroke="none"/>'
            f'<circle cx="{hx + 13:g}" cy="{hy + 1:g}" r="2.8" stroke="none"/>'
            f'<path d="M{hx - 7:g} {hy + 13:g}Q{hx:g} {hy + 19:g} {hx + 7:g} {hy + 13:g}" '
            'fill="none" stroke-width="2"/>'
            f'<path d="M{hx - 3:g} {hy - 34:g}C{hx - 6:g} {hy - 42:g} {hx + 6:g} {hy - 43:g} '
            f'{hx + 4:g} {hy - 37:g}" fill="none" stroke-width="1.8"/>'
            "</g>"
        )
        if detail:
            out.append(
                f'<circle class="bm-crease" cx="100" cy="160" r="1.6" fill="{OUTLINE}" '
                'fill-opacity="0.6"/>'
            )
    return base, out


# A resting hand, palm down, fingers pointing up (toward -y), about 26 units tall.
_HAND_PARTS = (
    '<ellipse cx="0" cy="4" rx="7.6" ry="8.2"/>'
    '<path d="M-5.4 -1V-9.5M-1.8 -2V-12M1.8 -2V-11.6M5.4 -1V-8.8M-6.5 5L-11.5 -0.5" '
    'stroke-linecap="round"/>'
)


_HAND_INNER = (
    f'<g class="bm-hand-edge" fill="{PATH}" stroke="{PATH}" stroke-width="6.4">{_HAND_PARTS}</g>'
    f'<g class="bm-hand-fill" fill="{HAND}" stroke="{HAND}" stroke-width="3.4">{_HAND_PARTS}</g>'
)


def _hand_shape(centre: Point, angle: float, scale: float, cls: str, *, shared: bool) -> str:
    """A small palm with four fingers and a thumb, drawn around ``centre``."""
    x, y = centre
    shape = (
        f'<use class="bm-hand-shape" href="#{SPRITE_HAND}"/>'
        if shared
        else f'<g class="bm-hand-shape">{_HAND_INNER}</g>'
    )
    return (
        f'<g class="{cls}" transform="translate({x:.1f} {y:.1f}) rotate({angle:.1f}) '
        f'scale({scale:g})">{shape}</g>'
    )


def _arrow_marker(ident: str, arrow: float) -> str:
    return (
        f'<marker id="{ident}" class="bm-arrowhead" viewBox="0 0 10 10" refX="5" '
        f'refY="5" markerWidth="{arrow:g}" markerHeight="{arrow:g}" markerUnits="strokeWidth" '
        f'orient="auto-start-reverse"><path d="M1 1L8.5 5L1 9Z" fill="{PATH}" stroke="{PATH}" '
        'stroke-width="1.2" stroke-linejoin="round"/></marker>'
    )


_SIZES = {
    # stroke width of the motion path, dot diameter, arrowhead size (in stroke widths)
    "full": (2.6, 7.0, 3.0),
    "thumb": (6.0, 0.0, 2.6),
}


def side_labels(body_area: str) -> tuple[str, str]:
    """Which of the baby's sides is on the viewer's left and right: (left, right)."""
    left, right = _("baby's right"), _("baby's left")
    return (right, left) if AREAS[body_area].back_view else (left, right)


def _svg_id(*inputs: object) -> str:
    """An id for one picture's elements, from what it draws: the same inputs, the same id."""
    digest = hashlib.blake2s("\x1f".join(map(str, inputs)).encode(), digest_size=5).hexdigest()
    return f"bm-{digest}"


# The parts every picture shares, by id in the page's sprite (render_bodymap_sprite): the
# silhouette, and the details drawn over the highlight for each view and size.
SPRITE_BODY = "bm-body"
SPRITE_HAND = "bm-hand"
SPRITE_ARROWS = {"full": "bm-arrow-full", "thumb": "bm-arrow-thumb"}
SPRITE_DETAILS = {
    (False, True): "bm-front-full",
    (True, True): "bm-back-full",
    (False, False): "bm-front-thumb",
    (True, False): "bm-back-thumb",
}


@functools.cache
def render_bodymap_sprite() -> SafeString:
    """The shared parts of every body map, drawn once for a page of many (``shared=True``).

    A page that shows a routine's steps carries the baby's outline once here, and each step's
    picture only its highlight, stroke and hands, with ``<use>`` for the rest. The sprite itself
    takes no room and shows nothing; it has no words, so one serves every language. It is not
    ``hidden``: a browser draws no arrowhead from a marker inside an element that isn't
    rendered, and the arrowheads live here too.
    """
    base, _details = _body(back_view=False, detail=False)
    groups = [f'<g id="{SPRITE_BODY}">{"".join(base)}</g>']
    for (back_view, detail), ident in SPRITE_DETAILS.items():
        _base, details = _body(back_view=back_view, detail=detail)
        groups.append(f'<g id="{ident}">{"".join(details)}</g>')
    groups.append(f'<g id="{SPRITE_HAND}">{_HAND_INNER}</g>')
    for size, ident in SPRITE_ARROWS.items():
        groups.append(_arrow_marker(ident, _SIZES[size][2]))
    return mark_safe(
        '<svg xmlns="http://www.w3.org/2000/svg" class="bodymap-sprite" width="0" height="0" '
        f'aria-hidden="true" focusable="false"><defs>{"".join(groups)}</defs></svg>'
    )


def render_bodymap(
    *,
    body_area: str,
    motion: str,
    pace_seconds: float | None = None,
    title: str = "",
    lang: str = "",
    size: str = "full",
    key: object = "",
    shared: bool = False,
    labels: bool = True,
) -> SafeString:
    """An inline SVG body map for one massage step (see the module docstring).

    The same arguments always give the same SVG, ids included. `key` names what the picture
    stands for on the page (a step's id): two steps drawn alike then keep their ids apart, so
    neither points at the other's arrowhead, which a browser doesn't draw from a hidden step.
    With `shared`, the outline and details are ``<use>`` references to the page's sprite
    (render_bodymap_sprite), which the page must include once. Without `labels`, a full-size
    picture leaves out its "baby's right / left" words, for a page that shows them itself.
    `lang` is the title's language when it is not the page's (a step not yet translated).
    """
    if body_area not in AREAS:
        raise ValueError(f"Unknown body area: {body_area!r}")
    if motion not in _MOTION_FUNCS:
        raise ValueError(f"Unknown motion: {motion!r}")
    if size not in _SIZES:
        raise ValueError(f"Unknown size: {size!r}")

    area = AREAS[body_area]
    drawing = _MOTION_FUNCS[motion](area)
    detail = size == "full"
    stroke_w, dot_w, arrow = _SIZES[size]
    label = title or f"{BODY_AREAS[body_area]}: {motion_label(body_area, motion)}"
    pace = pace_class(pace_seconds, motion=motion)
    uid = _svg_id(body_area, motion, pace, size, label, key)

    classes = [
        "bodymap",
        f"bodymap--{size}",
        pace,
        f"bodymap--area-{body_area}",
        f"bodymap--motion-{motion}",
    ]
    if area.back_view:
        classes.append("bodymap--back")

    parts: list[str] = [
        format_html(
            '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {} {}" class="{}" role="img" '
            'aria-label="{}"{} preserveAspectRatio="xMidYMid meet">',
            VIEW_W,
            VIEW_H,
            " ".join(classes),
            label,
            # Only the name is read out: a picture's insides are not, so their words may be
            # in the page's language.
            format_html(' lang="{}"', lang) if lang else "",
        ),
        f"<title>{escape(label)}</title>",
    ]
    if shared:
        # Each stroke's path once; its halo, line and dot below are <use>s of it.
        arrow_id = SPRITE_ARROWS[size]
        parts.append(
            "<defs>"
            + "".join(
                f'<path id="{uid}-s{i}" d="{_rel_d(stroke.points)}" pathLength="100"/>'
                for i, stroke in enumerate(drawing.strokes)
            )
            + "</defs>"
        )
    else:
        arrow_id = f"{uid}-arrow"
        parts.append(f"<defs>{_arrow_marker(arrow_id, arrow)}</defs>")

    def stroke_shape(i: int, stroke: Stroke, cls: str) -> str:
        if shared:
            return f'use class="{cls}" href="#{uid}-s{i}"'
        return f'path class="{cls}" d="{_d(stroke.points)}"'

    highlight = (
        f'<g class="bm-highlight" fill="{HIGHLIGHT}" stroke="{HIGHLIGHT}" '
        f'opacity="{0.42 if body_area == "face" else 0.55:g}">' + "".join(area.highlight()) + "</g>"
    )
    if shared:
        base = [f'<use href="#{SPRITE_BODY}"/>']
        details = [f'<use href="#{SPRITE_DETAILS[(area.back_view, detail)]}"/>']
    else:
        base, details = _body(back_view=area.back_view, detail=detail)
    if body_area == "whole_body":
        # A soft glow all around the outline rather than a tint over the skin.
        parts += [highlight, *base, *details]
    else:
        parts += [*base, highlight, *details]

    hand_scale = 1.0 if body_area not in ("hands", "feet") else 0.8
    for centre, angle in drawing.resting:
        parts.append(
            _hand_shape(centre, angle, hand_scale, "bm-hand bm-hand--still", shared=shared)
        )
    for i, (centre, angle) in enumerate(drawing.hands):
        cls = f"bm-hand bm-hand--pulse bm-d{i % 2}"
        parts.append(_hand_shape(centre, angle, hand_scale, cls, shared=shared))

    for i, stroke in enumerate(drawing.strokes):
        marker = f' marker-end="url(#{arrow_id})"' if stroke.arrow else ""
        # A pale halo under the line keeps it readable over skin, highlight and outline.
        parts.append(
            f'<{stroke_shape(i, stroke, "bm-path-halo")} fill="none" stroke="{SKIN}" '
            f'stroke-width="{stroke_w + 2.4:g}" stroke-linecap="round" stroke-linejoin="round" '
            'stroke-opacity="0.8"/>'
        )
        parts.append(
            f'<{stroke_shape(i, stroke, "bm-path")} fill="none" stroke="{PATH}" '
            f'stroke-width="{stroke_w:g}" stroke-linecap="round" stroke-linejoin="round"{marker}/>'
        )
    if dot_w:
        for i, stroke in enumerate(drawing.strokes):
            if not stroke.dot:
                continue
            # A near-zero dash with round caps is a dot; the CSS moves it along the path by
            # animating stroke-dashoffset from 0 to -100 (pathLength="100", on the shared path
            # when there is one).
            length = "" if shared else ' pathLength="100"'
            parts.append(
                f'<{stroke_shape(i, stroke, f"bm-dot bm-d{stroke.delay}")} fill="none" '
                f'stroke="{DOT}" stroke-width="{dot_w:g}" stroke-linecap="round"{length} '
                'stroke-dasharray="0.01 300" stroke-dashoffset="0"/>'
            )

    if detail and labels:
        left, right = side_labels(body_area)
        parts.append(
            f'<g class="bm-label" fill="{LABEL}" font-family="system-ui, sans-serif" '
            'font-size="8.5">'
            f'<text x="5" y="14">{escape(left)}</text>'
            f'<text x="195" y="14" text-anchor="end">{escape(right)}</text></g>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))
