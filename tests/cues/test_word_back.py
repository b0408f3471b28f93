"""A word back: an instructor's short note to a family, on the family or on one massage, and the
family's one reply. Not a chat."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cues.models import InstructorNote
from massage.models import Membership, Scope
from tests.cues.test_teaching_dashboard import massage, taught_family
from tests.factories import BabyFactory, InstructorFactory, UserFactory, routine_with_areas

CONFLICT = 409
INVALID = 422


@pytest.fixture
def instructor(db):
    return InstructorFactory(display_name="Ana Lopes")


@pytest.fixture
def taught(instructor):
    family, link = taught_family(instructor, Scope.CUES)
    parent = family.memberships.get().user
    session = massage(BabyFactory(family=family, name="Ada"), routine_with_areas(["legs"]))
    return {"family": family, "link": link, "parent": parent, "session": session}


def write(client, instructor, taught, text, *, on_session=False):
    client.force_login(instructor)
    family = taught["family"].pk
    if on_session:
        url = reverse("cues:teaching-session-note", args=[family, taught["session"].pk])
    else:
        url = reverse("cues:teaching-note", args=[family])
    return client.post(url, {"text": text})


def test_a_word_on_the_family_shows_on_its_today_and_gets_one_reply(client, instructor, taught):
    response = write(client, instructor, taught, "Lovely that she settled with resting hands")
    assert response.status_code == 302
    note = InstructorNote.objects.get()
    assert note.session is None and note.family == taught["family"]
    client.force_login(taught["parent"])
    today = client.get(reverse("today")).content.decode()
    assert "Lovely that she settled with resting hands" in today
    assert "Ana Lopes" in today
    assert reverse("cues:note-reply", args=[note.pk]) in today
    response = client.post(reverse("cues:note-reply", args=[note.pk]), {"text": "Thank you!"})
    assert response.status_code == 302
    note.refresh_from_db()
    assert note.reply == "Thank you!" and note.replied_by == taught["parent"]
    today = client.get(reverse("today")).content.decode()
    assert "Thank you!" in today
    assert reverse("cues:note-reply", args=[note.pk]) not in today  # no second form


def test_a_second_reply_is_refused_and_the_first_stays(client, instructor, taught):
    write(client, instructor, taught, "Well done this week")
    note = InstructorNote.objects.get()
    caregiver = UserFactory()
    Membership.objects.create(
        family=taught["family"], user=caregiver, role=Membership.Role.CAREGIVER
    )
    client.force_login(caregiver)
    url = reverse("cues:note-reply", args=[note.pk])
    assert client.post(url, {"text": "Thanks from Grandma"}).status_code == 302
    client.force_login(taught["parent"])
    response = client.post(url, {"text": "And from me"})
    assert response.status_code == CONFLICT
    assert "one reply" in response.content.decode()
    note.refresh_from_db()
    assert note.reply == "Thanks from Grandma"


def test_a_word_on_a_massage_shows_on_the_familys_review(client, instructor, taught):
    assert write(client, instructor, taught, "Great pace", on_session=True).status_code == 302
    note = InstructorNote.objects.get()
    assert note.session == taught["session"]
    # The instructor sees what was said on their own view of the review.
    review = reverse("cues:teaching-session", args=[taught["family"].pk, taught["session"].pk])
    assert "Great pace" in client.get(review).content.decode()
    client.force_login(taught["parent"])
    page = client.get(reverse("cues:session-review", args=[taught["session"].pk])).content.decode()
    assert "A word from your instructor" in page and "Great pace" in page
    response = client.post(reverse("cues:note-reply", args=[note.pk]), {"text": "Thanks"})
    assert response.url.endswith("#word-back")


@pytest.mark.parametrize("text", ["", "   ", "x" * 100_000])
def test_an_empty_or_huge_word_is_refused_and_nothing_is_saved(client, instructor, taught, text):
    for on_session in (False, True):
        response = write(client, instructor, taught, text, on_session=on_session)
        assert response.status_code == INVALID
        body = response.content.decode()
        assert "Write a few words first." in body or "at most 500 characters" in body
    assert not InstructorNote.objects.exists()


@pytest.mark.parametrize("text", ["", "x" * 100_000])
def test_an_empty_or_huge_reply_is_refused_and_the_note_is_unchanged(
    client, instructor, taught, text
):
    write(client, instructor, taught, "Keep going")
    note = InstructorNote.objects.get()
    client.force_login(taught["parent"])
    response = client.post(reverse("cues:note-reply", args=[note.pk]), {"text": text})
    assert response.status_code == INVALID
    note.refresh_from_db()
    assert note.reply == "" and note.replied_at is None


def test_a_family_sharing_practice_only_gets_words_on_the_family_not_on_massages(
    client, instructor, taught
):
    member = taught["parent"]
    taught["link"].consents.create(scope=Scope.PRACTICE, changed_by=member)
    assert write(client, instructor, taught, "Nice week").status_code == 302
    assert write(client, instructor, taught, "Nice one", on_session=True).status_code == 404
    assert InstructorNote.objects.count() == 1


def test_today_costs_the_same_queries_however_many_words(
    client, instructor, taught, django_assert_max_num_queries
):
    write(client, instructor, taught, "One")
    client.force_login(taught["parent"])
    with CaptureQueriesContext(connection) as first:
        assert "One" in client.get(reverse("today")).content.decode()
    ceiling = len(first.captured_queries)
    for n in range(6):
        write(client, instructor, taught, f"Word {n}", on_session=n % 2 == 0)
    client.force_login(taught["parent"])
    with django_assert_max_num_queries(ceiling):
        page = client.get(reverse("today")).content.decode()
    assert "Word 5" in page
