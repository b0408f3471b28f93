"""Small SVG icons for the cue kinds, composed from a few face and body features.

Every icon is a 24x24 line drawing stroked in ``currentColor``, so it follows the text colour in
day and night mode. The label is always shown beside it (never the icon alone), so the markup is
``aria-hidden``. Icons are built from data (`RECIPES`) rather than drawn one by one: a new cue kind
only needs a line naming its features. Engagement faces smile or look toward you; disengagement
faces frown, look or push away.
"""

import hashlib
from functools import cache

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .models import CUES

STROKE_WIDTH = 1.5

# --- A baby's face, drawn on a 24x24 grid centred on (12, 12). ---------------------------------

FACE = '<circle cx="12" cy="12" r="8.5"/>'


def _ringed_eyes(cy, pupil_dx=0.0, pupil_dy=0.0):
    """Big round eyes (thin rings) with solid pupils, shifted to show where the baby looks."""
    rings = "".join(f'<circle cx="{x}" cy="{cy}" r="2.3" stroke-width="1.1"/>' for x in (9, 15))
    pupils = "".join(
        f'<circle cx="{x + pupil_dx:g}" cy="{cy + pupil_dy:g}" r="1" fill="currentColor" '
        'stroke="none"/>'
        for x in (9, 15)
    )
    return rings + pupils


EYES = {
    "open": (
        '<circle cx="9" cy="10.5" r="1.1" fill="currentColor"/>'
        '<circle cx="15" cy="10.5" r="1.1" fill="currentColor"/>'
    ),
    "wide": _ringed_eyes(10.3),  # big bright eyes
    "up": _ringed_eyes(10.5, pupil_dy=-1.2),  # looking up at the parent's face
    "aside": _ringed_eyes(10.5, pupil_dx=-1.2),  # looking away to the side
    "happy": '<path d="M7.3 11q1.7-2 3.4 0M13.3 11q1.7-2 3.4 0"/>',  # smiling eyes
    "closed": '<path d="M7.3 10.5q1.7 1.6 3.4 0M13.3 10.5q1.7 1.6 3.4 0"/>',  # asleep
    "shut": '<path d="M7.3 9.6l3 1.2-3 1.2M16.7 9.6l-3 1.2 3 1.2"/>',  # squeezed shut
    "glazed": '<path d="M7.3 10.8h3.4M13.3 10.8h3.4"/><path d="M7.3 9.3h3.4M13.3 9.3h3.4"/>',
}

MOUTH = {
    "smile": '<path d="M8.5 14.5q3.5 3.5 7 0"/>',
    "big_smile": '<path d="M8 14h8q-4 5.5-8 0z"/>',
    "soft": '<path d="M10.2 15.3q1.8 1 3.6 0"/>',
    "flat": '<path d="M10 15.6h4"/>',
    "frown": '<path d="M8.8 17q3.2-3.2 6.4 0"/>',
    "cry": '<path d="M8.8 17.6q3.2-5 6.4 0z"/>',
    "o": '<circle cx="12" cy="15.6" r="1.3"/>',
    "yawn": '<ellipse cx="12" cy="16" rx="2" ry="2.6"/>',
    "tremble": '<path d="M8.6 15.6l1.1-.9 1.1.9 1.2-.9 1.1.9 1.2-.9 1.1.9"/>',
    "cough": '<path d="M10 16.2q1-1.2 2 0t2 0"/>',
}

# Marks on the face itself.
FACE_MARKS = {
    "brows_up": '<path d="M7.3 6.8q1.7-1.4 3.4 0M13.3 6.8q1.7-1.4 3.4 0"/>',
    "brows_frown": '<path d="M7.4 7l3.2 1.3M16.6 7l-3.2 1.3"/>',
    "tears": (
        '<path d="M7.6 12.8q-1.1 1.9 0 2.6 1.1-.7 0-2.6z" fill="currentColor"/>'
        '<path d="M16.4 12.8q-1.1 1.9 0 2.6 1.1-.7 0-2.6z" fill="currentColor"/>'
    ),
    "cheeks": '<path d="M5.5 14.5l1.6-1.6M7.3 15l1.6-1.6M15.1 15l1.6-1.6M16.9 14.5l1.6-1.6"/>',
}

