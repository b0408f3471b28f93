"""The routine library: loading the seed routines, and the pages parents browse."""

import re
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.templatetags.static import static
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from massage.library_seed import LIBRARY
from massage.models import Routine, Step
from massage.services.library import STEP_FIELDS, library_load, routine_duplicate
from massage.templatetags.display import time_ago
from tests.factories import (
    BabyFactory,
    InstructorFactory,
    MembershipFactory,
    RoutineFactory,
    StepFactory,
)
from tests.markup import assert_in_html, attribute, elements, first_element

SVG_IMG = re.compile(r'<svg\b[^>]*\brole="img"')


def library_snapshot():
    """Every library routine with all its step fields, in a comparable form."""
    return {
        routine.slug: (
            routine.title,
            routine.summary,
            routine.min_age_months,
            routine.max_age_months,
            routine.uses_oil,
            routine.cautions,
            routine.published,
            sorted(routine.focus.values_list("slug", flat=True)),
            [
                (step.order, *(getattr(step, field) for field in STEP_FIELDS))
                for step in routine.steps.order_by("order")
            ],
        )
        for routine in Routine.objects.filter(author=None).order_by("slug")
    }


def titles_in(html):
    return re.findall(r'<h3><a href="/routines/[^"]+/(?:\?baby=\d+)?">([^<]+)</a></h3>', html)


# -- Loader --------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_loading_twice_gives_the_same_rows():
    first_counts = library_load()
    first = library_snapshot()
    routine_pks = sorted(Routine.objects.values_list("pk", flat=True))
    step_pks = sorted(Step.objects.values_list("pk", flat=True))

    second_counts = library_load()

    assert first_counts == {"created": len(LIBRARY), "updated": 0, "kept": 0}
    assert second_counts == {"created": 0, "updated": len(LIBRARY), "kept": 0}
    assert library_snapshot() == first
    assert Routine.objects.count() == len(LIBRARY)
    assert Step.objects.count() == sum(len(r["steps"]) for r in LIBRARY)
    assert sorted(Routine.objects.values_list("pk", flat=True)) == routine_pks
    assert sorted(Step.objects.values_list("pk", flat=True)) == step_pks


@pytest.mark.django_db
def test_loaded_rows_match_the_seed_data():
    library_load()
    for data in LIBRARY:
        routine = Routine.objects.get(slug=data["slug"])
        assert routine.is_library and routine.published
        assert routine.title == data["title"]
        assert routine.caution_list == data["cautions"]
        assert sorted(routine.focus.values_list("slug", flat=True)) == sorted(data["focus"])
        steps = list(routine.steps.order_by("order"))
        assert [s.order for s in steps] == list(range(1, len(data["steps"]) + 1))
        for step, step_data in zip(steps, data["steps"], strict=True):
            assert {f: getattr(step, f) for f in STEP_FIELDS} == {
                f: step_data[f] for f in STEP_FIELDS
            }


@pytest.mark.django_db
def test_reloading_restores_a_library_step_edited_in_the_database():
    library_load()
    before = library_snapshot()
    routine = Routine.objects.get(slug="newborn-first-touch")
    routine.steps.filter(order=3).update(stroke="Scribbled over", seconds=None, repetitions=2)
    Step.objects.filter(routine=routine, order=9).delete()
    StepFactory(routine=routine, stroke="An extra step")
    Routine.objects.filter(pk=routine.pk).update(title="Renamed", published=False)

    library_load()

    assert library_snapshot() == before
    assert not Step.objects.filter(stroke__in=["Scribbled over", "An extra step"]).exists()


@pytest.mark.django_db
def test_reloading_never_touches_an_instructors_copy():
    library_load()
    instructor = InstructorFactory()
    source = Routine.objects.get(slug="full-routine")
    copy = routine_duplicate(routine=source, author=instructor)
    copy.title = "My full routine"
    copy.save()
    copy.steps.filter(order=2).update(stroke="My own resting hands", seconds=40)
    copy.steps.filter(order=5).delete()
    copy_steps = list(copy.steps.order_by("order").values_list("order", "stroke", "seconds"))

    library_load()

    copy.refresh_from_db()
    assert copy.title == "My full routine"
    assert copy.author == instructor
    assert not copy.published
    assert list(copy.steps.order_by("order").values_list("order", "stroke", "seconds")) == (
        copy_steps
    )
    assert Routine.objects.filter(author=None).count() == len(LIBRARY)
    assert Routine.objects.filter(author=instructor).count() == 1


