"""A baby's printable report: a date range of massages, summed up for an instructor or a doctor."""

import re
from datetime import datetime, time, timedelta
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cues import exports
from sessions.models import Outcome
from tests.factories import (
    BabyFactory,
    CueEventFactory,
    MassageSessionFactory,
    StepVisitFactory,
    routine_with_areas,
)
from tests.markup import attribute, elements

BAD_REQUEST = 400


@pytest.fixture
def routine(db):
    return routine_with_areas(["legs", "tummy", "arms"], title="Evening calm")


@pytest.fixture
def steps(routine):
    return list(routine.steps.order_by("order"))


def at(day, hour=18, minute=0):
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def massage(baby, steps, started_at, *, outcome=Outcome.COMPLETED, seconds=60, **fields):
    session = MassageSessionFactory(
        baby=baby,
        routine=steps[0].routine,
        started_at=started_at,
        ended_at=started_at + timedelta(minutes=10),
        outcome=outcome,
        current_step=steps[-1],
        **fields,
    )
    for step in steps:
        StepVisitFactory(
            session=session,
            step=step,
            seconds=seconds,
            started_at=started_at,
        )
    return session


def cues(session, step, *kinds, **fields):
    for n, kind in enumerate(kinds):
        CueEventFactory(
            session=session, step=step, kind=kind, seconds_into_session=10 + n, **fields
        )


def report_url(baby, **params):
    url = reverse("cues:baby-report", args=[baby.pk])
    if params:
        url += "?" + "&".join(f"{key}={value}" for key, value in params.items())
    return url


def text_of(response):
    """The page's words, without tags, in single spaces."""
    html = response.content.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def four_weeks(baby, steps, today):
    """Three massages in the last four weeks, one before, with cues; one cue taken back."""
    first = massage(baby, steps, at(today - timedelta(days=20)), note="Calm and sleepy after.")
    cues(first, steps[0], "smiling", "smiling", "eye_contact", "cooing")
    cues(first, steps[1], "squirming")
    cues(first, steps[1], "crying", undone_at=timezone.now())
    second = massage(
        baby,
        steps,
        at(today - timedelta(days=3)),
        outcome=Outcome.BABY_LED_END,
        end_reason="Turned away and cried",
        seconds=30,
    )
    cues(second, steps[1], "turning_away", "crying", "frowning")
    cues(second, steps[2], "smiling")
    massage(baby, steps, at(today, 7), outcome=Outcome.INTERRUPTED, note="Doorbell.")
    older = massage(baby, steps, at(today - timedelta(days=40)), note="Too old for the report")
    cues(older, steps[0], "arching")
    return {"first": first, "second": second}


def test_report_defaults_to_the_last_four_weeks(as_parent, baby, four_weeks, today):
    response = as_parent.get(report_url(baby))
    assert response.status_code == 200
    report = response.context["report"]
    assert (report.start, report.end) == (today - timedelta(days=27), today)
    assert report.session_count == 3
    page = text_of(response)
    assert baby.name in page
    assert baby.age_text() in page
    assert "Calm and sleepy after." in page
    assert "Turned away and cried" in page
    assert "Doorbell." in page
    assert "Too old for the report" not in page
    html = response.content.decode()
    (start,) = elements(html, "input", name="start")
    (end,) = elements(html, "input", name="end")
    assert attribute(start, "value") == (today - timedelta(days=27)).isoformat()
    assert attribute(end, "value") == today.isoformat()


def test_report_counts_outcomes_time_and_cues(as_parent, baby, four_weeks):
    report = as_parent.get(report_url(baby)).context["report"]
    assert report.session_count == 3
    assert report.days_with_massage == 3
    assert [(code, count) for code, _label, count in report.outcomes] == [
        ("completed", 1),
        ("baby_led_end", 1),
        ("interrupted", 1),
    ]
    assert report.massage_seconds == 3 * 60 + 3 * 30 + 3 * 60
    # The undone cry and the older massage's arching are not counted.
    assert (report.engaging, report.disengaging) == (5, 4)
    by_session = {s.pk: (s.engaging, s.disengaging) for s in report.sessions}
    assert by_session[four_weeks["first"].pk] == (4, 1)
    assert by_session[four_weeks["second"].pk] == (1, 3)


def test_report_shows_the_cues_seen_most_on_each_body_area(as_parent, baby, four_weeks):
    response = as_parent.get(report_url(baby))
    areas = {area.area: area for area in response.context["report"].areas}
    assert list(areas) == ["legs", "tummy", "arms"], "only areas with cues, body-map order"
    legs = areas["legs"]
    assert (legs.engaging, legs.disengaging) == (4, 0)
    assert [(str(label), count) for label, _engaging, count in legs.top] == [
        ("Smiling", 2),
        ("Babbling or cooing", 1),
        ("Eye contact", 1),
    ]
    tummy = areas["tummy"]
    assert (tummy.engaging, tummy.disengaging) == (0, 4)
    # Four cues seen once each: the three shown are the first by name.
    assert [(str(label), engaging) for label, engaging, _n in tummy.top] == [
        ("Crying", False),
        ("Frowning or grimacing", False),
        ("Squirming", False),
    ]
    page = text_of(response)
    assert "Smiling \N{MULTIPLICATION SIGN}2" in page
    assert "Cues by body area" in page


