"""A baby's history: every massage with its cue counts, the last weeks as charts, the insight."""

import re
from datetime import datetime, time, timedelta
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from cues import charts, selectors
from cues.insights import MIN_SESSIONS, joined_by_and
from sessions.models import Outcome
from tests.factories import (
    BabyFactory,
    CueEventFactory,
    MassageSessionFactory,
    StepVisitFactory,
    routine_with_areas,
)
from tests.markup import elements


@pytest.fixture
def routine(db):
    return routine_with_areas(["legs", "tummy", "back"], title="Evening calm")


@pytest.fixture
def steps(routine):
    return list(routine.steps.order_by("order"))


def history_url(baby):
    return reverse("cues:baby-history", args=[baby.pk])


def text(response):
    return unescape(response.content.decode())


def session_rows(response):
    """The rows of the list of massages on a history page."""
    return elements(response.content.decode(), "div", **{"class": "session-row"})


def massage(baby, routine, steps, *, started_at=None, cues=(), outcome=Outcome.COMPLETED):
    """An ended massage with every step done (30 s each) and cues as (step index, kind)."""
    session = MassageSessionFactory(
        routine=routine, baby=baby, started_at=started_at or timezone.now() - timedelta(hours=1)
    )
    for step in steps:
        StepVisitFactory(
            session=session,
            step=step,
            seconds=30,
        )
    for index, (step_index, kind) in enumerate(cues):
        CueEventFactory(
            session=session, step=steps[step_index], kind=kind, seconds_into_session=10 + index
        )
    if outcome:
        session.finish(outcome=outcome, at=session.started_at + timedelta(minutes=5))
    return session


def week_start(weeks_ago):
    today = timezone.localdate()
    monday = today - timedelta(days=today.weekday()) - timedelta(weeks=weeks_ago)
    return timezone.make_aware(datetime.combine(monday, time(12, 0)))


# -- Who may see it ------------------------------------------------------------------------------


def test_anonymous_is_sent_to_log_in(client, baby):
    response = client.get(history_url(baby))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_another_family_gets_404(client, outsider, baby):
    client.force_login(outsider)
    assert client.get(history_url(baby)).status_code == 404


def test_a_caregiver_sees_the_history(client, caregiver, baby):
    client.force_login(caregiver)
    assert client.get(history_url(baby)).status_code == 200


# -- The list of massages ------------------------------------------------------------------------


def test_sessions_list_with_counts_and_links(as_parent, baby, routine, steps):
    first = massage(baby, routine, steps, cues=[(0, "smiling"), (0, "cooing"), (1, "crying")])
    CueEventFactory(session=first, step=steps[2], kind="hiccups", undone_at=timezone.now())
    page = text(as_parent.get(history_url(baby)))
    assert reverse("cues:session-review", args=[first.pk]) in page
    assert reverse("cues:baby-report", args=[baby.pk]) in page
    row = re.search(r'<div class="session-row">.*?</li>', page, re.S).group(0)
    assert "Evening calm" in row and "Completed" in row and "5 min" in row
    assert re.search(r"●</span> 2<", row) and re.search(r"▼</span> 1<", row)


def test_only_this_babys_sessions(as_parent, baby, family, routine, steps):
    massage(baby, routine, steps)
    sibling = BabyFactory(family=family)
    massage(sibling, routine, steps, started_at=timezone.now() - timedelta(days=1))
    assert len(session_rows(as_parent.get(history_url(baby)))) == 1


def test_a_running_session_is_listed_as_still_going(as_parent, baby, routine, steps):
    massage(baby, routine, steps, outcome=None)
    assert "Still going" in text(as_parent.get(history_url(baby)))


def test_a_massage_left_for_hours_is_listed_as_interrupted(as_parent, baby, routine, steps):
    left = MassageSessionFactory(
        baby=baby, routine=routine, last_activity_at=timezone.now() - timedelta(hours=5)
    )
    StepVisitFactory(session=left, step=steps[0], seconds=20)
    page = text(as_parent.get(history_url(baby)))
    left.refresh_from_db()
    assert left.outcome == Outcome.INTERRUPTED
    assert "Interrupted" in page
    assert "Still going" not in page