@pytest.mark.django_db
def test_load_library_command_reports_what_it_did():
    out = StringIO()
    call_command("load_library", stdout=out)
    assert out.getvalue().strip() == (
        f"Routine library: {len(LIBRARY)} created, 0 up to date, 0 kept as edited in the admin."
    )

    out = StringIO()
    call_command("load_library", stdout=out)
    assert out.getvalue().strip() == (
        f"Routine library: 0 created, {len(LIBRARY)} up to date, 0 kept as edited in the admin."
    )
    assert Routine.objects.count() == len(LIBRARY)


@pytest.mark.django_db
@pytest.mark.parametrize("slug", [r["slug"] for r in LIBRARY])
def test_every_seed_step_has_a_picture_and_the_first_asks_permission(client, slug):
    library_load()
    routine = Routine.objects.get(slug=slug)

    response = client.get(reverse("massage:routine-detail", args=[slug]))

    assert response.status_code == 200
    html = response.content.decode()
    steps = list(routine.steps.order_by("order"))
    assert len(SVG_IMG.findall(html)) == len(steps) > 0
    first_step_html = html.split('<li class="step-item">')[1]
    assert "Ask permission" in first_step_html
    assert steps[0].stroke == "Ask permission"
    assert steps[0].body_area == "whole_body"


def test_the_born_early_filter_finds_the_newborn_routine(client, db):
    library_load()

    response = client.get(reverse("massage:routine-list"), {"focus": "preterm_home"})

    assert response.status_code == 200
    assert titles_in(response.content.decode()) == ["Newborn first touch"]


# -- The list ------------------------------------------------------------------------------------


@pytest.fixture
def age_routines(db):
    """Three routines for different ages, so suggestions can be told apart."""
    return {
        "tiny": RoutineFactory(title="Tiny hands", min_age_months=0, max_age_months=1),
        "middle": RoutineFactory(title="Middle months", min_age_months=3, max_age_months=5),
        "older": RoutineFactory(title="Older wiggler", min_age_months=6, max_age_months=12),
    }


@pytest.fixture
def preterm_parent(db):
    """A parent whose only baby was born 16 weeks early, about 7 months ago (corrected: 3)."""
    membership = MembershipFactory()
    born = timezone.localdate() - timedelta(days=213)
    BabyFactory(
        family=membership.family, name="Leo", birth_date=born, due_date=born + timedelta(weeks=16)
    )
    return membership.user


def split_sections(html):
    suitable, _, others = html.partition("Made for other ages")
    return titles_in(suitable), titles_in(others)


def test_list_suggests_by_corrected_age_of_the_first_baby_and_keeps_the_others(
    client, age_routines, preterm_parent
):
    baby = preterm_parent.families.get().babies.get()
    assert baby.age_in_months() == 3
    assert baby.age_text() in {"6 months", "7 months"}
    client.force_login(preterm_parent)

    response = client.get(reverse("massage:routine-list"))

    assert response.status_code == 200
    html = response.content.decode()
    corrected = baby.corrected_age_text()
    assert f"Suited to Leo ({baby.age_text()} old, {corrected} corrected)" in html
    suitable, others = split_sections(html)
    assert suitable == ["Middle months"]
    assert others == ["Tiny hands", "Older wiggler"]
    assert_in_html(f'<option value="{baby.pk}" selected>Leo</option>', html)


def test_list_suggests_for_the_first_baby_and_another_baby_can_be_chosen(client, age_routines):
    membership = MembershipFactory()
    today = timezone.localdate()
    older = BabyFactory(
        family=membership.family, name="Ada", birth_date=today - timedelta(days=300)
    )
    BabyFactory(family=membership.family, name="Bo", birth_date=today - timedelta(days=10))
    client.force_login(membership.user)

    first = client.get(reverse("massage:routine-list")).content.decode()
    any_age = client.get(reverse("massage:routine-list"), {"baby": ""}).content.decode()

    assert older.age_in_months() >= 6
    assert split_sections(first) == (["Older wiggler"], ["Tiny hands", "Middle months"])
    assert "Made for other ages" not in any_age
    assert titles_in(any_age) == ["Tiny hands", "Middle months", "Older wiggler"]


