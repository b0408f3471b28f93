"""The family's review of an ended massage is drawn once and kept in the cache
(`cues.pages.family_review_page`), under a key made of everything it shows: kept or drawn afresh,
the page is the same, in English and in Spanish, and it changes as soon as anything it shows does
(a note, an undone cue, the baby's name, an instructor's word and its reply)."""

import re

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cues import pages, services
from cues.models import CueEvent, InstructorNote
from sessions.models import Outcome
from tests.cues.test_word_back import instructor, taught, write  # noqa: F401 (fixtures)
from tests.factories import (
    CueEventFactory,
    MassageSessionFactory,
    StepVisitFactory,
    routine_with_areas,
)

HTMX = {"HTTP_HX_REQUEST": "true"}
TOKENS = re.compile(r'(csrfmiddlewaretoken" value=|X-CSRFToken": |nonce=)"[^"]+"')


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def session(baby, parent):
    routine = routine_with_areas(["legs", "tummy", "arms"], title="Short calm")
    steps = list(routine.steps.order_by("order"))
    session = MassageSessionFactory(routine=routine, baby=baby, started_by=parent)
    for index, step in enumerate(steps):
        StepVisitFactory(session=session, step=step, seconds=30, skipped=index == 2)
    notes = ["", 'Loved it: "more" <b>please</b> & again', "Fussed a bit"]
    kinds = ["smiling", "squirming", "crying"]
    for k in range(9):
        CueEventFactory(
            session=session,
            step=steps[k % 3],
            kind=kinds[k % 3],
            seconds_into_session=5 + 10 * k,
            note=notes[k % 3],
        )
    session.finish(outcome=Outcome.COMPLETED, at=timezone.now())
    return session


@pytest.fixture
def drawn(monkeypatch):
    """How many times the review was drawn (rather than taken from the cache)."""
    calls = []
    real = pages.review_page

    def counting(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(pages, "review_page", counting)
    return calls


def url(session):
    return reverse("cues:session-review", args=[session.pk])


def page(client, session):
    response = client.get(url(session))
    assert response.status_code == 200
    return response.content.decode()


def same(html):
    """The page without what changes on every request: the CSRF token and the scripts' nonce."""
    return TOKENS.sub("", html)


def afresh(client, session, monkeypatch):
    """The page as the view drew it before it kept anything: the whole template, no cache."""
    with monkeypatch.context() as patch:
        patch.setattr(pages, "family_review_page", lambda session: pages.review_page(session))
        return same(page(client, session))


@pytest.mark.parametrize("language", ["en", "es"])
def test_the_kept_review_is_the_review_drawn_afresh(
    as_parent, parent, session, language, drawn, monkeypatch
):
    parent.language = language
    parent.save(update_fields=["language"])
    first = page(as_parent, session)
    kept = page(as_parent, session)
    assert len(drawn) == 1  # the second came from the cache
    assert f'<html lang="{language}"' in kept
    assert kept.count('class="cue-line ') == 9
    assert "Loved it: &quot;more&quot; &lt;b&gt;please&lt;/b&gt; &amp; again" in kept
    assert same(first) == same(kept) == afresh(as_parent, session, monkeypatch)


def test_each_language_has_its_own(as_parent, parent, session, drawn, monkeypatch):
    parent.language = "en"
    parent.save(update_fields=["language"])
    english = same(page(as_parent, session))
    parent.language = "es"
    parent.save(update_fields=["language"])
    spanish = same(page(as_parent, session))
    assert len(drawn) == 2
    assert spanish != english
    assert "Looking back" in english and "Looking back" not in spanish
    parent.language = "en"
    parent.save(update_fields=["language"])
    assert same(page(as_parent, session)) == english
    assert len(drawn) == 2  # both kept
    parent.language = "es"
    parent.save(update_fields=["language"])
    assert spanish == afresh(as_parent, session, monkeypatch)


def test_each_time_zone_has_its_own(as_parent, session, drawn, monkeypatch):
    as_parent.cookies["tz"] = "UTC"
    utc = same(page(as_parent, session))
    as_parent.cookies["tz"] = "Asia/Kathmandu"  # +5:45: no time of day reads the same
    kathmandu = same(page(as_parent, session))
    assert len(drawn) == 2 and kathmandu != utc
    assert kathmandu == afresh(as_parent, session, monkeypatch)


def test_every_form_carries_this_requests_token_and_works_without_javascript(parent, session):
    client = Client(enforce_csrf_checks=True)
    client.force_login(parent)
    page(client, session)  # drawn and kept
    kept = page(client, session)
    tokens = re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', kept)
    assert kept.count('class="note-form"') == 9
    assert len(tokens) >= 9  # each note form's, and the site bar's
    # One token for the whole page, as {% csrf_token %} draws it: the request's.
    assert set(tokens) == set(re.findall(r'X-CSRFToken": "([^"]+)"', kept))
    assert len(set(tokens)) == 1
    cue = CueEvent.objects.filter(session=session).order_by("seconds_into_session").first()
    note = reverse("cues:cue-note", args=[session.pk, cue.client_id])
    response = client.post(note, {"note": "Calm at once", "csrfmiddlewaretoken": tokens[0]})
    assert response.status_code == 302
    assert 'value="Calm at once"' in page(client, session)


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["form", "htmx"])
def test_a_note_saved_shows_at_once(as_parent, session, headers, monkeypatch):
    page(as_parent, session)
    cue = CueEvent.objects.filter(session=session).order_by("seconds_into_session").first()
    note = reverse("cues:cue-note", args=[session.pk, cue.client_id])
    assert as_parent.post(note, {"note": "Liked the warm oil"}, **headers).status_code in (200, 302)
    page(as_parent, session)  # drawn again (and says "Note saved." without JavaScript)
    kept = same(page(as_parent, session))
    assert 'value="Liked the warm oil"' in kept
    assert kept == afresh(as_parent, session, monkeypatch)