def test_sessions_are_paginated_twenty_a_page(as_parent, baby, routine, steps):
    now = timezone.now()
    for n in range(23):
        massage(baby, routine, steps[:1], started_at=now - timedelta(days=n, hours=1))
    first = as_parent.get(history_url(baby))
    assert len(session_rows(first)) == 20
    assert "Page 1 of 2" in text(first) and "?page=2#sessions" in text(first)
    second = as_parent.get(history_url(baby) + "?page=2")
    assert len(session_rows(second)) == 3
    assert "?page=1#sessions" in text(second)
    # A page that isn't a number, or is past the end, still shows a page rather than failing.
    assert as_parent.get(history_url(baby) + "?page=abc").status_code == 200
    assert "Page 2 of 2" in text(as_parent.get(history_url(baby) + "?page=99"))


def test_no_sessions_yet(as_parent, baby):
    page = text(as_parent.get(history_url(baby)))
    assert "No massages with" in page
    assert reverse("massage:routine-list") in page
    assert "No massages in these weeks" in page


# -- The weeks -----------------------------------------------------------------------------------


def test_weeks_are_counted_by_the_database(baby, routine, steps):
    this_week = [(0, "smiling"), (0, "smiling"), (1, "crying")]
    massage(baby, routine, steps, started_at=timezone.now(), cues=this_week)
    massage(baby, routine, steps, started_at=week_start(2), cues=[(0, "smiling")])
    massage(baby, routine, steps, started_at=week_start(2) + timedelta(days=1))
    massage(baby, routine, steps, started_at=week_start(13), cues=[(0, "smiling")])  # too old
    weeks = selectors.baby_weeks(baby, weeks=12)
    assert len(weeks) == 12
    assert weeks[-1]["start"] == timezone.localdate() - timedelta(
        days=timezone.localdate().weekday()
    )
    this, two_ago = weeks[-1], weeks[-3]
    assert (this["sessions"], this["engaging"], this["disengaging"]) == (1, 2, 1)
    assert (two_ago["sessions"], two_ago["engaging"], two_ago["disengaging"]) == (2, 1, 0)
    assert sum(w["sessions"] for w in weeks) == 3


def test_trend_charts_and_their_table(as_parent, baby, routine, steps):
    massage(baby, routine, steps, started_at=week_start(1), cues=[(0, "smiling"), (1, "crying")])
    massage(baby, routine, steps, started_at=week_start(3))
    page = text(as_parent.get(history_url(baby)))
    for css in ("weekly-sessions", "weekly-share"):
        svg = re.search(rf'<svg class="chart {css}".*?</svg>', page, re.S).group(0)
        assert 'role="img"' in svg and "<title" in svg
    sessions_svg = re.search(r'<svg class="chart weekly-sessions".*?</svg>', page, re.S).group(0)
    assert sessions_svg.count('class="chart-bar"') == 2
    share_svg = re.search(r'<svg class="chart weekly-share".*?</svg>', page, re.S).group(0)
    assert share_svg.count('class="chart-point"') == 1  # only one week had cues
    table = re.search(r'<table class="review-table weeks-table">.*?</table>', page, re.S).group(0)
    assert table.count("<tr>") == 13
    assert "50%" in table


def test_no_point_of_the_share_chart_sits_on_a_percent_label(as_parent, baby, routine, steps):
    # The latest week at exactly 50%, the oldest at 100%: the two ends of the plot.
    massage(baby, routine, steps, started_at=timezone.now(), cues=[(0, "smiling"), (1, "crying")])
    massage(baby, routine, steps, started_at=week_start(11), cues=[(0, "smiling")])
    page = text(as_parent.get(history_url(baby)))
    svg = re.search(r'<svg class="chart weekly-share".*?</svg>', page, re.S).group(0)
    labels = re.findall(
        r'<text class="chart-label[^"]*" x="([\d.]+)%" y="[\d.]+" '
        r'text-anchor="(\w+)"[^>]*>(\d+)%</text>',
        svg,
    )
    assert [label[2] for label in labels] == ["0", "50", "100"]
    points = [float(x) for x in re.findall(r'<circle class="chart-point" cx="([\d.]+)%"', svg)]
    assert len(points) == 2
    latest = max(points)
    # Each label ends at its x (anchored at its end), so all of it lies left of that x; a point
    # reaches about 2% of a phone's chart width either side of its centre.
    for x, anchor, _level in labels:
        assert anchor == "end"
        assert float(x) < min(points) - 3
        assert float(x) < latest - 3
    assert latest <= 100 - charts.MARGIN
    # The bars above stand in the same columns as the points.
    bars = re.search(r'<svg class="chart weekly-sessions".*?</svg>', page, re.S).group(0)
    values = [float(x) for x in re.findall(r'<text class="chart-value" x="([\d.]+)%"', bars)]
    assert values == sorted(points)