def test_anonymous_can_suggest_by_age_in_months(client, age_routines):
    response = client.get(reverse("massage:routine-list"), {"age": "4"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Suited to 4 months" in html
    assert split_sections(html) == (["Middle months"], ["Tiny hands", "Older wiggler"])


@pytest.fixture
def timed_routines(db):
    short = RoutineFactory(title="Short sleepy", focus=["sleep"])
    StepFactory(routine=short, seconds=120)
    StepFactory(routine=short, repetitions=10, seconds_per_repetition=6, seconds=None)  # 1 min
    long = RoutineFactory(title="Long sleepy", focus=["sleep", "bonding"])
    for _ in range(3):
        StepFactory(routine=long, seconds=300)
    colic = RoutineFactory(title="Colic helper", focus=["gas_colic"])
    StepFactory(routine=colic, seconds=240)
    return short, long, colic


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, ["Colic helper", "Long sleepy", "Short sleepy"]),
        ({"minutes": "5"}, ["Colic helper", "Short sleepy"]),
        ({"minutes": "20"}, ["Colic helper", "Long sleepy", "Short sleepy"]),
        ({"focus": "sleep"}, ["Long sleepy", "Short sleepy"]),
        ({"focus": "bonding"}, ["Long sleepy"]),
        ({"focus": "sleep", "minutes": "5"}, ["Short sleepy"]),
        ({"focus": "teething"}, []),
    ],
)
def test_list_filters_by_length_and_focus(client, timed_routines, query, expected):
    response = client.get(reverse("massage:routine-list"), query)
    assert response.status_code == 200
    html = response.content.decode()
    assert titles_in(html) == expected
    if not expected:
        assert "No routine matches these filters." in html


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"minutes": "7"}, "Select a valid choice. 7 is not one of the available choices."),
        ({"minutes": "lots"}, "Select a valid choice."),
        ({"focus": "nope"}, "Select a valid choice. nope is not one of the available choices."),
        ({"age": "-1"}, "Ensure this value is greater than or equal to 0."),
        ({"age": "73"}, "Ensure this value is less than or equal to 72."),
        ({"age": "three"}, "Enter a whole number."),
    ],
)
def test_invalid_filters_answer_400_with_a_message(client, timed_routines, query, message):
    response = client.get(reverse("massage:routine-list"), query)
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert titles_in(html) == []


def test_another_familys_baby_is_an_invalid_filter(client, parent, outsider, timed_routines):
    other_baby = outsider.families.get().babies.get()
    client.force_login(parent)

    response = client.get(reverse("massage:routine-list"), {"baby": other_baby.pk})

    assert response.status_code == 400
    html = response.content.decode()
    assert "Select a valid choice." in html
    assert other_baby.name not in html


def test_htmx_request_gets_only_the_results(client, timed_routines):
    url = reverse("massage:routine-list")
    full = client.get(url, {"focus": "sleep"})
    fragment = client.get(url, {"focus": "sleep"}, headers={"HX-Request": "true"})

    assert "<html" in full.content.decode()
    assert fragment.status_code == 200
    html = fragment.content.decode()
    assert "<html" not in html
    region = first_element(html)
    assert (region.name, attribute(region, "id")) == ("div", "results")
    assert titles_in(html) == ["Long sleepy", "Short sleepy"]

    bad = client.get(url, {"focus": "nope"}, headers={"HX-Request": "true"})
    assert bad.status_code == 400
    assert "<html" not in bad.content.decode()
    assert "Select a valid choice." in bad.content.decode()


# -- Detail and print ----------------------------------------------------------------------------


