"""The seed routine library, as plain data (no models imported).

Built from the facts in DOMAIN.md (sections 2-4 and 8), written in the app's own words. Benefits
are stated cautiously. Every routine opens with the permission ritual. Each step has either
``seconds`` or ``repetitions`` (the other is None); ``seconds_per_repetition`` is set when
``repetitions`` is, so the player can estimate durations and pace the on-screen guide. Counts for
limbs are totals across both sides ("about three on each leg" = 6).

Step ``motion`` values are keys of ``massage.vocabulary.MOTIONS``; ``body_area`` values are keys of
``massage.vocabulary.BODY_AREAS``.
"""

from __future__ import annotations

from typing import Any

__all__ = ["FOCUS_TAGS", "LIBRARY", "routine_seconds", "step_seconds"]

FOCUS_TAGS = ("bonding", "gas_colic", "sleep", "teething", "congestion", "preterm_home")

NO_OIL_FACE = "No oil on the face: use clean, dry fingertips."
TUMMY_CAUTION = "Only once the cord site has fully healed. Stay below the ribs."


def _step(
    body_area: str,
    stroke: str,
    instruction: str,
    motion: str,
    *,
    seconds: int | None = None,
    repetitions: int | None = None,
    seconds_per_repetition: int | None = None,
    caution: str = "",
    optional: bool = False,
) -> dict[str, Any]:
    return {
        "body_area": body_area,
        "stroke": stroke,
        "instruction": instruction,
        "seconds": seconds,
        "repetitions": repetitions,
        "seconds_per_repetition": seconds_per_repetition,
        "caution": caution,
        "motion": motion,
        "optional": optional,
    }


def _reps(n: int, each: int) -> dict[str, int]:
    return {"repetitions": n, "seconds_per_repetition": each}


def _permission(seconds: int = 25, *, words: str = "") -> dict[str, Any]:
    return _step(
        "whole_body",
        "Ask permission",
        "Rub your palms together so your baby hears it, show them your hands and ask, "
        f"“{words or 'May I massage you?'}” Wait for a yes from your baby — eye contact, "
        "a smile, a still and relaxed body — before you begin.",
        "hold",
        seconds=seconds,
        caution="If your baby turns away, cries or stiffens, try again another time.",
    )


def _resting(body_area: str, where: str, seconds: int, caution: str = "") -> dict[str, Any]:
    return _step(
        body_area,
        "Resting hands",
        f"Rest your warm hands still on {where} and breathe slowly, letting your baby get used "
        "to your touch.",
        "hold",
        seconds=seconds,
        caution=caution,
    )


# --- Tummy strokes, shared by the full routine and tummy comfort -------------------------


def _water_wheel(n: int) -> dict[str, Any]:
    return _step(
        "tummy",
        "Water wheel",
        "With flat, relaxed hands, paddle down the tummy from just below the ribs, one hand "
        "following the other, like a slow water wheel.",
        "water_wheel",
        **_reps(n, 3),
        caution=TUMMY_CAUTION,
    )


def _thumbs_to_sides(n: int) -> dict[str, Any]:
    return _step(
        "tummy",
        "Thumbs to sides",
        "Place both thumbs beside the belly button and glide them gently out to the sides.",
        "outward",
        **_reps(n, 4),
        caution=TUMMY_CAUTION,
    )


def _sun_and_moon(n: int) -> dict[str, Any]:
    return _step(
        "tummy",
        "Sun and moon",
        "One hand circles clockwise around the belly button while the other follows it in a "
        "half-moon arc, always moving toward your baby's left hip.",
        "sun_moon",
        **_reps(n, 5),
        caution=TUMMY_CAUTION + " Always clockwise as you look at the tummy.",
    )


def _i_love_u(n: int) -> dict[str, Any]:
    return _step(
        "tummy",
        "I-Love-U",
        "Draw an “I” down your baby's left side, then an upside-down “L” across and down, then "
        "an upside-down “U” up the right side, across and down the left. That is one set.",
        "i_love_u",
        **_reps(n, 8),
        caution=TUMMY_CAUTION + " Your baby's left is on your right.",
    )