# Marks beside the face: drawn in the top-right or right-hand space left by a smaller face.
SIDE_MARKS = {
    "heart": '<path d="M19.5 8.5l-2.4-2.5a1.5 1.5 0 0 1 2.4-1.8 1.5 1.5 0 0 1 2.4 1.8z"/>',
    "notes": (
        '<path d="M18.6 8V3l3.6-1v5"/>'
        '<ellipse cx="17.7" cy="8" rx="1" ry=".8" fill="currentColor"/>'
        '<ellipse cx="21.3" cy="7" rx="1" ry=".8" fill="currentColor"/>'
    ),
    "zzz": '<path d="M16.5 2h3.5l-3.5 3.5h3.5M20 7.5h2.5L20 10h2.5"/>',
    "pause": '<path d="M18.5 2.5v5M21.5 2.5v5"/>',  # stilling: holding still
    "hiccup": (  # little bubbles popping up
        '<circle cx="18.6" cy="7.6" r="1.3"/><circle cx="21.2" cy="4.2" r=".9"/>'
        '<circle cx="18.8" cy="2.2" r=".5" fill="currentColor"/>'
    ),
    "cough": '<path d="M18.5 12h3.5M18.3 9.3l3-1.6M18.3 14.7l3 1.6"/>',  # bursts from the mouth
    "arrow_toward": '<path d="M23 12.5h-5.2M20.3 10l-2.5 2.5 2.5 2.5"/>',
    "arrow_away": '<path d="M17.5 12.5h5.2M20.2 10l2.5 2.5-2.5 2.5"/>',
    "heat": '<path d="M18.5 8q-1-1.5 0-3t0-3M21.5 8q-1-1.5 0-3t0-3"/>',  # rising warmth
}

# The face shrunk and moved left, to make room for a side mark (stroke width kept the same).
SMALL_FACE_SCALE = 0.76
SMALL_FACE = (
    f'<g transform="translate(0.4 2.9) scale({SMALL_FACE_SCALE})" '
    f'stroke-width="{STROKE_WIDTH / SMALL_FACE_SCALE:.3g}">'
)

# --- Hands and bodies, for the cues about hands, limbs and posture. ----------------------------

HANDS = {
    # An open hand, palm facing you, fingers together and relaxed.
    "open": (
        '<path d="M7.5 13.5V6.5a1.3 1.3 0 0 1 2.6 0v5V4.5a1.3 1.3 0 0 1 2.6 0v7V5.5a1.3 1.3 0 0 1 '
        "2.6 0v6.5V8a1.3 1.3 0 0 1 2.6 0v6.5q0 7-6.2 7-3.2 0-4.8-2.8L5 14.4a1.4 1.4 0 0 1 "
        '2.3-1.6l.2.3z"/>'
    ),
    # Fingers splayed wide, like a "stop" sign, with strain marks.
    "spread": (
        '<path d="M9 21q-3.5-2-3.5-6.5L3 10.5M9.3 14.5L6.2 5.5M11.6 13.8L11.6 3M14 14l2.6-9.7'
        'M15.4 16.5l5.3-5.2M9 21h3.5q4-.5 4-4.5"/>'
        '<path d="M2.5 4.5l1.8 1.2M21.5 4.5l-1.8 1.2"/>'
    ),
    # Clenched fist, knuckles showing.
    "fist": (
        '<path d="M7 11.5V8.8a1.8 1.8 0 0 1 3.4 0 1.8 1.8 0 0 1 3.4 0 1.8 1.8 0 0 1 3.4 0V16'
        'q0 5-5 5t-5.2-5z"/><path d="M10.4 8.8v3M13.8 8.8v3M6.6 13.5h4.6q1.4 0 1.4 1.6"/>'
        '<path d="M4 6.5l1.5 1.5M20 6.5l-1.5 1.5M12 2.5v2.5"/>'
    ),
    # A small hand holding a grown-up finger.
    "grasp": (  # the grown-up's finger comes in from the left; the baby's fingers curl over it
        '<path d="M1 9.5h7M1 14.5h7M15.5 9.5h2a2.5 2.5 0 0 1 0 5h-2"/>'
        '<path d="M8 14.5V9a1.7 1.7 0 0 1 3.4 0 1.7 1.7 0 0 1 3.4 0 1.1 1.1 0 0 1 .7 1v4.5"/>'
        '<path d="M11.4 9v2.5M14.8 9v2.5"/>'
        '<path d="M8 14.5q0 3 2 4.5v3.5M15.5 14.5q0 3-1.5 4.5v3.5"/>'
    ),
}