# -- The insight ---------------------------------------------------------------------------------


def test_insight_waits_kindly_for_enough_massages(as_parent, baby, routine, steps):
    for n in range(MIN_SESSIONS - 1):
        massage(
            baby,
            routine,
            steps,
            started_at=timezone.now() - timedelta(days=n + 1),
            cues=[(0, "smiling")] * 4,
        )
    page = text(as_parent.get(history_url(baby)))
    assert "Once you have noted cues in 3 massages" in page
    assert "So far: 2 of 3." in page
    assert "Strokes" not in page.split("What the cues suggest")[1].split("</section>")[0]


def test_insight_names_enjoyed_strokes_and_gentle_areas_with_evidence(
    as_parent, baby, routine, steps
):
    for n in range(3):
        massage(
            baby,
            routine,
            steps,
            started_at=timezone.now() - timedelta(days=n + 1),
            cues=[(0, "smiling"), (0, "cooing"), (1, "squirming"), (1, "crying")],
        )
    # Cues of a massage still going, and undone cues, don't count.
    running = massage(baby, routine, steps, outcome=None, cues=[(2, "arching")] * 5)
    CueEventFactory(session=running, step=steps[0], kind="crying", undone_at=timezone.now())
    page = text(as_parent.get(history_url(baby)))
    insight = page.split("What the cues suggest")[1].split("</section>")[0]
    assert "Legs stroke 1" in insight
    assert (
        "6 signs of enjoying over 3 massages, mostly babbling or cooing (3) and smiling (3). "
        "No signs of needing a break."
    ) in insight
    assert "Tummy" in insight
    assert "6 signs of needing a break over 3 massages" in insight
    assert "Back" not in insight
    assert "Based on 3 massages with cues noted." in insight


def test_insight_counts_come_from_ended_massages_only(baby, routine, steps):
    massage(baby, routine, steps, cues=[(0, "smiling")])
    massage(baby, routine, steps, outcome=None, cues=[(0, "smiling")])
    counts = selectors.baby_insight_counts(baby)
    assert counts["sessions_with_cues"] == 1
    assert counts["rows"] == [
        {
            "body_area": "legs",
            "stroke": steps[0].stroke,
            "name": steps[0].stroke,
            "kind": "smiling",
            "n": 1,
        }
    ]
    assert counts["stroke_sessions"][("legs", steps[0].stroke)] == 1
    assert counts["area_sessions"] == {"legs": 1, "tummy": 1, "back": 1}


def insight_of(client, baby):
    page = text(client.get(history_url(baby)))
    return page.split("What the cues suggest")[1].split("</section>")[0]