@pytest.fixture
def oily_routine(db):
    routine = RoutineFactory(
        title="Evening calm",
        min_age_months=6,
        max_age_months=12,
        uses_oil=True,
        cautions="Wait 30 minutes after a feed.\n\nStop if your baby cries.\n",
        focus=["sleep"],
    )
    StepFactory(routine=routine, stroke="Warm hands", body_area="whole_body", motion="hold")
    StepFactory(routine=routine, stroke="Leg glide", seconds=90, caution="Light pressure.")
    StepFactory(
        routine=routine,
        stroke="Tummy circles",
        body_area="tummy",
        motion="circle_clockwise",
        seconds=None,
        repetitions=10,
        seconds_per_repetition=3,
    )
    return routine  # 30 + 90 + 30 seconds = 2.5 min


@pytest.mark.parametrize("name", ["massage:routine-detail", "massage:routine-print"])
def test_anonymous_can_browse_the_library(client, oily_routine, name):
    assert client.get(reverse("massage:routine-list")).status_code == 200
    response = client.get(reverse(name, args=[oily_routine.slug]))
    assert response.status_code == 200
    assert "Evening calm" in response.content.decode()


def test_detail_shows_time_oil_ages_cautions_and_step_pictures(client, oily_routine):
    response = client.get(oily_routine.get_absolute_url())

    html = response.content.decode()
    assert response.status_code == 200
    assert_in_html('<span class="pill pill-accent">2 min</span>', html)
    assert "with oil" in html
    assert "6 months to 12 months" in html
    assert "Sleep" in html
    assert "<li>Wait 30 minutes after a feed.</li><li>Stop if your baby cries.</li>" in html
    assert "3 steps" in html
    assert html.count("bodymap--thumb") == 3
    assert len(SVG_IMG.findall(html)) == 3
    assert_in_html(
        '<h3>Tummy circles <span class="muted small">· Tummy · 10 times</span></h3>', html
    )
    assert "Take care:</strong> Light pressure." in html
    assert html.index("Warm hands") < html.index("Leg glide") < html.index("Tummy circles")
    assert "gentle-note" not in html
    assert "Duplicate and adapt" not in html


def test_a_baby_outside_the_age_range_gets_a_gentle_note(client, parent, baby, oily_routine):
    assert baby.age_in_months() < 6
    client.force_login(parent)

    html = client.get(oily_routine.get_absolute_url()).content.decode()

    assert f"Made for babies from 6 months to 12 months; {baby.name} is 12 weeks old." in html

    oily_routine.min_age_months = 0
    oily_routine.save()
    html = client.get(oily_routine.get_absolute_url()).content.decode()
    assert "gentle-note" not in html


def test_print_sheet_has_the_print_stylesheet_and_every_step(client, oily_routine):
    response = client.get(reverse("massage:routine-print", args=[oily_routine.slug]))

    html = response.content.decode()
    assert response.status_code == 200
    assert_in_html(f'<link rel="stylesheet" href="{static("css/print-sheet.css")}">', html)
    assert "Wait 30 minutes after a feed. · Stop if your baby cries." in html
    for stroke in ["Warm hands", "Leg glide", "Tummy circles"]:
        assert stroke in html


def test_print_sheet_has_a_print_button_and_loads_photos_at_once(client, oily_routine):
    oily_routine.steps.filter(order=2).update(
        photo_small="routines/1/a-photo-480w.webp",
        photo_large="routines/1/a-photo-960w.webp",
        photo_width=960,
        photo_height=640,
    )

    html = client.get(reverse("massage:routine-print", args=[oily_routine.slug])).content.decode()

    # Shown by print.js (no inline script); without JavaScript the hint stays.
    assert_in_html(
        '<button type="button" class="button-small" data-print hidden>Print</button>', html
    )
    assert_in_html(f'<script src="{static("js/print.js")}" defer></script>', html)
    assert elements(html, None, **{"data-print-hint": ""})
    (photo,) = elements(html, "img", src="/media/routines/1/a-photo-960w.webp")
    assert attribute(photo, "loading") == "eager"
    assert not elements(html, None, loading="lazy")