BODIES = {
    # A little figure: head, trunk, arms and legs, in different shapes.
    "reach": (  # arms up and out toward you, hands open
        '<circle cx="12" cy="11" r="3"/><path d="M12 14v4"/>'
        '<path d="M10.3 15L5.5 8M13.7 15l4.8-7"/><circle cx="4.6" cy="6.4" r="1.6"/>'
        '<circle cx="19.4" cy="6.4" r="1.6"/><path d="M12 18l-3 3.5M12 18l3 3.5"/>'
    ),
    "smooth": (  # limbs in slow, even curves, with motion trails
        '<circle cx="12" cy="4.5" r="2.5"/><path d="M12 7v7"/>'
        '<path d="M12 9q-4 0-6.5 3M12 9q4 0 6.5 3M12 14q-3 2-3.5 6.5M12 14q3 2 3.5 6.5"/>'
        '<path d="M3 8.5q1-1.5 2.5-2M21 8.5q-1-1.5-2.5-2" stroke-dasharray="1 1.5"/>'
    ),
    "flail": (  # limbs jerking at odd angles, with jolt marks
        '<circle cx="12" cy="4.5" r="2.5"/><path d="M12 7v7"/>'
        '<path d="M12 9L7.5 6.5 5 10M12 9l4 3 3.5-4.5M12 14l-4.5 2.5-.5 4.5M12 14l2 4.5h5"/>'
        '<path d="M2 4.5l2 .8M2.5 13l2-.5M20.5 3l1.5 1.8M21 20l1.5-1.5"/>'
    ),
    "squirm": (  # a wriggling body with wiggle marks
        '<circle cx="12" cy="4.5" r="2.5"/><path d="M12 7q-3 2.5 0 5t0 5-1 4.5"/>'
        '<path d="M5.5 8q-1.5 2 0 4t0 4M18.5 8q1.5 2 0 4t0 4"/>'
    ),
    "tense": (  # rigid straight figure, arms pressed down, tension marks
        '<circle cx="12" cy="4.5" r="2.5"/><path d="M12 7v8M12 15l-1.5 6.5M12 15l1.5 6.5"/>'
        '<path d="M12 8.5l-3.5 1V15M12 8.5l3.5 1V15"/>'
        '<path d="M4.5 7.5l1.5 1.5-1.5 1.5 1.5 1.5-1.5 1.5M19.5 7.5L18 9l1.5 1.5L18 12l1.5 1.5"/>'
    ),
    "arch": (  # lying on the back, head pressed back and the back lifted off the mat
        '<circle cx="4.5" cy="17.5" r="2.5"/><path d="M6.8 16.3Q12 7 17 14.5l3.5 5.5"/>'
        '<path d="M17 14.5l.5 5.5"/><path d="M1.5 21.5h21"/>'
        '<path d="M7 7.5Q12 1.5 17.5 8" stroke-dasharray="1.2 2"/>'
    ),
    "relaxed": (  # lying flat and soft, arms and legs loose, a contented face
        '<circle cx="6" cy="12" r="4"/><path d="M4.5 12.8q1.5 1.3 3 0"/>'
        '<path d="M10 14.5h7.5q3 0 4.5 2.5"/>'
        '<path d="M11 14.5q2 3.5 4.5 3M16 14.5q2 3 5 2.5"/><path d="M1.5 19.5h21"/>'
    ),
}