def test_a_cue_taken_back_leaves_at_once(as_parent, session, monkeypatch):
    late = CueEventFactory(
        session=session,
        step=None,
        body_area="legs",
        stroke="Late one",
        kind="yawning",
        seconds_into_session=100,
    )
    assert page(as_parent, session).count('class="cue-line ') == 10
    services.cue_undo(cue=late)
    kept = same(page(as_parent, session))
    assert kept.count('class="cue-line ') == 9 and "Late one" not in kept
    assert kept == afresh(as_parent, session, monkeypatch)


def test_the_babys_new_name_shows_at_once(as_parent, session):
    page(as_parent, session)
    session.baby.name = "Maximilian"
    session.baby.save(update_fields=["name"])
    assert "Maximilian" in page(as_parent, session)


def test_an_instructors_word_and_its_reply_show_at_once(
    client,
    instructor,  # noqa: F811
    taught,  # noqa: F811
    monkeypatch,
):
    session, parent = taught["session"], taught["parent"]
    client.force_login(parent)
    assert "A word from your instructor" not in page(client, session)
    write(client, instructor, taught, "Great pace", on_session=True)
    client.force_login(parent)
    assert "Great pace" in page(client, session)
    note = InstructorNote.objects.get()
    client.post(reverse("cues:note-reply", args=[note.pk]), {"text": "Thanks a lot"})
    page(client, session)  # drawn again, with "Reply sent."
    kept = same(page(client, session))
    assert "Thanks a lot" in kept
    assert reverse("cues:note-reply", args=[note.pk]) not in kept  # the reply form has gone
    assert kept == afresh(client, session, monkeypatch)


def test_an_instructors_new_name_shows_at_once(
    client,
    instructor,  # noqa: F811
    taught,  # noqa: F811
):
    session, parent = taught["session"], taught["parent"]
    write(client, instructor, taught, "Great pace", on_session=True)
    client.force_login(parent)
    assert "Ana Lopes" in page(client, session)
    instructor.display_name = "Ana Lopes Ruiz"
    instructor.save(update_fields=["display_name"])
    assert "Ana Lopes Ruiz" in page(client, session)


def test_a_step_changed_since_shows_at_once(as_parent, session, monkeypatch):
    page(as_parent, session)
    visit = session.visits.order_by("order").first()
    visit.seconds = 95
    visit.save(update_fields=["seconds"])
    kept = same(page(as_parent, session))
    assert "1:35" in kept
    assert kept == afresh(as_parent, session, monkeypatch)


def test_a_massage_still_going_is_drawn_every_time(as_parent, baby, parent, drawn):
    routine = routine_with_areas(["legs"])
    running = MassageSessionFactory(routine=routine, baby=baby, started_by=parent)
    CueEventFactory(session=running, step=routine.steps.get(), seconds_into_session=3)
    page(as_parent, running)
    page(as_parent, running)
    assert len(drawn) == 2


def test_a_kept_review_is_still_only_its_familys(client, as_parent, outsider, session):
    page(as_parent, session)
    client.force_login(outsider)
    assert client.get(url(session)).status_code == 404
