"""An instructor looking into a family's reviews and a baby's history: exactly as far as the
family's consent goes, read only, on the very next request after a parent changes it."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from massage.models import Consent, Scope
from tests.cues.test_teaching_dashboard import massage, taught_family
from tests.factories import BabyFactory, CueEventFactory, InstructorFactory, routine_with_areas
from tests.markup import elements


@pytest.fixture
def instructor(db):
    return InstructorFactory()


@pytest.fixture
def shared(instructor):
    """A family sharing its cues, a baby, and one massage with a cue carrying a note."""
    family, link = taught_family(instructor, Scope.CUES)
    baby = BabyFactory(family=family, name="Ada")
    session = massage(baby, routine_with_areas(["legs", "feet"]), cues=["smiling"])
    session.note = "She dozed off at the feet"
    session.save(update_fields=["note"])
    cue = session.cues.get()
    cue.note = "Big smile on the leg strokes"
    cue.save(update_fields=["note"])
    return {"family": family, "link": link, "baby": baby, "session": session}


def review_url(shared):
    return reverse("cues:teaching-session", args=[shared["family"].pk, shared["session"].pk])


def history_url(shared):
    return reverse("cues:teaching-baby-history", args=[shared["family"].pk, shared["baby"].pk])


def share(shared, scope):
    member = shared["family"].memberships.get()
    Consent.objects.create(link=shared["link"], scope=scope, changed_by=member.user)


def test_the_review_shows_the_cues_but_no_notes_and_no_forms(client, instructor, shared):
    client.force_login(instructor)
    response = client.get(review_url(shared))
    assert response.status_code == 200
    text = response.content.decode()
    assert "Smiling" in text
    assert "Big smile on the leg strokes" not in text
    assert "She dozed off at the feet" not in text
    assert "Its notes stay private." in text
    assert not elements(text, "form", **{"class": "note-form"})
    assert reverse("sessions:session-summary", args=[shared["session"].pk]) not in text
    assert "Before you started" not in text  # the safety answers stay with the family
    assert history_url(shared) in text  # back to the baby's history as the instructor sees it
    client.force_login(shared["family"].memberships.get().user)  # the family's own review
    own = client.get(reverse("cues:session-review", args=[shared["session"].pk])).content.decode()
    assert elements(own, "form", **{"class": "note-form"})
    assert "Big smile on the leg strokes" in own


def test_with_everything_shared_the_notes_show_but_still_no_forms(client, instructor, shared):
    share(shared, Scope.EVERYTHING)
    client.force_login(instructor)
    text = client.get(review_url(shared)).content.decode()
    assert "Big smile on the leg strokes" in text
    assert "She dozed off at the feet" in text
    assert "The family's note" in text
    assert not elements(text, "form", **{"class": "note-form"})


def test_the_history_links_to_the_instructors_reviews_only(client, instructor, shared):
    client.force_login(instructor)
    response = client.get(history_url(shared))
    assert response.status_code == 200
    text = response.content.decode()
    assert "Ada's massages" in text
    assert review_url(shared) in text
    assert reverse("cues:session-review", args=[shared["session"].pk]) not in text
    assert reverse("cues:baby-report", args=[shared["baby"].pk]) not in text
    assert reverse("cues:teaching-family", args=[shared["family"].pk]) in text


@pytest.mark.parametrize("url", [review_url, history_url])
def test_practice_only_answers_404_saying_what_the_family_shares(client, instructor, shared, url):
    share(shared, Scope.PRACTICE)
    client.force_login(instructor)
    response = client.get(url(shared))
    assert response.status_code == 404
    text = response.content.decode()
    assert "Not shared with you" in text
    assert "Practice only" in text or "practice only" in text.lower()
    assert "Smiling" not in text and "Ada's massages" not in text


@pytest.mark.parametrize("url", [review_url, history_url])
def test_narrowing_then_stopping_counts_on_the_very_next_request(client, instructor, shared, url):
    client.force_login(instructor)
    assert client.get(url(shared)).status_code == 200
    share(shared, Scope.PRACTICE)
    assert client.get(url(shared)).status_code == 404
    share(shared, Scope.CUES)
    assert client.get(url(shared)).status_code == 200
    share(shared, Scope.REVOKED)
    response = client.get(url(shared))
    assert response.status_code == 404
    assert "Not shared with you" not in response.content.decode()  # nothing said of the family


def test_a_massage_or_baby_of_another_family_is_404_even_through_a_shared_one(
    client, instructor, shared
):
    other_family, _link = taught_family(instructor, Scope.EVERYTHING, name="The Hills")
    other_baby = BabyFactory(family=other_family)
    other_session = massage(other_baby, routine_with_areas(["legs"]))
    client.force_login(instructor)
    family = shared["family"].pk
    assert (
        client.get(reverse("cues:teaching-session", args=[family, other_session.pk])).status_code
        == 404
    )
    assert (
        client.get(reverse("cues:teaching-baby-history", args=[family, other_baby.pk])).status_code
        == 404
    )


def test_the_familys_page_links_to_reviews_only_when_it_shares_cues(client, instructor, shared):
    client.force_login(instructor)
    family_url = reverse("cues:teaching-family", args=[shared["family"].pk])
    text = client.get(family_url).content.decode()
    assert review_url(shared) in text and history_url(shared) in text
    share(shared, Scope.PRACTICE)
    text = client.get(family_url).content.decode()
    assert review_url(shared) not in text and history_url(shared) not in text


def test_an_instructors_look_changes_nothing(client, instructor, shared):
    """The parent's history closes massages left running; the instructor's look never writes."""
    running = massage(shared["baby"], routine_with_areas(["legs"]), days_ago=2)
    running.outcome = ""
    running.ended_at = None
    running.save(update_fields=["outcome", "ended_at"])
    client.force_login(instructor)
    assert client.get(history_url(shared)).status_code == 200
    running.refresh_from_db()
    assert running.ended_at is None


def test_the_history_costs_the_same_queries_however_many_massages(
    client, instructor, shared, django_assert_max_num_queries
):
    client.force_login(instructor)
    routine = routine_with_areas(["legs", "feet"])
    with CaptureQueriesContext(connection) as few:
        client.get(history_url(shared))
    ceiling = len(few.captured_queries)
    for days in range(1, 25):
        session = massage(shared["baby"], routine, days_ago=days)
        CueEventFactory(session=session, kind="cooing")
    with django_assert_max_num_queries(ceiling):
        assert client.get(history_url(shared)).status_code == 200