@pytest.mark.parametrize("name", ["massage:routine-detail", "massage:routine-print"])
def test_unknown_and_unpublished_library_routines_are_404(client, db, name):
    hidden = RoutineFactory(published=False)
    assert client.get(reverse(name, args=[hidden.slug])).status_code == 404
    assert client.get(reverse(name, args=["no-such-routine"])).status_code == 404


# -- Query counts --------------------------------------------------------------------------------

FOCUS_CYCLE = [["sleep"], ["bonding", "gas_colic"], ["teething", "congestion", "sleep"]]
MOTIONS = [("legs", "glide_toward_feet"), ("tummy", "circle_clockwise"), ("face", "smile")]


def grow_library(routines, steps):
    created = []
    for i in range(routines):
        routine = RoutineFactory(min_age_months=i % 8, max_age_months=12, focus=FOCUS_CYCLE[i % 3])
        for j in range(steps):
            area, motion = MOTIONS[j % 3]
            StepFactory(routine=routine, body_area=area, motion=motion)
        created.append(routine)
    return created


def count_queries(client, url):
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries)


LIST_CEILING = 6  # session, user, babies, routines, their focus tags, the routines assigned
DETAIL_CEILING = 6  # session, user, routine, its focus tags, its steps, babies


def test_list_and_detail_queries_do_not_grow_with_the_library(
    client, parent, django_assert_max_num_queries
):
    client.force_login(parent)
    list_url = reverse("massage:routine-list")
    small = grow_library(3, 5)
    small_list = count_queries(client, list_url)
    small_detail = count_queries(client, small[0].get_absolute_url())

    big = grow_library(12, 30)
    with django_assert_max_num_queries(LIST_CEILING):
        response = client.get(list_url, {"baby": ""})
    assert len(titles_in(response.content.decode())) == 15
    with django_assert_max_num_queries(DETAIL_CEILING):
        response = client.get(big[-1].get_absolute_url())
    assert "30 steps" in response.content.decode()

    assert count_queries(client, list_url) == small_list <= LIST_CEILING
    assert count_queries(client, big[-1].get_absolute_url()) == small_detail <= DETAIL_CEILING
    print_url = reverse("massage:routine-print", args=[big[-1].slug])
    assert count_queries(client, print_url) == count_queries(
        client, reverse("massage:routine-print", args=[small[0].slug])
    )


def start_buttons(html):
    return re.findall(r"Start with ([^<]+)</a>", html)


def test_a_routine_reached_from_one_babys_list_offers_that_baby_first(client, parent, family):
    routine = RoutineFactory(min_age_months=0, max_age_months=24)
    elder = family.babies.get()
    younger = BabyFactory(
        family=family, name="Younger", birth_date=timezone.localdate() - timedelta(weeks=3)
    )
    client.force_login(parent)
    assert start_buttons(client.get(routine.get_absolute_url()).text) == [elder.name, "Younger"]

    listing = client.get(reverse("massage:routine-list"), {"baby": younger.pk}).text
    link = f"{routine.get_absolute_url()}?baby={younger.pk}"
    assert f'href="{link}"' in listing

    page = client.get(link).text
    assert start_buttons(page) == ["Younger", elder.name]
    assert f'href="{reverse("massage:routine-list")}?baby={younger.pk}"' in page


@pytest.mark.parametrize("value", ["nonsense", "", "999999", "another family's baby"])
def test_a_routine_page_ignores_a_baby_that_is_not_the_users(client, parent, outsider, value):
    routine = RoutineFactory(min_age_months=0, max_age_months=24)
    own = parent.families.get().babies.get()
    if value == "another family's baby":
        value = str(outsider.families.get().babies.get().pk)
    client.force_login(parent)
    response = client.get(routine.get_absolute_url(), {"baby": value})
    assert response.status_code == 200
    assert start_buttons(response.text) == [own.name]


@pytest.mark.parametrize(
    ("seconds", "expected"),
    [
        (0, "just now"),
        (59, "just now"),
        (60, "1\xa0minute ago"),
        (3 * 3600 + 300, "3\xa0hours, 5\xa0minutes ago"),
    ],
)
def test_time_ago_says_just_now_for_the_first_minute(seconds, expected):
    assert time_ago(timezone.now() - timedelta(seconds=seconds)) == expected