def test_report_for_chosen_dates_includes_both_end_days(as_parent, baby, steps, today):
    start, end = today - timedelta(days=60), today - timedelta(days=50)
    massage(baby, steps, at(start, 0, 5), note="first minute of the first day")
    massage(baby, steps, at(end, 23, 50), note="last minutes of the last day")
    massage(baby, steps, at(start - timedelta(days=1), 23, 55), note="the day before")
    massage(baby, steps, at(end + timedelta(days=1), 0, 1), note="the day after")
    response = as_parent.get(report_url(baby, start=start.isoformat(), end=end.isoformat()))
    assert response.status_code == 200
    page = text_of(response)
    assert "first minute of the first day" in page
    assert "last minutes of the last day" in page
    assert "the day before" not in page
    assert "the day after" not in page
    assert response.context["report"].session_count == 2


def test_report_leaves_out_a_session_with_no_step_done(as_parent, baby, steps, four_weeks, today):
    quick = MassageSessionFactory(
        baby=baby,
        routine=steps[0].routine,
        started_at=at(today - timedelta(days=1)),
        ended_at=at(today - timedelta(days=1), minute=1),
        outcome=Outcome.ENDED_EARLY,
        note="Ended at once: the phone rang.",
    )
    StepVisitFactory(session=quick, step=steps[0], seconds=0)
    cues(quick, steps[0], "crying", "arching")
    report = exports.baby_report(baby, today - timedelta(days=27), today)
    assert [s.pk for s in report.sessions] == [
        four_weeks["first"].pk,
        four_weeks["second"].pk,
        report.sessions[-1].pk,
    ]
    assert quick.pk not in {s.pk for s in report.sessions}
    assert report.disengaging == 4  # squirming; turning away, crying, frowning
    page = text_of(as_parent.get(report_url(baby)))
    assert "the phone rang" not in page


def test_report_without_massages_says_so(as_parent, baby):
    response = as_parent.get(report_url(baby))
    assert response.status_code == 200
    assert "No massages were recorded in this time." in text_of(response)


def test_report_only_counts_this_baby(as_parent, family, baby, steps, four_weeks, today):
    sister = BabyFactory(family=family, name="Ada")
    other = massage(sister, steps, at(today - timedelta(days=1)), note="Ada's massage")
    cues(other, steps[0], "smiling", "smiling")
    response = as_parent.get(report_url(baby))
    assert response.context["report"].session_count == 3
    assert "Ada's massage" not in text_of(response)


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"start": "2025-02-30", "end": "2025-03-10"}, "Give the first day as a date"),
        ({"start": "yesterday", "end": "2025-03-10"}, "Give the first day as a date"),
        ({"start": "2025-03-01", "end": "2025-13-01"}, "Give the last day as a date"),
        ({"start": "2025-03-10", "end": "2025-03-01"}, "The first day comes after the last day."),
        ({"start": "2022-01-01", "end": "2025-01-01"}, "A report covers at most two years"),
        ({"start": "2023-01-01", "end": "2025-01-01"}, "A report covers at most two years"),
        ({"start": "9999-12-30", "end": "9999-12-31"}, "Choose a date between 2000 and a year"),
        ({"start": "0001-01-01", "end": "0001-01-05"}, "Choose a date between 2000 and a year"),
    ],
)
def test_bad_dates_are_a_clear_400(as_parent, baby, params, message):
    response = as_parent.get(report_url(baby, **params))
    assert response.status_code == BAD_REQUEST
    assert message in text_of(response)
    assert response.context["report"] is None
    assert 'role="alert"' in response.content.decode()


def test_two_years_to_the_day_is_allowed(as_parent, baby, today):
    start = today - timedelta(days=exports.REPORT_MAX_DAYS - 1)
    response = as_parent.get(report_url(baby, start=start.isoformat(), end=today.isoformat()))
    assert response.status_code == 200


def test_one_missing_date_takes_its_default(as_parent, baby, today):
    response = as_parent.get(report_url(baby, start=(today - timedelta(days=3)).isoformat()))
    assert response.status_code == 200
    report = response.context["report"]
    assert (report.start, report.end) == (today - timedelta(days=3), today)


def test_another_family_gets_404(client, outsider, baby, four_weeks):
    client.force_login(outsider)
    assert client.get(report_url(baby)).status_code == 404


def test_caregiver_can_see_the_report(client, caregiver, baby, four_weeks):
    client.force_login(caregiver)
    assert client.get(report_url(baby)).status_code == 200


def test_anonymous_visitors_are_sent_to_log_in(client, baby):
    response = client.get(report_url(baby))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_report_prints_without_inline_script_or_style(as_parent, baby, four_weeks):
    html = as_parent.get(report_url(baby)).content.decode()
    assert "css/report.css" in html
    assert "js/print.js" in html
    assert "data-print hidden" in html, "the Print button waits for print.js"
    assert "data-print-hint" in html, "without JavaScript the page says how to print"
    assert "style=" not in html
    assert "onclick" not in html
    for script in re.findall(r"<script\b[^>]*>(.*?)</script>", html, flags=re.S):
        assert script.strip() == "", "no inline script (CSP)"


def test_report_query_count_does_not_grow_with_the_history(
    client, parent, baby, steps, today, django_assert_max_num_queries
):
    session = massage(baby, steps, at(today - timedelta(days=1)))
    cues(session, steps[0], "smiling")
    client.force_login(parent)
    url = report_url(baby, start=(today - timedelta(days=200)).isoformat(), end=today.isoformat())
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    for day in range(2, 40):
        session = massage(baby, steps, at(today - timedelta(days=day)), note=f"day {day}")
        cues(session, steps[day % 3], "smiling", "squirming", "cooing")
    with django_assert_max_num_queries(len(one)):
        response = client.get(url)
    assert response.context["report"].session_count == 39
