"""The instructor's dashboard: each family as far as it shares, in a fixed number of queries."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import strip_tags

from cues.teaching import FAMILIES_PER_PAGE, dashboard
from massage.models import Consent, InstructorLink, Scope
from sessions.models import Outcome
from tests.factories import (
    BabyFactory,
    CueEventFactory,
    InstructorFactory,
    MassageSessionFactory,
    MembershipFactory,
    StepVisitFactory,
    routine_with_areas,
)
from tests.markup import attribute, elements

URL = reverse("cues:teaching-dashboard")


@pytest.fixture
def instructor(db):
    return InstructorFactory()


@pytest.fixture
def routine(db):
    return routine_with_areas(["legs", "feet"])


def taught_family(instructor, scope, name="The Rivers"):
    membership = MembershipFactory(family__name=name)
    link = InstructorLink.objects.create(instructor=instructor, family=membership.family)
    Consent.objects.create(link=link, scope=scope, changed_by=membership.user)
    return membership.family, link


def massage(baby, routine, *, days_ago=0, cues=(), started=None):
    started = started or timezone.now() - timedelta(days=days_ago, minutes=20)
    session = MassageSessionFactory(
        baby=baby,
        routine=routine,
        started_at=started,
        ended_at=started + timedelta(minutes=10),
        outcome=Outcome.COMPLETED,
    )
    StepVisitFactory(session=session)
    for kind in cues:
        CueEventFactory(session=session, kind=kind)
    return session


def page(client, user):
    client.force_login(user)
    response = client.get(URL)
    assert response.status_code == 200
    return response.content.decode()


def test_a_family_sharing_practice_shows_its_massages_but_no_cues(client, instructor, routine):
    family, _link = taught_family(instructor, Scope.PRACTICE)
    baby = BabyFactory(family=family, name="Ada")
    massage(baby, routine, cues=["smiling", "crying"])
    text = page(client, instructor)
    assert "The Rivers" in text and "Ada" in text
    assert "not shared" in text
    assert "50%" not in text


def test_a_family_sharing_cues_shows_how_much_the_baby_enjoys_it(client, instructor, routine):
    family, _link = taught_family(instructor, Scope.CUES)
    baby = BabyFactory(family=family)
    massage(baby, routine, cues=["smiling", "eye_contact", "cooing", "crying"])
    assert "75%" in page(client, instructor)


def test_narrowing_or_stopping_counts_on_the_very_next_request(client, instructor, routine):
    family, link = taught_family(instructor, Scope.CUES)
    massage(BabyFactory(family=family), routine, cues=["smiling"])
    assert "100%" in page(client, instructor)
    Consent.objects.create(link=link, scope=Scope.PRACTICE)
    text = page(client, instructor)
    assert "100%" not in text and "The Rivers" in text
    Consent.objects.create(link=link, scope=Scope.REVOKED)
    text = page(client, instructor)
    assert "The Rivers" not in text
    assert "1 family stopped sharing with you." in text


def test_another_instructors_families_and_unlinked_ones_are_not_shown(client, instructor):
    taught_family(InstructorFactory(), Scope.EVERYTHING, name="The Others")
    MembershipFactory(family__name="The Strangers")
    text = page(client, instructor)
    assert "The Others" not in text and "The Strangers" not in text
    assert "No family shares with you yet" in text


def test_the_weeks_count_massages_done_not_sessions_left_at_once(client, instructor, routine):
    family, _link = taught_family(instructor, Scope.PRACTICE)
    baby = BabyFactory(family=family)
    massage(baby, routine)
    massage(baby, routine, days_ago=8)
    started = timezone.now() - timedelta(minutes=5)
    MassageSessionFactory(  # ended in its first seconds: not a massage
        baby=baby,
        routine=routine,
        started_at=started,
        ended_at=started,
        outcome=Outcome.ENDED_EARLY,
    )
    row = dashboard(instructor)["rows"][0]
    assert row["this_week"] == 1
    assert sum(count for _monday, count in row["weeks"]) == 2


def test_a_parent_who_is_not_an_instructor_gets_403(client, db):
    member = MembershipFactory()
    client.force_login(member.user)
    assert client.get(URL).status_code == 403


@pytest.mark.parametrize("families", [5, 200])
def test_the_dashboard_costs_the_same_queries_however_many_families(
    client, instructor, routine, families, django_assert_max_num_queries
):
    for n in range(families):
        family, _link = taught_family(instructor, Scope.CUES if n % 2 else Scope.PRACTICE, f"F{n}")
        massage(BabyFactory(family=family), routine, cues=["smiling"])
    client.force_login(instructor)
    # Session and user, the count and the page of links with their families and consents, the
    # babies, the massages and their cues, the assignments' four, the links in all (for those
    # that stopped sharing), the classes for the filter: the same for 5 or 200 families.
    with django_assert_max_num_queries(13):
        response = client.get(URL)
    assert len(elements(response.content.decode(), "th", scope="row")) == min(
        families, FAMILIES_PER_PAGE
    )


def row_names(text):
    return [strip_tags(cell).strip() for cell in elements(text, "th", scope="row")]


def test_families_come_a_page_at_a_time_each_once_in_name_order(client, instructor, routine):
    names = [f"The {n:03d}s" for n in range(2 * FAMILIES_PER_PAGE + 10)]
    for name in reversed(names):
        taught_family(instructor, Scope.PRACTICE, name)
    client.force_login(instructor)
    seen = []
    for number in (1, 2, 3):
        text = client.get(URL, {"page": number}).content.decode()
        seen += row_names(text)
    assert seen == names
    first = client.get(URL).content.decode()
    assert f"Families 1\N{EN DASH}{FAMILIES_PER_PAGE} of {len(names)}" in first
    (pager,) = elements(first, "nav", **{"class": "pager"})
    assert attribute(elements(pager, "a")[0], "href") == "?page=2"
    # A page past the end shows the last one; nonsense shows the first.
    assert row_names(client.get(URL, {"page": 99}).content.decode()) == names[-10:]
    assert row_names(client.get(URL, {"page": "x"}).content.decode()) == names[:FAMILIES_PER_PAGE]


def test_searching_finds_families_by_name_and_the_pager_keeps_the_search(client, instructor):
    for n in range(FAMILIES_PER_PAGE + 10):
        taught_family(instructor, Scope.PRACTICE, f"The Rivers {n:02d}")
    taught_family(instructor, Scope.PRACTICE, "The Oaks")
    client.force_login(instructor)
    text = client.get(URL, {"q": "  oaks "}).content.decode()
    assert row_names(text) == ["The Oaks"]
    rivers = client.get(URL, {"q": "rivers"}).content.decode()
    assert len(row_names(rivers)) == FAMILIES_PER_PAGE
    assert f"Families 1\N{EN DASH}{FAMILIES_PER_PAGE} of {FAMILIES_PER_PAGE + 10}" in rivers
    (pager,) = elements(rivers, "nav", **{"class": "pager"})
    assert attribute(elements(pager, "a")[0], "href") == "?q=rivers&page=2"
    nothing = client.get(URL, {"q": "willows"}).content.decode()
    assert "No family you teach matches that." in nothing


def test_a_search_too_long_is_400_and_says_so(client, instructor):
    taught_family(instructor, Scope.PRACTICE, "The Oaks")
    client.force_login(instructor)
    response = client.get(URL, {"q": "a" * 101})
    assert response.status_code == 400
    assert "Search with at most 100 characters." in response.content.decode()


def test_only_the_shown_page_is_flagged_and_counted(client, instructor, routine):
    """A family on the second page keeps its flags and counts when its page is shown."""
    for n in range(FAMILIES_PER_PAGE + 5):
        taught_family(instructor, Scope.CUES, f"The {n:02d}s")
    family, _link = taught_family(instructor, Scope.CUES, "The Zebras")
    baby = BabyFactory(family=family)
    for days_ago in (1, 2, 3):
        session = massage(baby, routine, days_ago=days_ago, cues=["smiling"])
        session.outcome = Outcome.BABY_LED_END
        session.save(update_fields=["outcome"])
    client.force_login(instructor)
    assert "baby-led ends" not in client.get(URL).content.decode()
    second = client.get(URL, {"page": 2}).content.decode()
    assert "The last 3 massages were baby-led ends." in second
    assert "100%" in second


def test_flags_say_what_is_worth_a_look_and_why(client, instructor, routine):
    from massage.services import teaching as teaching_services

    family, link = taught_family(instructor, Scope.CUES)
    baby = BabyFactory(family=family)
    teaching_services.assignment_create(
        instructor=instructor,
        routine=routine,
        family=family,
        times_per_week=3,
        starts_on=timezone.localdate() - timedelta(days=20),
    )
    for days_ago in (9, 10, 11):
        session = massage(baby, routine, days_ago=days_ago)
        session.outcome = Outcome.BABY_LED_END
        session.save(update_fields=["outcome"])
    Consent.objects.create(link=link, scope=Scope.PRACTICE)
    text = page(client, instructor)
    assert "A routine is assigned, and no massage for 9 days." in text
    assert "The last 3 massages were baby-led ends." in text
    assert "Shares less with you since" in text


def test_a_family_doing_well_has_no_flags(client, instructor, routine):
    family, _link = taught_family(instructor, Scope.CUES)
    massage(BabyFactory(family=family), routine, cues=["smiling"])
    assert "teaching-flags" not in page(client, instructor)


def test_engagement_falling_two_weeks_running_is_flagged(client, instructor, routine):
    family, _link = taught_family(instructor, Scope.CUES)
    baby = BabyFactory(family=family)
    now = timezone.localtime()
    this_monday = now.replace(hour=0, minute=0, second=0, microsecond=0) - timedelta(
        days=now.weekday()
    )
    # Two weeks ago all enjoying, last week half, this week none: each a minute into its week
    # (this week's no later than now).
    for weeks_back, kinds in (
        (2, ["smiling", "cooing"]),
        (1, ["smiling", "crying"]),
        (0, ["crying"]),
    ):
        started = this_monday - timedelta(weeks=weeks_back) + timedelta(minutes=1)
        massage(baby, routine, started=min(started, now - timedelta(minutes=2)), cues=kinds)
    assert "Enjoying it less, two weeks running." in page(client, instructor)


def test_the_engagement_share_is_drawn_week_by_week_only_where_cues_are_shared(
    client, instructor, routine
):
    now = timezone.localtime()
    this_monday = now.replace(hour=0, minute=0, second=0, microsecond=0) - timedelta(
        days=now.weekday()
    )
    for scope, name in ((Scope.CUES, "The Rivers"), (Scope.PRACTICE, "The Oaks")):
        family, _link = taught_family(instructor, scope, name=name)
        baby = BabyFactory(family=family)
        for weeks_back, kinds in ((2, ["smiling", "cooing"]), (0, ["smiling", "crying"])):
            started = this_monday - timedelta(weeks=weeks_back) + timedelta(minutes=1)
            massage(baby, routine, started=min(started, now - timedelta(minutes=2)), cues=kinds)
    text = page(client, instructor)
    (trend,) = elements(text, "svg", **{"class": "teaching-trend"})
    label = attribute(trend, "aria-label")
    weeks = label.split(": ", 1)[1].split(", ")
    assert [week.rsplit(" ", 1)[1] for week in weeks] == ["cues", "100%", "cues", "50%"]
    assert len(elements(trend, "circle")) == 2  # a point for each week with cues


def test_the_dashboard_shows_one_class_at_a_time(client, instructor):
    from massage.services import teaching as teaching_services

    _rivers, rivers_link = taught_family(instructor, Scope.PRACTICE, "The Rivers")
    taught_family(instructor, Scope.PRACTICE, "The Oaks")
    mornings = teaching_services.class_create(
        instructor=instructor, name="Mornings", starts_on=timezone.localdate(), meets_on=1
    )
    mornings.links.add(rivers_link)
    client.force_login(instructor)
    text = client.get(URL, {"class": mornings.pk}).content.decode()
    assert "The Rivers" in text and "The Oaks" not in text
    assert client.get(URL, {"class": "nope"}).status_code == 400
    other = teaching_services.class_create(
        instructor=InstructorFactory(), name="Theirs", starts_on=timezone.localdate(), meets_on=1
    )
    assert client.get(URL, {"class": other.pk}).status_code == 404


def family_url(family):
    return reverse("cues:teaching-family", args=[family.pk])


@pytest.mark.parametrize(
    "scope, sees_cues, sees_notes",
    [(Scope.PRACTICE, False, False), (Scope.CUES, True, False), (Scope.EVERYTHING, True, True)],
)
def test_a_familys_page_shows_exactly_what_it_shares(
    client, instructor, routine, scope, sees_cues, sees_notes
):
    family, _link = taught_family(instructor, scope)
    session = massage(BabyFactory(family=family, name="Ada"), routine, cues=["smiling"])
    session.note = "She loved the feet today."
    session.save(update_fields=["note"])
    client.force_login(instructor)
    response = client.get(family_url(family))
    assert response.status_code == 200
    text = response.content.decode()
    assert "Ada" in text and "Completed" in text
    assert f"This family shares: {scope.label}." in text
    assert ("signs of enjoying" in text) is sees_cues
    assert ("She loved the feet today." in text) is sees_notes


def test_a_family_that_stopped_sharing_or_was_never_taught_is_404(client, instructor):
    family, link = taught_family(instructor, Scope.EVERYTHING)
    stranger = MembershipFactory().family
    client.force_login(instructor)
    assert client.get(family_url(stranger)).status_code == 404
    Consent.objects.create(link=link, scope=Scope.REVOKED)
    assert client.get(family_url(family)).status_code == 404  # on the very next request


def test_a_familys_page_is_for_its_instructor_only(client, instructor):
    family, _link = taught_family(instructor, Scope.PRACTICE)
    member = family.memberships.get().user
    client.force_login(member)
    assert client.get(family_url(family)).status_code == 403
    client.force_login(InstructorFactory())
    assert client.get(family_url(family)).status_code == 404


def test_a_familys_page_costs_the_same_queries_however_many_massages(
    client, instructor, routine, django_assert_max_num_queries
):
    family, _link = taught_family(instructor, Scope.EVERYTHING)
    baby = BabyFactory(family=family)
    for days_ago in range(12):
        massage(baby, routine, days_ago=days_ago, cues=["smiling", "crying"])
    client.force_login(instructor)
    with django_assert_max_num_queries(10):
        response = client.get(family_url(family))
    (massages,) = elements(response.content.decode(), "ul", **{"class": "list session-list"})
    assert len(elements(massages, "li")) == 12


def test_the_last_massage_shows_even_when_it_was_weeks_ago(
    client, instructor, routine, django_assert_max_num_queries
):
    recent, _link = taught_family(instructor, Scope.PRACTICE, "The Oaks")
    massage(BabyFactory(family=recent), routine, days_ago=1)
    quiet, _link = taught_family(instructor, Scope.PRACTICE, "The Rivers")
    long_ago = massage(BabyFactory(family=quiet), routine, days_ago=60)
    taught_family(instructor, Scope.PRACTICE, "The Willows")
    client.force_login(instructor)
    with django_assert_max_num_queries(14):  # one more: the last massage of the quiet families
        text = client.get(URL).content.decode()
    rows = {strip_tags(cells[0]).strip(): cells for cells in row_cells(text)}
    assert strip_tags(rows["The Rivers"][2]).strip() == date_format(
        timezone.localtime(long_ago.started_at), "j M"
    )
    assert strip_tags(rows["The Willows"][2]).strip() == "none yet"


def row_cells(text):
    return [elements(row, "th") + elements(row, "td") for row in elements(text, "tr")[1:]]


def test_families_that_stopped_sharing_are_counted_whatever_is_searched(client, instructor):
    taught_family(instructor, Scope.PRACTICE, "The Oaks")
    for name in ("The Rivers", "The Willows"):
        _family, link = taught_family(instructor, Scope.CUES, name)
        Consent.objects.create(link=link, scope=Scope.REVOKED)
    client.force_login(instructor)
    for query in ({}, {"q": "oaks"}, {"q": "nobody"}):
        text = client.get(URL, query).content.decode()
        assert "2 families stopped sharing with you." in text, query
        assert "The Rivers" not in text and "The Willows" not in text