def test_the_kept_insight_follows_every_new_cue_undo_and_end(as_parent, baby, routine, steps):
    """The insight is kept between views (it counts the whole history); whatever changes what it
    counts shows on the next view."""
    for n in range(3):
        massage(
            baby,
            routine,
            steps,
            started_at=timezone.now() - timedelta(days=n + 1),
            cues=[(0, "smiling"), (0, "cooing")],
        )
    assert "Tummy" not in insight_of(as_parent, baby)
    # Cues logged late on an ended massage (an outbox that synced afterwards) count.
    ended = baby.sessions.order_by("started_at").first()
    late = [
        CueEventFactory(session=ended, step=steps[1], kind="crying", seconds_into_session=40 + n)
        for n in range(3)
    ]
    insight = insight_of(as_parent, baby)
    assert "Tummy" in insight and "3 signs of needing a break over 3 massages" in insight
    # One of them taken back.
    late[0].undone_at = timezone.now()
    late[0].save(update_fields=["undone_at"])
    assert "Tummy" not in insight_of(as_parent, baby)
    # A massage still going doesn't count until it ends; then it does.
    running = massage(baby, routine, steps, outcome=None, cues=[(1, "crying")] * 2)
    assert "Tummy" not in insight_of(as_parent, baby)
    running.finish(outcome=Outcome.COMPLETED, at=timezone.now())
    insight = insight_of(as_parent, baby)
    assert "4 signs of needing a break over 4 massages" in insight
    assert "Based on 4 massages with cues noted." in insight


# -- A start with no step done -------------------------------------------------------------------


def no_step_done(baby, routine, steps, *, started_at, cues=()):
    """A session ended in its first seconds: the first step opened, then skipped, with cues."""
    session = MassageSessionFactory(routine=routine, baby=baby, started_at=started_at)
    StepVisitFactory(session=session, step=steps[0], seconds=4, skipped=True)
    StepVisitFactory(session=session, step=steps[1], seconds=0)
    for index, (step_index, kind) in enumerate(cues):
        CueEventFactory(
            session=session, step=steps[step_index], kind=kind, seconds_into_session=2 + index
        )
    session.finish(outcome=Outcome.ENDED_EARLY, at=started_at + timedelta(seconds=9))
    return session


def test_a_session_with_no_step_done_is_not_a_massage_in_the_history(
    as_parent, baby, routine, steps, django_assert_max_num_queries
):
    kept = massage(baby, routine, steps, started_at=week_start(0), cues=[(0, "smiling")])
    quick = no_step_done(
        baby, routine, steps, started_at=week_start(0) + timedelta(hours=1), cues=[(0, "crying")]
    )
    with django_assert_max_num_queries(HISTORY_CEILING):
        response = as_parent.get(history_url(baby))
    page = text(response)
    assert reverse("cues:session-review", args=[kept.pk]) in page
    assert reverse("cues:session-review", args=[quick.pk]) not in page
    assert len(session_rows(response)) == 1
    assert "1 massage so far" in page
    # The week's bar counts one massage, and its cues only the massage's smile.
    bars = re.search(r'<svg class="chart weekly-sessions".*?</svg>', page, re.S).group(0)
    assert "1 massage</title>" in bars
    table = re.search(r'<table class="review-table weeks-table">.*?</table>', page, re.S).group(0)
    this_week = re.findall(r"<tr>.*?</tr>", table, re.S)[1]
    assert re.findall(r'<td class="num">(\d+%?)</td>', this_week) == ["1", "1", "0", "100%"]


def test_the_weeks_and_the_insight_leave_out_sessions_with_no_step_done(baby, routine, steps):
    massage(baby, routine, steps, started_at=week_start(0), cues=[(0, "smiling")])
    for n in range(3):
        no_step_done(
            baby,
            routine,
            steps,
            started_at=week_start(0) + timedelta(hours=n + 1),
            cues=[(0, "crying"), (1, "arching")],
        )
    this_week = selectors.baby_weeks(baby, weeks=2)[-1]
    assert (this_week["sessions"], this_week["engaging"], this_week["disengaging"]) == (1, 1, 0)
    counts = selectors.baby_insight_counts(baby)
    assert counts["sessions_with_cues"] == 1
    assert counts["rows"] == [
        {
            "body_area": "legs",
            "stroke": steps[0].stroke,
            "name": steps[0].stroke,
            "kind": "smiling",
            "n": 1,
        }
    ]
    assert counts["area_sessions"] == {"legs": 1, "tummy": 1, "back": 1}


def test_a_session_still_going_is_listed_before_any_step_is_done(as_parent, baby, routine, steps):
    running = MassageSessionFactory(routine=routine, baby=baby)
    page = text(as_parent.get(history_url(baby)))
    assert reverse("cues:session-review", args=[running.pk]) in page


# -- Queries do not grow with the history --------------------------------------------------------