def _knees_to_tummy(n: int) -> dict[str, Any]:
    return _step(
        "tummy",
        "Knees to tummy",
        "Hold both lower legs and softly bend the knees up toward the tummy. Hold for a slow "
        "count of six, then let the legs stretch out again.",
        "knees_to_tummy",
        **_reps(n, 10),
        caution="Never push against resistance; let your baby's legs lead.",
    )


def _bicycle(n: int) -> dict[str, Any]:
    return _step(
        "legs",
        "Bicycle",
        "Hold the lower legs and move them gently in turn, as if your baby were pedalling a "
        "small bicycle.",
        "bicycle",
        **_reps(n, 4),
        caution="Keep it slow and easy; stop if your baby stiffens or pulls away.",
    )


LIBRARY: list[dict[str, Any]] = [
    {
        "slug": "newborn-first-touch",
        "title": "Newborn first touch",
        "summary": (
            "A very short, very gentle first routine for the early weeks, with no oil and no "
            "tummy strokes. Many parents find it a calm way to get to know their baby's cues."
        ),
        "min_age_months": 0,
        "max_age_months": 2,
        # Also the routine for babies born early, once home: the gentlest one, chosen by
        # corrected age (DOMAIN.md section 5), after the family has asked the care team.
        "focus": ["bonding", "preterm_home"],
        "uses_oil": False,
        "cautions": [
            "No oil or lotion on the skin in the first weeks.",
            "Leave out the tummy until the cord site has fully healed.",
            "The lightest touch: it can be done through clothes or while you hold your baby.",
            "Wait about 30 minutes after a feed.",
            "Born early? Check with your baby's care team before you start, and go by your "
            "baby's corrected age (counted from the due date).",
            "Heart problems, seizures, jaundice, recent surgery or unwell? Ask your clinician "
            "first.",
        ],
        "steps": [
            _permission(25),
            _resting("legs", "your baby's legs", 10),
            _step(
                "legs",
                "Leg glide",
                "Wrap a hand softly around the top of one leg and glide slowly down to the "
                "ankle, about three times on each leg.",
                "glide_toward_feet",
                **_reps(6, 10),
                caution="Very light pressure for a newborn.",
            ),
            _step(
                "feet",
                "Thumb walk",
                "Support the foot and take small thumb steps along the sole, from the heel up "
                "to the toes, about three times on each foot.",
                "thumb_walk",
                **_reps(6, 8),
            ),
            _step(
                "arms",
                "Arm glide",
                "Glide one hand slowly from the shoulder down to the wrist, about three times "
                "on each arm.",
                "glide_toward_feet",
                **_reps(6, 10),
            ),
            _step(
                "hands",
                "Open the fist",
                "Gently open the little fist with your thumb, stroking from the middle of the "
                "palm out toward the fingers.",
                "outward",
                **_reps(6, 6),
                caution="Never force the fingers open; if the fist stays closed, stroke the back "
                "of the hand instead.",
            ),
            _resting(
                "back",
                "your baby's back while they lie on your chest or across your lap",
                15,
            ),
            _step(
                "back",
                "Back sweep",
                "With your baby on your chest or lap, sweep one hand slowly from the neck down "
                "to the bottom.",
                "glide_toward_feet",
                **_reps(6, 10),
                caution="Keep the other hand on your baby so they feel held.",
            ),
            _step(
                "whole_body",
                "Still hold",
                "Finish by simply holding your baby close and still, letting the calm settle.",
                "hold",
                seconds=20,
            ),
        ],
    },
    {
        "slug": "full-routine",
        "title": "Full routine",
        "summary": (
            "The classic head-to-toe routine, legs first and back last, once your baby enjoys "
            "shorter sessions. Many parents find it becomes a calm shared ritual."
        ),
        "min_age_months": 2,
        "max_age_months": 6,
        "focus": ["bonding", "sleep", "gas_colic"],
        "uses_oil": True,
        "cautions": [
            "Use a little unscented plant oil, patch-tested first; no nut, essential or "
            "mustard oils.",
            "No oil on the face.",
            "Tummy strokes only once the cord site has fully healed.",
            "Wait about 30 minutes after a feed.",
            "Build up from a few minutes; the whole routine is for a baby who is enjoying it.",
            "An oiled baby is slippery: keep one hand on them and lift them in a towel.",
        ],
        "steps": [
            _permission(25),
            # Legs and feet
            _resting("legs", "your baby's legs", 10),
            _step(
                "legs",
                "Swedish milking",
                "Cup the leg in both hands and glide from the ankle up toward the hip, one hand "
                "after the other, about three times on each leg.",
                "glide_toward_body",
                **_reps(6, 6),
            ),
            _step(
                "legs",
                "Indian milking",
                "Glide from the hip down to the ankle, one hand after the other, about three "
                "times on each leg.",
                "glide_toward_feet",
                **_reps(6, 6),
                caution="Optional: some UK guilds advise against strokes toward the feet, so "
                "skip it if you prefer.",
                optional=True,
            ),
            _step(
                "legs",
                "Squeeze and twist",
                "Hold the leg loosely in both hands and gently wring in opposite directions "
                "as you move from the hip to the ankle.",
                "wring",
                **_reps(6, 6),
                caution="Only a soft squeeze; the skin should never pull.",
            ),
            _step(
                "feet",
                "Thumb over thumb",
                "Walk your thumbs one after the other along the sole, from the heel to the toes.",
                "thumb_walk",
                **_reps(6, 6),
            ),
            _step(
                "feet",
                "Toe rolls",
                "Roll each little toe gently between your finger and thumb.",
                "small_circles",
                seconds=30,
            ),
            _step(
                "legs",
                "Rolling",
                "Roll the leg softly between your flat palms, from the knee to the ankle.",
                "roll",
                **_reps(4, 6),
            ),
            # Tummy
            _resting("tummy", "the tummy", 10, caution=TUMMY_CAUTION),
            _water_wheel(12),
            _thumbs_to_sides(6),
            _sun_and_moon(6),
            _i_love_u(4),
            _knees_to_tummy(3),
            # Chest
            _step(
                "chest",
                "Open book",
                "Put your palms together on the breastbone, then glide them out along the ribs "
                "and up over the shoulders, like opening a book.",
                "outward",
                **_reps(6, 5),
            ),
            _step(
                "chest",
                "Butterfly",
                "Glide one hand from the side of the ribs across to the opposite shoulder and "
                "back, then the other hand, making a cross.",
                "diagonal",
                **_reps(6, 5),
            ),
            # Arms and hands
            _step(
                "arms",
                "Armpit stroke",
                "Lift the arm a little and stroke lightly down from the armpit with your "
                "fingertips.",
                "armpit",
                **_reps(6, 3),
            ),
            _step(
                "arms",
                "Arm milking",
                "Glide from the shoulder down to the wrist, one hand after the other, about "
                "three times on each arm.",
                "glide_toward_feet",
                **_reps(6, 6),
            ),
            _step(
                "arms",
                "Wringing",
                "Hold the arm loosely and gently wring in opposite directions from the "
                "shoulder to the wrist.",
                "wring",
                **_reps(6, 6),
            ),
            _step(
                "hands",
                "Open the palm",
                "Stroke the palm open with your thumbs, from the middle out to the sides.",
                "outward",
                **_reps(6, 5),
            ),
            _step(
                "hands",
                "Finger rolls",
                "Roll each finger gently between your finger and thumb, then stroke the back of "
                "the hand.",
                "small_circles",
                seconds=30,
            ),
            _step(
                "arms",
                "Rolling",
                "Roll the arm softly between your flat palms, from the shoulder to the wrist.",
                "roll",
                **_reps(4, 6),
            ),
            # Face: no oil
            _step(
                "face",
                "Forehead",
                "With dry fingertips, glide from the middle of the forehead out to the sides, "
                "like opening a book.",
                "outward",
                **_reps(3, 5),
                caution=NO_OIL_FACE,
            ),
            _step(
                "face",
                "Eyebrows",
                "Trace softly along the eyebrows with your thumbs, from the middle outward.",
                "outward",
                **_reps(3, 4),
                caution=NO_OIL_FACE,
            ),
            _step(
                "face",
                "Nose to cheeks",
                "Glide your thumbs down each side of the nose and out across the cheeks.",
                "nose_to_cheeks",
                **_reps(3, 5),
                caution=NO_OIL_FACE,
            ),
            _step(
                "face",
                "Smile",
                "Trace a smile with your thumbs just above the upper lip, then one below the "
                "lower lip.",
                "smile",
                **_reps(3, 4),
                caution=NO_OIL_FACE,
            ),
            _step(
                "face",
                "Jaw circles",
                "Make small, soft circles along the jaw, behind the ears and under the chin.",
                "small_circles",
                **_reps(3, 5),
                caution=NO_OIL_FACE,
            ),
            # Back
            _resting(
                "back",
                "your baby's back once they lie face down across your lap or on the mat",
                10,
                caution="Turn your baby over gently, and never leave them face down unwatched.",
            ),
            _step(
                "back",
                "Back and forth",
                "Lay both hands across the back and move them in opposite directions, working "
                "slowly from the neck down to the bottom.",
                "back_and_forth",
                **_reps(6, 6),
                caution="Stay off the spine itself; press on the muscles either side.",
            ),
            _step(
                "back",
                "Sweeping",
                "Rest one hand on the bottom. Sweep the other from the neck to the bottom, then "
                "on down the legs to the ankles.",
                "sweep",
                **_reps(6, 6),
            ),
            _step(
                "back",
                "Combing",
                "Finish the back with light fingertip strokes from the neck downward, getting "
                "lighter each time.",
                "combing",
                **_reps(6, 4),
            ),
            # Gentle movements
            _step(
                "arms",
                "Cross the arms",
                "With your baby on their back, hold the hands, cross the arms gently over the "
                "chest and then open them out wide.",
                "cross_arms",
                **_reps(3, 5),
                caution="Move only as far as the arms go easily.",
            ),
            _bicycle(6),
            _step(
                "whole_body",
                "Resting hands",
                "End with your hands resting still on your baby for a moment, and a cuddle.",
                "hold",
                seconds=20,
            ),
        ],
    },
    {
        "slug": "tummy-comfort",
        "title": "Tummy comfort",
        "summary": (
            "A short tummy sequence for a windy or unsettled baby. Many parents find it may "
            "help ease trapped gas; it is not a treatment for colic."
        ),
        "min_age_months": 1,
        "max_age_months": 12,
        "focus": ["gas_colic"],
        "uses_oil": True,
        "cautions": [
            "Only once the cord site has fully healed.",
            "Wait at least 30 minutes after a feed.",
            "Stay below the ribs and always go clockwise as you look at the tummy.",
            "Stop if your baby seems distressed, and skip the tummy if they have diarrhoea.",
            "Crying that won't settle, fever or vomiting: contact your doctor or health visitor.",
        ],
        "steps": [
            _permission(25),
            _resting("tummy", "the tummy", 15, caution=TUMMY_CAUTION),
            _water_wheel(18),
            _thumbs_to_sides(8),
            _step(
                "tummy",
                "Clock circles",
                "With your fingertips, circle slowly clockwise around the belly button, like "
                "the hands of a clock, ending low on your baby's left.",
                "circle_clockwise",
                **_reps(8, 5),
                caution=TUMMY_CAUTION,
            ),
            _sun_and_moon(8),
            _i_love_u(5),
            _knees_to_tummy(3),
            _bicycle(10),
            _resting("tummy", "the tummy", 15, caution=TUMMY_CAUTION),
        ],
    },
    {
        "slug": "wiggly-bedtime",
        "title": "Wiggly baby bedtime",
        "summary": (
            "A short, playful wind-down for an older baby or toddler who is on the move. "
            "Many families find a familiar routine like this may help at bedtime."
        ),
        "min_age_months": 6,
        "max_age_months": 24,
        "focus": ["sleep", "bonding"],
        "uses_oil": True,
        "cautions": [
            "Oil is optional; this works over pyjamas too.",
            "Follow your child: massage whatever faces you, and stop when they have had enough.",
            "Use a firm, steady touch rather than a light one, which can tickle.",
        ],
        "steps": [
            _permission(20, words="Shall we do your bedtime massage?"),
            _step(
                "back",
                "Back and forth",
                "With your child lying on their tummy, move your hands across the back in "
                "opposite directions, from the neck down to the bottom.",
                "back_and_forth",
                seconds=60,
            ),
            _step(
                "back",
                "Shapes on the back",
                "Draw big, slow shapes on the back with your fingertips: a circle, a heart, a "
                "star. Your child can guess what you drew.",
                "shapes",
                seconds=60,
            ),
            _step(
                "feet",
                "Toe rolls",
                "Roll each toe gently between your finger and thumb, with a toe rhyme if you "
                "like, such as “This Little Piggy”.",
                "small_circles",
                seconds=45,
            ),
            _step(
                "feet",
                "Thumb walk",
                "Walk your thumbs in small steps along each sole, from the heel to the toes.",
                "thumb_walk",
                seconds=45,
            ),
            _step(
                "arms",
                "Arm milking",
                "Glide from the shoulder down to the wrist, one hand after the other, on each "
                "arm in turn.",
                "glide_toward_feet",
                seconds=45,
            ),
            _step(
                "back",
                "Head-to-toe sweep",
                "Sweep your hands in one long, slow stroke from the neck down the back and on "
                "down the legs to the toes.",
                "sweep",
                **_reps(3, 10),
            ),
            _step(
                "whole_body",
                "Goodnight hold",
                "Rest your hands still on your child and say goodnight.",
                "hold",
                seconds=20,
            ),
        ],
    },
    {
        "slug": "face-and-chest-stuffy-nose",
        "title": "Face and chest for a stuffy nose",
        "summary": (
            "A few quiet minutes of chest and face strokes. Some parents find it may help a "
            "baby with a blocked nose or sore gums to settle; it does not treat a cold."
        ),
        "min_age_months": 2,
        "max_age_months": 12,
        "focus": ["congestion", "teething"],
        "uses_oil": True,
        "cautions": [
            "No oil on the face; a little plant oil is fine on the chest.",
            "Skip it if your baby has a fever or seems unwell; call your doctor if breathing "
            "is fast or hard, or feeding drops off.",
            "Wait about 30 minutes after a feed.",
        ],
        "steps": [
            _permission(25),
            _resting("chest", "your baby's chest", 15),
            _step(
                "chest",
                "Open book",
                "Put your palms together on the breastbone, then glide them out along the ribs "
                "and up over the shoulders.",
                "outward",
                **_reps(6, 5),
            ),
            _step(
                "chest",
                "Butterfly",
                "Glide one hand from the side of the ribs across to the opposite shoulder, then "
                "the other hand, making a cross.",
                "diagonal",
                **_reps(6, 5),
            ),
            _step(
                "face",
                "Forehead",
                "With dry fingertips, glide from the middle of the forehead out to the sides.",
                "outward",
                **_reps(4, 5),
                caution=NO_OIL_FACE,
            ),
            _step(
                "face",
                "Eyebrows",
                "Trace softly along the eyebrows with your thumbs, from the middle outward.",
                "outward",
                **_reps(4, 4),
                caution=NO_OIL_FACE,
            ),
            _step(
                "face",
                "Nose to cheeks",
                "Glide your thumbs down each side of the nose and out across the cheeks.",
                "nose_to_cheeks",
                **_reps(6, 5),
                caution=NO_OIL_FACE + " Keep clear of the nostrils and eyes.",
            ),
            _step(
                "face",
                "Jaw circles",
                "Make small, soft circles along the jaw, behind the ears and under the chin; "
                "some parents find this soothing while teeth are coming through.",
                "small_circles",
                **_reps(4, 5),
                caution=NO_OIL_FACE,
            ),
            _step(
                "whole_body",
                "Upright cuddle",
                "Finish by holding your baby upright against your chest for a calm cuddle.",
                "hold",
                seconds=30,
            ),
        ],
    },
]


def step_seconds(step: dict[str, Any]) -> int:
    """How long a step takes: its seconds, or repetitions times seconds per repetition."""
    if step["seconds"] is not None:
        return int(step["seconds"])
    return int(step["repetitions"]) * int(step["seconds_per_repetition"])


def routine_seconds(routine: dict[str, Any], *, include_optional: bool = True) -> int:
    """Total time of a routine's steps (without the pauses between them)."""
    return sum(step_seconds(s) for s in routine["steps"] if include_optional or not s["optional"])
