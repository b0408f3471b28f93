"""The insight rules on their own: plain counts in, items with their evidence out (no database)."""

from cues import insights
from cues.insights import MIN_CUES, MIN_ITEM_SESSIONS, MIN_SESSIONS, Tally

AREAS = {"legs": "Legs", "tummy": "Tummy", "arms": "Arms"}


def row(area, stroke, kind, n):
    return {"body_area": area, "stroke": stroke, "kind": kind, "n": n}


def tally(rows, stroke_sessions=None, area_sessions=None):
    return insights.tally(
        rows,
        stroke_sessions=stroke_sessions or {},
        area_sessions=area_sessions or {},
        area_labels=AREAS,
    )


def test_rows_fold_into_strokes_and_areas():
    strokes, areas = tally(
        [
            row("legs", "Indian milking", "smiling", 4),
            row("legs", "Indian milking", "crying", 1),
            row("legs", "Thigh roll", "cooing", 2),
            row("tummy", "Water wheel", "squirming", 3),
        ],
        stroke_sessions={("legs", "Indian milking"): 5},
        area_sessions={"legs": 6},
    )
    by_name = {t.name: t for t in strokes}
    milking = by_name["Indian milking"]
    assert (milking.engaging, milking.disengaging, milking.sessions) == (4, 1, 5)
    # A stroke with cues but no visit on record counts one massage, never zero.
    assert by_name["Thigh roll"].sessions == 1
    assert by_name["Indian milking"].area_label == "Legs"
    legs = {t.area: t for t in areas}["legs"]
    assert (legs.name, legs.engaging, legs.disengaging, legs.sessions) == ("Legs", 6, 1, 6)


def test_whole_body_rituals_are_not_strokes_or_areas():
    strokes, areas = tally(
        [
            row("whole_body", "Ask permission", "eye_contact", 9),
            row("legs", "Bicycle", "smiling", 2),
        ]
    )
    assert [t.name for t in strokes] == ["Bicycle"]
    assert [t.area for t in areas] == ["legs"]


def test_unknown_kinds_and_zero_counts_are_ignored():
    strokes, areas = tally([row("legs", "A", "not_a_cue", 5), row("legs", "A", "smiling", 0)])
    assert strokes == [] and areas == []


def test_too_few_sessions_hides_everything():
    strokes = [Tally("Indian milking", "legs", sessions=2, kinds={"smiling": 20})]
    insight = insights.build(sessions_with_cues=MIN_SESSIONS - 1, strokes=strokes, areas=[])
    assert not insight.ready
    assert insight.enjoyed == [] and insight.gentle == []
    assert insight.still_needed == 1


def test_a_stroke_is_enjoyed_with_enough_cues_over_enough_massages_and_few_break_cues():
    enjoyed = Tally("Indian milking", "legs", sessions=5, kinds={"smiling": 5, "cooing": 4})
    too_few = Tally("Thigh roll", "legs", sessions=5, kinds={"smiling": MIN_CUES - 1})
    one_day = Tally("Foot press", "feet", sessions=MIN_ITEM_SESSIONS - 1, kinds={"smiling": 9})
    mixed = Tally("Open book", "chest", sessions=4, kinds={"smiling": 6, "crying": 3})
    insight = insights.build(
        sessions_with_cues=MIN_SESSIONS, strokes=[too_few, one_day, mixed, enjoyed], areas=[]
    )
    assert insight.ready
    assert [item.name for item in insight.enjoyed] == ["Indian milking"]
    item = insight.enjoyed[0]
    assert (item.engaging, item.disengaging, item.sessions) == (9, 0, 5)
    assert item.evidence == (
        "9 signs of enjoying over 5 massages, mostly smiling (5) and babbling or cooing (4). "
        "No signs of needing a break."
    )


def test_the_enjoy_share_is_a_threshold():
    at = Tally("At", "legs", sessions=3, kinds={"smiling": 3, "crying": 1})  # 75 %
    below = Tally("Below", "legs", sessions=3, kinds={"smiling": 5, "crying": 2})  # 71 %
    insight = insights.build(sessions_with_cues=3, strokes=[at, below], areas=[])
    assert [i.name for i in insight.enjoyed] == ["At"]
    assert insight.enjoyed[0].evidence.endswith("Only 1 sign of needing a break.")


def test_enjoyed_strokes_most_cues_first_and_only_the_top_three():
    strokes = [Tally(f"Stroke {n}", "legs", sessions=3, kinds={"smiling": n}) for n in range(3, 10)]
    insight = insights.build(sessions_with_cues=10, strokes=strokes, areas=[])
    assert [i.engaging for i in insight.enjoyed] == [9, 8, 7]


def test_an_area_needs_gentleness_with_enough_break_cues():
    tummy = Tally("Tummy", "tummy", sessions=4, kinds={"squirming": 3, "crying": 1, "smiling": 2})
    legs = Tally("Legs", "legs", sessions=4, kinds={"squirming": 3, "smiling": 10})  # 23 %
    arms = Tally("Arms", "arms", sessions=4, kinds={"crying": MIN_CUES - 1})
    once = Tally("Face", "face", sessions=1, kinds={"crying": 5})
    insight = insights.build(sessions_with_cues=4, strokes=[], areas=[tummy, legs, arms, once])
    assert [i.name for i in insight.gentle] == ["Tummy"]
    assert insight.gentle[0].evidence == (
        "4 signs of needing a break over 4 massages, mostly squirming (3) and crying (1). "
        "2 signs of enjoying."
    )


def test_gentle_areas_without_any_enjoying_say_so():
    back = Tally("Back", "back", sessions=2, kinds={"arching": 3})
    insight = insights.build(sessions_with_cues=3, strokes=[], areas=[back])
    assert insight.gentle[0].evidence == (
        "3 signs of needing a break over 2 massages, mostly arching the back (3). "
        "No signs of enjoying it yet."
    )


def test_ready_but_nothing_stands_out():
    calm = Tally("Legs", "legs", sessions=3, kinds={"smiling": 1, "yawning": 1})
    insight = insights.build(sessions_with_cues=5, strokes=[calm], areas=[calm])
    assert insight.ready and insight.enjoyed == [] and insight.gentle == []
