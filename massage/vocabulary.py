"""The words of a massage step: the body areas and the motions, with their labels.

Plain data (no drawing, no models): the Step model takes its choices from here, the readiness
check names the areas from here, and the body map (``massage.bodymap``) draws each motion on each
area and labels its pictures with these words.
"""

from django.utils.translation import gettext_lazy as _

__all__ = ["AREA_MOTION_LABELS", "BODY_AREAS", "MOTIONS", "motion_label"]

BODY_AREAS: dict[str, object] = {
    "legs": _("Legs"),
    "feet": _("Feet"),
    "tummy": _("Tummy"),
    "chest": _("Chest"),
    "arms": _("Arms"),
    "hands": _("Hands"),
    "face": _("Face"),
    "back": _("Back"),
    "whole_body": _("Whole body"),
}

MOTIONS: dict[str, object] = {
    "hold": _("resting hands, held still"),
    "glide_toward_feet": _("glide toward the feet"),
    "glide_toward_body": _("glide toward the body"),
    "circle_clockwise": _("circle clockwise, following the colon"),
    "outward": _("glide from the middle outward"),
    "diagonal": _("cross diagonally, one hand after the other"),
    "i_love_u": _("trace I, then an upside-down L, then an upside-down U"),
    "sun_moon": _("sun and moon: one hand circles, the other follows an arc"),
    "water_wheel": _("paddle downward from below the ribs, hand over hand"),
    "wring": _("gently wring back and forth"),
    "thumb_walk": _("walk the thumbs in small steps"),
    "roll": _("roll gently between the palms"),
    "small_circles": _("small circles with the fingertips"),
    "sweep": _("sweep from the neck to the bottom and down to the ankles"),
    "back_and_forth": _("hands back and forth in opposite directions, moving down"),
    "knees_to_tummy": _("bend the knees up toward the tummy"),
    "cross_arms": _("cross the arms over the chest, then open them"),
    "bicycle": _("bicycle the legs"),
    "shapes": _("draw shapes with the fingertips"),
    "combing": _("comb lightly downward with the fingertips"),
    "smile": _("trace a smile above the lips"),
    "nose_to_cheeks": _("down the nose and out over the cheeks"),
    "armpit": _("stroke gently down from the armpit"),
}

# Wording that depends on the area (an arm ends at the hand, not the foot).
AREA_MOTION_LABELS: dict[tuple[str, str], object] = {
    ("arms", "glide_toward_feet"): _("glide toward the hands"),
    ("hands", "glide_toward_feet"): _("glide toward the fingertips"),
    ("arms", "glide_toward_body"): _("glide toward the shoulder"),
    ("hands", "glide_toward_body"): _("glide toward the wrist"),
    ("feet", "glide_toward_feet"): _("glide toward the toes"),
    ("feet", "glide_toward_body"): _("glide toward the ankle"),
    ("legs", "glide_toward_body"): _("glide toward the hips"),
}


def motion_label(body_area: str, motion: str) -> str:
    """Human label for a motion on an area, e.g. "glide toward the hands" on the arms."""
    return str(AREA_MOTION_LABELS.get((body_area, motion), MOTIONS[motion]))