# Lungs, and a breathing trace underneath: slow waves or fast ones.
LUNGS = (
    '<path d="M12 2.5v6"/><path d="M11 6.5q-4.5 0-5.5 7.5 3 1 5.5-.8zM13 6.5q4.5 0 5.5 7.5 '
    '-3 1-5.5-.8z"/>'
)
BREATH = {
    "steady": '<path d="M2 19q2.5-3 5 0t5 0 5 0 5 0"/>',
    "fast": '<path d="M2 19l1.25-2 1.25 4 1.25-4 1.25 4 1.25-4 1.25 4 1.25-4 1.25 4 1.25-4 '
    '1.25 4 1.25-4 1.25 4 1.25-4 1.25 4 1.25-4 1.25 2"/>',
}


def _placed(fragment, *, x=0, y=0, scale=1.0, rotate=0, stroke=STROKE_WIDTH):
    """A fragment moved, scaled and turned, its lines drawn `stroke` thick whatever the scale."""
    transform = f"translate({x:g} {y:g})"
    if scale != 1:
        transform += f" scale({scale:g})"
    if rotate:
        transform += f" rotate({rotate:g} 12 12)"
    return f'<g transform="{transform}" stroke-width="{stroke / scale:.3g}">{fragment}</g>'


# A hand near or over the face: to the mouth, by the ear, held up in front of the eyes.
SMALL_HAND = {
    "to_mouth": _placed(HANDS["open"], x=10.5, y=11, scale=0.5, rotate=-40, stroke=1.2),
    "by_ear": _placed(HANDS["open"], x=14.5, y=6, scale=0.5, stroke=1.2),
    "in_front": _placed(HANDS["open"], x=3.8, y=7.5, scale=0.66),
    "pushing": _placed(HANDS["open"], x=7, y=2, scale=0.75),
}


def _face(eyes, mouth, *marks, side=()):
    """A face with its eyes, mouth and marks; shrunk to the left when it has side marks."""
    parts = (FACE, EYES[eyes], MOUTH[mouth], *(FACE_MARKS[m] for m in marks))
    if isinstance(side, str):
        side = (side,)
    if not side:
        return parts
    return (SMALL_FACE, *parts, "</g>", *(SIDE_MARKS.get(s) or SMALL_HAND[s] for s in side))


