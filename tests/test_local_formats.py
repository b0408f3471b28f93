"""Dates, weekdays and numbers follow the page's language; the numbers drawn into SVG never do."""

import re
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from sessions.models import Outcome, weekdays_in_words
from tests.factories import (
    CueEventFactory,
    MassageSessionFactory,
    StepVisitFactory,
    routine_with_areas,
)

SVG = re.compile(r"<svg\b.*?</svg>", re.S)
GEOMETRY = re.compile(r'\b(x|y|x1|x2|y1|y2|cx|cy|r|rx|width|height)="([^"]*)"')


@pytest.fixture
def reviewed(baby, parent):
    """An ended massage whose legs had one happy cue and two unsettled ones: bars of a third."""
    routine = routine_with_areas(["legs"], title="Evening calm")
    legs = routine.steps.get()
    session = MassageSessionFactory(
        routine=routine,
        baby=baby,
        started_by=parent,
        started_at=timezone.now() - timedelta(minutes=10),
    )
    StepVisitFactory(session=session, step=legs, seconds=60)
    for kind, at in (("smiling", 10), ("squirming", 20), ("frowning", 30)):
        CueEventFactory(session=session, step=legs, kind=kind, seconds_into_session=at)
    session.finish(outcome=Outcome.COMPLETED)
    return session


@pytest.mark.parametrize("language", ["en", "es"])
def test_the_reviews_drawings_keep_a_decimal_point_in_every_language(
    client, parent, reviewed, language
):
    client.force_login(parent)
    page = client.get(
        reverse("cues:session-review", args=[reviewed.pk]), HTTP_ACCEPT_LANGUAGE=language
    )
    assert page.status_code == 200
    drawings = SVG.findall(page.content.decode())
    values = [value for svg in drawings for _name, value in GEOMETRY.findall(svg)]
    assert any("." in value for value in values), "no fractional position drawn: the test is idle"
    for value in values:
        float(value.removesuffix("%"))  # "33,3" would raise: SVG has no decimal comma


def test_long_dates_read_as_each_language_writes_them(client, parent, baby):
    baby.birth_date = date(2026, 3, 5)
    baby.save()
    client.force_login(parent)
    url = reverse("cues:baby-report", args=[baby.pk])
    english = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    spanish = client.get(url, HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "5 March 2026" in english
    assert "5 de marzo de 2026" in spanish


def test_weekdays_are_named_as_a_whole_word_in_each_language():
    mondays_and_saturdays = 0b010_0001
    with translation.override("en"):
        assert weekdays_in_words(mondays_and_saturdays) == "Mondays and Saturdays"
    with translation.override("es"):
        assert weekdays_in_words(mondays_and_saturdays) == "los lunes y los sábados"


def test_short_dates_are_written_in_each_languages_case(client, parent, reviewed):
    reviewed.started_at = reviewed.started_at.replace(month=12, day=1)
    reviewed.save()
    client.force_login(parent)
    url = reverse("cues:session-review", args=[reviewed.pk])
    english = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    spanish = client.get(url, HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert re.search(r"\b1 Dec, \d\d:\d\d", english)
    assert re.search(r"\b1 dic, \d\d:\d\d", spanish)