def count_queries(client, url):
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries)


# login session, user, baby, what the page shows is drawn from (sessions, cues), which also
# tells whether a massage is under way (only then, a look for massages left running for hours);
# and when that has changed since the page was kept: page count, page, the page's cue counts,
# weeks; and when it has changed since the insight was kept too, the insight's counts: cues,
# sessions with cues, stroke visits, area visits.
HISTORY_CEILING = 13
HISTORY_KEPT_INSIGHT = 9
HISTORY_KEPT_PAGE = 5


def test_history_queries_do_not_grow_with_sessions_or_cues(
    as_parent, family, routine, steps, django_assert_max_num_queries
):
    small = BabyFactory(family=family)
    massage(small, routine, steps, cues=[(0, "smiling")])
    big = BabyFactory(family=family)
    for n in range(45):
        massage(
            big,
            routine,
            steps,
            started_at=timezone.now() - timedelta(days=n * 2, hours=1),
            cues=[(0, "smiling"), (1, "crying"), (2, "stilling")],
        )
    small_count = count_queries(as_parent, history_url(small))
    with django_assert_max_num_queries(HISTORY_CEILING):
        response = as_parent.get(history_url(big))
    assert len(session_rows(response)) == 20
    assert small_count == HISTORY_CEILING
    # Another page, with the insight kept; then the same pages again, kept as they were drawn.
    assert count_queries(as_parent, history_url(big) + "?page=3") == HISTORY_KEPT_INSIGHT
    assert count_queries(as_parent, history_url(small)) == HISTORY_KEPT_PAGE
    assert count_queries(as_parent, history_url(big)) == HISTORY_KEPT_PAGE
    assert count_queries(as_parent, history_url(big) + "?page=3") == HISTORY_KEPT_PAGE


def test_the_kept_page_is_drawn_again_for_what_it_shows(as_parent, baby, routine, steps):
    """Kept between views, the page still follows a new massage, the baby's new name, and a
    massage under way (never kept: its length grows)."""
    massage(baby, routine, steps, started_at=timezone.now() - timedelta(days=2))
    assert "1 massage so far" in text(as_parent.get(history_url(baby)))
    massage(baby, routine, steps, started_at=timezone.now() - timedelta(days=1))
    assert "2 massages so far" in text(as_parent.get(history_url(baby)))
    baby.name = "Juniper"
    baby.save(update_fields=["name"])
    assert "<h1>Juniper's massages</h1>" in text(as_parent.get(history_url(baby)))
    running = MassageSessionFactory(
        routine=routine, baby=baby, started_at=timezone.now() - timedelta(minutes=12)
    )
    StepVisitFactory(session=running, step=steps[0], seconds=30)
    assert "12 min" in text(as_parent.get(history_url(baby)))
    running.started_at -= timedelta(minutes=13)  # as if 13 minutes later
    running.save(update_fields=["started_at"])
    page = text(as_parent.get(history_url(baby)))
    assert "Still going" in page and "25 min" in page


def test_spanish_insight_says_e_before_the_sound_i(as_parent, baby, routine, steps):
    for n in range(3):
        massage(
            baby,
            routine,
            steps,
            started_at=timezone.now() - timedelta(days=n + 1),
            cues=[(1, "crying"), (1, "crying"), (1, "hiccups")],
        )
    page = text(as_parent.get(history_url(baby), headers={"Accept-Language": "es"}))
    assert "llanto (6) e hipo (3)" in page
    assert " y hipo" not in page


def test_and_is_e_in_spanish_only_before_the_sound_i():
    with translation.override("es"):
        assert joined_by_and("llanto (2)", "hipo (1)") == "llanto (2) e hipo (1)"
        assert joined_by_and("llanto (2)", "Irritación (1)") == "llanto (2) e Irritación (1)"
        assert joined_by_and("llanto (2)", "hielo (1)") == "llanto (2) y hielo (1)"
        assert joined_by_and("hipo (2)", "sonrisa (1)") == "hipo (2) y sonrisa (1)"
    with translation.override("en"):
        assert joined_by_and("crying (2)", "hiccups (1)") == "crying (2) and hiccups (1)"