# kind -> tuple of SVG fragments. Similar cues differ in at least one visible part.
RECIPES: dict[str, tuple[str, ...]] = {
    # Engagement, potent
    "eye_contact": _face("open", "soft", side="heart"),
    "looking_at_face": _face("up", "soft"),
    "smiling": _face("happy", "big_smile"),
    "cooing": _face("happy", "o", side="notes"),
    "smooth_movements": (BODIES["smooth"],),
    "stilling": _face("open", "flat", side="pause"),
    "reaching": (BODIES["reach"],),
    "turning_toward": _face("open", "smile", side="arrow_toward"),
    # Engagement, subtle
    "bright_eyes": _face("wide", "smile"),
    "face_brightening": (
        *_face("happy", "smile"),
        '<path d="M12 .8v1.7M4.6 3.4l1 1.3M19.4 3.4l-1 1.3M1 10.5l1.6.4M23 10.5l-1.6.4"/>',
    ),
    "raised_eyebrows": _face("open", "soft", "brows_up"),
    "open_hands": (HANDS["open"],),
    "hand_to_mouth": (*_face("open", "soft"), SMALL_HAND["to_mouth"]),
    "grasping": (HANDS["grasp"],),
    "relaxed_posture": (BODIES["relaxed"],),
    "steady_breathing": (LUNGS, BREATH["steady"]),
    # Disengagement, potent
    "crying": _face("shut", "cry", "tears", "brows_frown"),
    "arching": (BODIES["arch"],),
    "pulling_away": (
        SMALL_HAND["pushing"],
        '<path d="M1.5 12h5M4 9.5L1.5 12 4 14.5M2 5.5l2.5 1.5M2 18.5l2.5-1.5"/>',
    ),
    "turning_away": _face("aside", "frown", side="arrow_away"),
    "coughing": _face("shut", "cough", side="cough"),
    "spread_fingers": (HANDS["spread"],),
    "stiff_hands": (HANDS["fist"],),
    "falling_asleep": _face("closed", "soft", side="zzz"),
    # Disengagement, subtle
    "frowning": _face("open", "frown", "brows_frown"),
    "squirming": (BODIES["squirm"],),
    "flailing": (BODIES["flail"],),
    "looking_away": _face("aside", "flat"),
    "faster_breathing": (LUNGS, BREATH["fast"]),
    "yawning": _face("closed", "yawn"),
    "hand_to_ear": _face("open", "flat", side="by_ear"),
    "glazed_look": _face("glazed", "flat"),
    "lip_trembling": _face("open", "tremble", "brows_up"),
    "hand_over_face": (
        FACE,
        '<path d="M7.3 7.6q1.7 1.4 3.4 0M13.3 7.6q1.7 1.4 3.4 0"/>',
        SMALL_HAND["in_front"],
    ),
    "tensing": (BODIES["tense"],),
    "going_red": _face("open", "frown", "cheeks", side="heat"),
    "hiccups": _face("open", "flat", side="hiccup"),
}

SVG_OPEN = (
    '<svg class="cue-icon cue-icon--{kind}" xmlns="http://www.w3.org/2000/svg" '
    'viewBox="0 0 24 24" width="24" height="24" fill="none" stroke="currentColor" '
    f'stroke-width="{STROKE_WIDTH}" stroke-linecap="round" stroke-linejoin="round" '
    'aria-hidden="true" focusable="false">'
)


@cache
def _render(kind: str) -> str:
    return SVG_OPEN.replace("{kind}", kind) + "".join(RECIPES[kind]) + "</svg>"


def cue_icon_svg(kind) -> SafeString:
    """The icon for a cue kind as safe SVG markup; an empty string for an unknown kind."""
    if not isinstance(kind, str) or kind not in RECIPES:
        return mark_safe("")
    # Built only from the constants above (and kind is one of their keys): safe to mark so.
    return mark_safe(_render(kind))


@cache
def sprite_svg() -> str:
    """Every icon as a `<symbol id="cue-<kind>">` in one SVG file, for pages that show many of
    them (the player's cue bar) to reference with `cue_icon_use` and the browser to keep."""
    symbols = "".join(
        f'<symbol id="cue-{kind}" viewBox="0 0 24 24">{"".join(RECIPES[kind])}</symbol>'
        for kind in CUES
    )
    return f'<svg xmlns="http://www.w3.org/2000/svg">{symbols}</svg>'


@cache
def sprite_version() -> str:
    """The sprite's version, for its address: it changes whenever an icon does."""
    return hashlib.blake2s(sprite_svg().encode(), digest_size=8).hexdigest()


def cue_icon_use(kind, sprite_url: str) -> SafeString:
    """The icon for a cue kind drawn from the sprite at `sprite_url`: the same outer `<svg>` as
    cue_icon_svg, so it takes the same size, colour and strokes; "" for an unknown kind."""
    if not isinstance(kind, str) or kind not in RECIPES:
        return mark_safe("")
    return mark_safe(
        SVG_OPEN.replace("{kind}", kind) + f'<use href="{escape(sprite_url)}#cue-{kind}"/></svg>'
    )


def all_icons() -> dict[str, SafeString]:
    """Every cue kind's icon, in taxonomy order (for a legend or a style-guide page)."""
    return {kind: cue_icon_svg(kind) for kind in CUES}


assert set(RECIPES) == set(CUES), "every cue kind needs an icon recipe"
