"""Instructors' studio: copying, writing and ordering routines, their photos and narration."""

import io
import re

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.db.models import QuerySet
from django.templatetags.static import static
from django.urls import reverse
from PIL import Image

from massage.bodymap import render_bodymap
from massage.models import Routine, Step
from massage.models.library import MAX_REPETITIONS, MAX_SECONDS_PER_REPETITION, MAX_STEP_SECONDS
from massage.services import library as library_services
from massage.services.library import library_load
from tests.conftest import commit_each_post
from tests.factories import InstructorFactory, RoutineFactory, StepFactory
from tests.markup import assert_in_html, attribute, elements, first_element
from tests.massage.test_uploads import encode, noisy_image, png_header_only, wav_bytes

INVALID = 422


@pytest.fixture
def instructor(db):
    return InstructorFactory(display_name="Ines")


@pytest.fixture
def other_instructor(db):
    return InstructorFactory(display_name="Otto")


@pytest.fixture
def own_routine(instructor):
    """An instructor's draft with three timed steps."""
    routine = RoutineFactory(author=instructor, published=False, title="Ines's evening")
    for stroke in ["Ask permission", "Leg glide", "Tummy circles"]:
        StepFactory(routine=routine, stroke=stroke)
    return routine


@pytest.fixture
def as_instructor(client, instructor, django_capture_on_commit_callbacks):
    """The instructor's client. Each POST runs its on-commit hooks, as a real request's commit."""
    client.force_login(instructor)
    return commit_each_post(client, django_capture_on_commit_callbacks)


def strokes(routine):
    return list(routine.steps.order_by("order").values_list("stroke", flat=True))


def orders(routine):
    return list(routine.steps.order_by("order").values_list("order", flat=True))


# The texts and recordings the forms take per language (title_en, title_es...): a change named
# without a language ("title") is the English one.
IN_ENGLISH = {
    "title",
    "summary",
    "cautions",
    "stroke",
    "instruction",
    "caution",
    "narration",
    "remove_narration",
}


def _english(changes):
    return {f"{k}_en" if k in IN_ENGLISH else k: v for k, v in changes.items()}


def step_data(step=None, **changes):
    """The step form's fields as a browser would post them."""
    data = {
        "body_area": "legs",
        "stroke_en": "Leg glide",
        "instruction_en": "Glide slowly down the leg.",
        "motion": "glide_toward_feet",
        "seconds": "30",
        "repetitions": "",
        "seconds_per_repetition": "",
        "caution_en": "",
    }
    if step is not None:
        data.update(
            body_area=step.body_area,
            stroke_en=step.stroke_en or "",
            stroke_es=step.stroke_es or "",
            instruction_en=step.instruction_en or "",
            instruction_es=step.instruction_es or "",
            motion=step.motion,
            seconds=step.seconds or "",
            repetitions=step.repetitions or "",
            seconds_per_repetition=step.seconds_per_repetition or "",
            caution_en=step.caution_en or "",
            caution_es=step.caution_es or "",
        )
    data.update(_english(changes))
    return data


def routine_data(**changes):
    data = {
        "title_en": "Calm evening",
        "summary_en": "A slow routine before bed.",
        "min_age_months": "3",
        "max_age_months": "9",
        "focus": ["sleep", "bonding"],
        "uses_oil": "on",
        "cautions_en": "Wait after a feed.",
    }
    data.update(_english(changes))
    return data


def step_list_strokes(html):
    return re.findall(r'<a href="/studio/steps/\d+/"><strong>([^<]+)</strong></a>', html)


# -- Who may author ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "method"),
    [
        ("massage:studio", "get"),
        ("massage:routine-create", "get"),
        ("massage:routine-create", "post"),
    ],
)
def test_parents_are_not_instructors(client, parent, name, method):
    client.force_login(parent)
    response = getattr(client, method)(reverse(name), routine_data())
    assert response.status_code == 403
    assert not Routine.objects.exists()


def test_a_parent_cannot_duplicate_a_library_routine(client, parent):
    library = RoutineFactory()
    StepFactory(routine=library)
    client.force_login(parent)
    response = client.post(reverse("massage:routine-duplicate", args=[library.slug]))
    assert response.status_code == 403
    assert Routine.objects.count() == 1


def test_studio_lists_own_routines_and_the_library(as_instructor, own_routine, other_instructor):
    RoutineFactory(author=other_instructor, title="Otto's secret")
    RoutineFactory(title="Library bedtime")

    response = as_instructor.get(reverse("massage:studio"))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Ines&#x27;s evening" in html
    assert "3 steps" in html
    assert "Library bedtime" in html
    assert "Otto" not in html


# Each studio URL with another instructor's objects: (name, method, args, data)
OTHERS_URLS = [
    ("massage:routine-edit", "get", "routine", None),
    ("massage:routine-update", "get", "routine", None),
    ("massage:routine-update", "post", "routine", routine_data(title="Hijacked")),
    ("massage:routine-preview", "get", "routine", None),
    ("massage:routine-publish", "post", "routine", {}),
    ("massage:routine-delete", "get", "routine", None),
    ("massage:routine-delete", "post", "routine", {}),
    ("massage:step-create", "get", "routine", None),
    ("massage:step-create", "post", "routine", step_data(stroke="Hijacked")),
    ("massage:step-update", "get", "step", None),
    ("massage:step-update", "post", "step", step_data(stroke="Hijacked")),
    ("massage:step-delete", "get", "step", None),
    ("massage:step-delete", "post", "step", {}),
    ("massage:step-move", "post", "step", {"direction": "up"}),
]


def snapshot(routine):
    routine = Routine.objects.get(pk=routine.pk)
    return (
        routine.title,
        routine.published,
        list(routine.steps.order_by("order").values_list("pk", "order", "stroke")),
    )


@pytest.mark.parametrize(("name", "method", "target", "data"), OTHERS_URLS)
def test_another_instructors_routine_is_404_and_unchanged(
    client, own_routine, other_instructor, name, method, target, data
):
    step = own_routine.steps.get(order=2)
    before = snapshot(own_routine)
    client.force_login(other_instructor)

    args = [own_routine.pk if target == "routine" else step.pk]
    if method == "get":
        response = client.get(reverse(name, args=args))
    else:
        response = client.post(reverse(name, args=args), data)

    assert response.status_code == 404
    assert snapshot(own_routine) == before


@pytest.mark.parametrize(("name", "method", "target", "data"), OTHERS_URLS)
def test_library_routines_are_not_editable_in_the_studio(as_instructor, name, method, target, data):
    library = RoutineFactory(title="Library routine")
    StepFactory(routine=library, stroke="First")
    StepFactory(routine=library, stroke="Second")
    before = snapshot(library)

    args = [library.pk if target == "routine" else library.steps.get(order=2).pk]
    if method == "get":
        response = as_instructor.get(reverse(name, args=args))
    else:
        response = as_instructor.post(reverse(name, args=args), data)

    assert response.status_code == 404
    assert snapshot(library) == before


# -- Routines ------------------------------------------------------------------------------------


def test_duplicating_a_library_routine_makes_a_draft_copy(as_instructor, instructor):
    library_load()
    source = Routine.objects.get(slug="newborn-first-touch")

    response = as_instructor.post(reverse("massage:routine-duplicate", args=[source.slug]))

    copy = Routine.objects.get(author=instructor)
    assert response.status_code == 302
    assert response.url == reverse("massage:routine-edit", args=[copy.pk])
    assert copy.title == "Newborn first touch (my copy)"
    assert copy.slug != source.slug
    assert copy.slug.startswith("newborn-first-touch-")
    assert copy.copied_from == source
    assert not copy.published
    assert (copy.min_age_months, copy.max_age_months, copy.uses_oil, copy.cautions) == (
        source.min_age_months,
        source.max_age_months,
        source.uses_oil,
        source.cautions,
    )
    assert set(copy.focus.all()) == set(source.focus.all())
    fields = ["order", "body_area", "stroke", "instruction", "motion", "seconds", "repetitions"]
    assert list(copy.steps.values_list(*fields)) == list(source.steps.values_list(*fields))
    assert not set(copy.steps.values_list("pk", flat=True)) & set(
        source.steps.values_list("pk", flat=True)
    )

    page = as_instructor.get(response.url).content.decode()
    assert "This is your own copy of “Newborn first touch”" in page
    assert "adapted from “Newborn first touch”" in page
    assert step_list_strokes(page) == strokes(source)


def test_a_copy_of_a_long_title_still_fits_and_a_copy_of_a_copy_keeps_one_suffix(
    as_instructor, instructor
):
    source = RoutineFactory(title="A" * 120)
    as_instructor.post(reverse("massage:routine-duplicate", args=[source.slug]))
    copy = Routine.objects.get(author=instructor)
    assert len(copy.title) <= 120
    assert copy.title.endswith("… (my copy)")

    as_instructor.post(reverse("massage:routine-duplicate", args=[copy.slug]))
    second = Routine.objects.get(copied_from=copy)
    assert second.title == copy.title


def test_creating_a_blank_routine(as_instructor, instructor):
    response = as_instructor.post(reverse("massage:routine-create"), routine_data())

    routine = Routine.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("massage:routine-edit", args=[routine.pk])
    assert routine.author == instructor
    assert not routine.published
    assert routine.slug.startswith("calm-evening-")
    assert routine.title == "Calm evening"
    assert routine.summary == "A slow routine before bed."
    assert (routine.min_age_months, routine.max_age_months) == (3, 9)
    assert routine.uses_oil
    assert routine.cautions == "Wait after a feed."
    assert sorted(routine.focus.values_list("slug", flat=True)) == ["bonding", "sleep"]
    page = as_instructor.get(response.url).content.decode()
    assert "No steps yet." in page
    assert "Draft" in page


def test_creating_a_routine_without_a_title_is_refused(as_instructor):
    response = as_instructor.post(reverse("massage:routine-create"), routine_data(title=""))
    assert response.status_code == INVALID
    assert "Give the routine a title, in English, Spanish or both." in response.content.decode()
    assert not Routine.objects.exists()


def test_editing_details(as_instructor, own_routine):
    url = reverse("massage:routine-update", args=[own_routine.pk])
    assert as_instructor.get(url).status_code == 200

    response = as_instructor.post(url, routine_data(title="Renamed"))

    assert response.status_code == 302
    own_routine.refresh_from_db()
    assert own_routine.title == "Renamed"
    assert (own_routine.min_age_months, own_routine.max_age_months) == (3, 9)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"min_age_months": "10", "max_age_months": "4"},
            "The upper age must not be below the lower age.",
        ),
        ({"max_age_months": "80"}, "Routines are for children up to 6 years (72 months)."),
    ],
)
def test_details_with_a_bad_age_range_are_refused(as_instructor, own_routine, changes, message):
    before = Routine.objects.filter(pk=own_routine.pk).values().get()

    response = as_instructor.post(
        reverse("massage:routine-update", args=[own_routine.pk]),
        routine_data(title="Should not stick", **changes),
    )

    assert response.status_code == INVALID
    assert message in response.content.decode()
    assert Routine.objects.filter(pk=own_routine.pk).values().get() == before


def test_publishing_needs_a_step_and_toggles(as_instructor, instructor, own_routine):
    empty = RoutineFactory(author=instructor, published=False, title="Empty one")
    response = as_instructor.post(reverse("massage:routine-publish", args=[empty.pk]))
    assert response.status_code == 409
    assert "Add at least one step before publishing." in response.content.decode()
    empty.refresh_from_db()
    assert not empty.published

    url = reverse("massage:routine-publish", args=[own_routine.pk])
    response = as_instructor.post(url, follow=True)
    own_routine.refresh_from_db()
    assert own_routine.published
    assert "Published: families you assign it to can follow it." in response.content.decode()

    response = as_instructor.post(url, follow=True)
    own_routine.refresh_from_db()
    assert not own_routine.published
    assert "Back to draft: only you can see it." in response.content.decode()

    assert as_instructor.get(url).status_code == 405


def test_preview_shows_the_routine_as_parents_see_it(as_instructor, own_routine):
    response = as_instructor.get(reverse("massage:routine-preview", args=[own_routine.pk]))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Preview: this is how parents see the routine." in html
    assert "<h1>Ines&#x27;s evening</h1>" in html
    assert "3 steps" in html
    found = re.findall(r'<li class="step-item">.*?<h3>([^<]+?) <span', html, re.S)
    assert found == ["Ask permission", "Leg glide", "Tummy circles"]
    assert "Duplicate and adapt" not in html


@pytest.mark.parametrize("published", [False, True])
@pytest.mark.parametrize("viewer", ["anonymous", "parent", "other_instructor"])
def test_an_instructors_routine_is_not_in_anyone_elses_library(
    client, request, instructor, own_routine, published, viewer
):
    own_routine.published = published
    own_routine.save()
    if viewer != "anonymous":
        client.force_login(request.getfixturevalue(viewer))

    for name in ["massage:routine-detail", "massage:routine-print"]:
        url = reverse(name, args=[own_routine.slug])
        assert client.get(url).status_code == 404
    assert "Ines" not in client.get(reverse("massage:routine-list")).content.decode()

    client.force_login(instructor)
    assert client.get(own_routine.get_absolute_url()).status_code == 200


def test_deleting_a_routine(as_instructor, instructor, own_routine):
    url = reverse("massage:routine-delete", args=[own_routine.pk])
    assert "Delete “Ines&#x27;s evening”?" in as_instructor.get(url).content.decode()

    response = as_instructor.post(url)

    assert response.status_code == 302
    assert response.url == reverse("massage:studio")
    assert not Routine.objects.filter(pk=own_routine.pk).exists()
    assert not Step.objects.exists()


# -- Steps ---------------------------------------------------------------------------------------


def test_adding_a_step_numbers_it_last(as_instructor, own_routine):
    url = reverse("massage:step-create", args=[own_routine.pk])
    assert as_instructor.get(url).status_code == 200

    response = as_instructor.post(
        url,
        step_data(
            stroke="Open the fist",
            body_area="hands",
            motion="outward",
            seconds="",
            repetitions="6",
            seconds_per_repetition="5",
        ),
    )

    assert response.status_code == 302
    step = own_routine.steps.get(order=4)
    assert step.stroke == "Open the fist"
    assert (step.seconds, step.repetitions, step.seconds_per_repetition) == (None, 6, 5)


def offered(html, name):
    """The values a page's <select name=...> offers, without the empty choice."""
    (select,) = elements(html, "select", name=name)
    values = [attribute(option, "value") for option in elements(select, "option")]
    return [value for value in values if value]


def test_every_area_and_motion_the_step_form_offers_is_drawn(as_instructor, own_routine):
    page = as_instructor.get(reverse("massage:step-create", args=[own_routine.pk])).text
    areas, motions = offered(page, "body_area"), offered(page, "motion")
    assert "whole_body" in areas and "hold" in motions

    for area in areas:
        for motion in motions:
            svg = render_bodymap(body_area=area, motion=motion)
            assert elements(svg, "svg", role="img"), (area, motion)

    # And a step saved with each motion (each area in turn) shows its picture on its page.
    for i, motion in enumerate(motions):
        stroke = f"Stroke {i}"
        area = areas[i % len(areas)]
        response = as_instructor.post(
            reverse("massage:step-create", args=[own_routine.pk]),
            step_data(stroke=stroke, body_area=area, motion=motion),
        )
        assert response.status_code == 302, (area, motion)
        step = own_routine.steps.get(stroke=stroke)
        step_page = as_instructor.get(reverse("massage:step-update", args=[step.pk])).text
        (svg,) = elements(step_page, "svg", role="img", **{"aria-label": stroke})
        assert f"bodymap--motion-{motion}" in attribute(svg, "class").split()
    assert {s.body_area for s in own_routine.steps.all()} >= set(areas)


def test_a_timed_step_drops_seconds_per_repetition(as_instructor, own_routine):
    response = as_instructor.post(
        reverse("massage:step-create", args=[own_routine.pk]),
        step_data(seconds="40", seconds_per_repetition="5"),
    )
    assert response.status_code == 302
    step = own_routine.steps.get(order=4)
    assert (step.seconds, step.repetitions, step.seconds_per_repetition) == (40, None, None)


@pytest.mark.parametrize(
    ("amounts", "message"),
    [
        (
            {"seconds": "", "repetitions": "", "seconds_per_repetition": ""},
            "Give the step a time in seconds or a number of repetitions.",
        ),
        (
            {"seconds": "30", "repetitions": "5", "seconds_per_repetition": "4"},
            "Give either seconds or repetitions, not both.",
        ),
        (
            {"seconds": "", "repetitions": "5", "seconds_per_repetition": ""},
            "How long does one repetition take, roughly?",
        ),
        ({"seconds": "601"}, "Between 1 and 600 seconds."),
        ({"seconds": "", "repetitions": "61", "seconds_per_repetition": "3"}, "Between 1 and 60"),
        ({"seconds": "", "repetitions": "5", "seconds_per_repetition": "90"}, "Between 1 and 60"),
    ],
)
def test_a_step_needs_exactly_one_amount(as_instructor, own_routine, amounts, message):
    response = as_instructor.post(
        reverse("massage:step-create", args=[own_routine.pk]),
        step_data(stroke="Not saved", **amounts),
    )

    assert response.status_code == INVALID
    assert message in response.content.decode()
    assert not Step.objects.filter(stroke="Not saved").exists()
    assert own_routine.steps.count() == 3


@pytest.mark.parametrize(
    ("amounts", "message"),
    [
        ({"seconds": "0", "repetitions": "5", "seconds_per_repetition": "4"}, "1 and 600 seconds"),
        ({"seconds": "0"}, "Between 1 and 600 seconds."),
        ({"seconds": "-5"}, "Between 1 and 600 seconds."),
        ({"seconds": "", "repetitions": "0", "seconds_per_repetition": "4"}, "60 repetitions."),
        ({"seconds": "", "repetitions": "5", "seconds_per_repetition": "0"}, "1 and 60 seconds"),
    ],
)
def test_zero_amounts_get_a_clear_message_not_a_constraint_error(
    as_instructor, own_routine, amounts, message
):
    response = as_instructor.post(
        reverse("massage:step-create", args=[own_routine.pk]),
        step_data(stroke="Not saved", **amounts),
    )

    html = response.content.decode()
    assert response.status_code == INVALID
    assert message in html
    assert "violated" not in html and "Constraint" not in html
    assert not Step.objects.filter(stroke="Not saved").exists()


def test_the_amount_constraint_explains_itself(own_routine):
    step = Step(
        routine=own_routine,
        order=9,
        body_area="legs",
        stroke="Raw",
        instruction="…",
        motion="glide_toward_feet",
        seconds=0,
        repetitions=5,
        seconds_per_repetition=4,
    )

    with pytest.raises(ValidationError) as caught:
        step.validate_constraints()

    assert caught.value.messages == [
        f"Give the step either a time of 1 to {MAX_STEP_SECONDS} seconds, or 1 to "
        f"{MAX_REPETITIONS} repetitions of 1 to {MAX_SECONDS_PER_REPETITION} seconds each."
    ]


def test_a_posted_order_never_duplicates_or_reorders_a_step(as_instructor, own_routine):
    response = as_instructor.post(
        reverse("massage:step-create", args=[own_routine.pk]),
        step_data(stroke="Added", order="1"),
    )
    assert response.status_code == 302
    assert own_routine.steps.get(stroke="Added").order == 4

    last = own_routine.steps.get(order=3)
    response = post_step(as_instructor, last, order="1", stroke="Renamed")

    assert response.status_code == 302
    assert strokes(own_routine) == ["Ask permission", "Leg glide", "Renamed", "Added"]
    assert orders(own_routine) == [1, 2, 3, 4]


def test_adding_a_step_locks_the_routine_before_numbering(as_instructor, own_routine, monkeypatch):
    events = []
    select_for_update, next_step_order = (
        QuerySet.select_for_update,
        library_services.next_step_order,
    )

    def spy_lock(queryset, *args, **kwargs):
        events.append(("lock", queryset.model))
        return select_for_update(queryset, *args, **kwargs)

    def spy_order(routine):
        events.append(("number", routine.pk))
        return next_step_order(routine)

    monkeypatch.setattr(QuerySet, "select_for_update", spy_lock)
    monkeypatch.setattr(library_services, "next_step_order", spy_order)

    response = as_instructor.post(
        reverse("massage:step-create", args=[own_routine.pk]), step_data(stroke="Added")
    )

    assert response.status_code == 302
    assert events[:2] == [("lock", Routine), ("number", own_routine.pk)]


def test_editing_a_step(as_instructor, own_routine):
    step = own_routine.steps.get(order=2)
    url = reverse("massage:step-update", args=[step.pk])
    assert "Step 2" in as_instructor.get(url).content.decode()

    response = as_instructor.post(url, step_data(step, stroke="Slow leg glide", seconds="45"))

    assert response.status_code == 302
    step.refresh_from_db()
    assert (step.stroke, step.seconds, step.order) == ("Slow leg glide", 45, 2)


def test_a_bad_edit_leaves_the_step_as_it_was(as_instructor, own_routine):
    step = own_routine.steps.get(order=2)
    response = as_instructor.post(
        reverse("massage:step-update", args=[step.pk]),
        step_data(step, stroke="Changed", repetitions="4", seconds_per_repetition="5"),
    )
    assert response.status_code == INVALID
    step.refresh_from_db()
    assert (step.stroke, step.seconds, step.repetitions) == ("Leg glide", 30, None)


@pytest.mark.parametrize(
    ("order", "direction", "expected"),
    [
        (3, "up", ["Ask permission", "Tummy circles", "Leg glide"]),
        (1, "down", ["Leg glide", "Ask permission", "Tummy circles"]),
        (1, "up", ["Ask permission", "Leg glide", "Tummy circles"]),  # already first
        (3, "down", ["Ask permission", "Leg glide", "Tummy circles"]),  # already last
    ],
)
def test_moving_a_step(as_instructor, own_routine, order, direction, expected):
    step = own_routine.steps.get(order=order)

    response = as_instructor.post(
        reverse("massage:step-move", args=[step.pk]), {"direction": direction}
    )

    assert response.status_code == 302
    assert response.url == reverse("massage:routine-edit", args=[own_routine.pk])
    assert strokes(own_routine) == expected
    assert orders(own_routine) == [1, 2, 3]
    assert step_list_strokes(as_instructor.get(response.url).content.decode()) == expected


def test_moving_a_step_with_htmx_returns_the_new_list(as_instructor, own_routine):
    step = own_routine.steps.get(order=2)

    response = as_instructor.post(
        reverse("massage:step-move", args=[step.pk]),
        {"direction": "down"},
        headers={"HX-Request": "true"},
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    region = first_element(html)
    assert (region.name, attribute(region, "id")) == ("section", "steps")
    assert step_list_strokes(html) == ["Ask permission", "Tummy circles", "Leg glide"]
    assert strokes(own_routine) == ["Ask permission", "Tummy circles", "Leg glide"]
    # The moved step is now last: its "down" button is disabled, "up" is not.
    assert_in_html(
        '<button name="direction" value="down" class="icon-button" '
        'aria-label="Move “Leg glide” down" disabled>↓</button>',
        html,
    )
    assert_in_html(
        '<button name="direction" value="up" class="icon-button" '
        'aria-label="Move “Leg glide” up">↑</button>',
        html,
    )


MOVED = ["data-moved-step", "data-moved-direction", "data-moved-message"]


def test_a_moved_step_is_marked_for_focus_and_announced(as_instructor, own_routine):
    step = own_routine.steps.get(order=3)

    response = as_instructor.post(
        reverse("massage:step-move", args=[step.pk]),
        {"direction": "up"},
        headers={"HX-Request": "true"},
    )

    section = first_element(response.content.decode())
    assert (section.name, attribute(section, "id")) == ("section", "steps")
    assert {name: attribute(section, name) for name in MOVED} == {
        "data-moved-step": str(step.pk),
        "data-moved-direction": "up",
        "data-moved-message": "“Tummy circles” moved to position 2.",
    }
    page = as_instructor.get(reverse("massage:routine-edit", args=[own_routine.pk]))
    page_html = page.content.decode()
    # The live region sits outside the swapped list, so it exists before the swap.
    assert page_html.index('id="steps-status"') < page_html.index('id="steps"')
    assert elements(page_html, None, id="steps-status", **{"aria-live": "polite"})
    (section,) = elements(page_html, "section", id="steps")
    assert not any(name in dict(section.attributes) for name in MOVED)
    assert_in_html(f'<script src="{static("js/studio.js")}" defer></script>', page_html)


def test_without_htmx_a_move_says_where_the_step_went(as_instructor, own_routine):
    step = own_routine.steps.get(order=1)

    response = as_instructor.post(
        reverse("massage:step-move", args=[step.pk]), {"direction": "down"}, follow=True
    )

    assert "“Ask permission” moved to position 2." in response.content.decode()


@pytest.mark.parametrize("data", [{"direction": "sideways"}, {}, {"direction": ""}])
def test_moving_in_no_known_direction_changes_nothing(as_instructor, own_routine, data):
    step = own_routine.steps.get(order=2)

    response = as_instructor.post(reverse("massage:step-move", args=[step.pk]), data)

    assert 400 <= response.status_code < 500
    assert "Choose to move the step up or down." in response.content.decode()
    assert strokes(own_routine) == ["Ask permission", "Leg glide", "Tummy circles"]


def test_moving_needs_post(as_instructor, own_routine):
    step = own_routine.steps.get(order=2)
    assert as_instructor.get(reverse("massage:step-move", args=[step.pk])).status_code == 405


def test_deleting_a_step_renumbers_the_rest(as_instructor, own_routine):
    StepFactory(routine=own_routine, stroke="Still hold")
    step = own_routine.steps.get(order=2)
    url = reverse("massage:step-delete", args=[step.pk])
    assert "Remove “Leg glide”?" in as_instructor.get(url).content.decode()

    response = as_instructor.post(url)

    assert response.status_code == 302
    assert not Step.objects.filter(pk=step.pk).exists()
    assert strokes(own_routine) == ["Ask permission", "Tummy circles", "Still hold"]
    assert orders(own_routine) == [1, 2, 3]


# -- Photos and narration ------------------------------------------------------------------------


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def upload(content, name, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def sideways_jpeg_with_gps():
    """A 1200x800 JPEG, to be shown turned a quarter (orientation 6), with GPS and camera tags."""
    exif = Image.Exif()
    exif[0x0112] = 6
    exif[0x010F] = "Phone maker"
    exif[0x8825] = {1: "N", 2: (52.0, 22.0, 30.5), 3: "E", 4: (4.0, 53.0, 10.0)}
    return encode(noisy_image((1200, 800)), "JPEG", exif=exif.tobytes())


def stored_files(root):
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


def open_stored(field):
    with field.open("rb") as f:
        raw = f.read()
    image = Image.open(io.BytesIO(raw))
    image.load()
    return raw, image


def post_step(client, step, **changes):
    return client.post(reverse("massage:step-update", args=[step.pk]), step_data(step, **changes))


def test_a_photo_is_stored_upright_as_webp_without_metadata(as_instructor, own_routine, media):
    step = own_routine.steps.get(order=2)

    response = post_step(
        as_instructor, step, photo=upload(sideways_jpeg_with_gps(), "IMG_0001.jpg", "image/jpeg")
    )

    assert response.status_code == 302
    step.refresh_from_db()
    assert step.has_photo
    assert (step.photo_width, step.photo_height) == (800, 1200)  # turned upright
    for field, max_width in [(step.photo_small, 480), (step.photo_large, 960)]:
        assert field.name.startswith(f"routines/{own_routine.pk}/")
        assert field.name.endswith(".webp")
        assert "IMG_0001" not in field.name
        raw, image = open_stored(field)
        assert image.format == "WEBP"
        assert image.width <= max_width
        assert image.height > image.width
        assert not image.getexif()
        assert "exif" not in image.info
        assert b"Exif" not in raw and b"Phone maker" not in raw
    assert open_stored(step.photo_small)[1].size == (480, 720)
    assert open_stored(step.photo_large)[1].size == (800, 1200)
    assert len(stored_files(media)) == 2  # the original upload is not kept

    page = as_instructor.get(reverse("massage:routine-preview", args=[own_routine.pk]))
    assert f'src="/media/{step.photo_large.name}"' in page.content.decode()


def test_a_photo_on_a_new_step(as_instructor, own_routine, media):
    response = as_instructor.post(
        reverse("massage:step-create", args=[own_routine.pk]),
        step_data(
            stroke="With photo", photo=upload(encode(noisy_image((600, 400)), "PNG"), "a.png")
        ),
    )
    assert response.status_code == 302
    step = own_routine.steps.get(stroke="With photo")
    assert step.order == 4
    assert (step.photo_width, step.photo_height) == (600, 400)
    assert default_storage.exists(step.photo_large.name)


@pytest.mark.parametrize(
    ("size", "widths"),
    [((1200, 800), [480, 960]), ((600, 400), [480, 600]), ((300, 200), [300])],
)
def test_the_srcset_names_the_real_widths(as_instructor, own_routine, media, size, widths):
    step = own_routine.steps.get(order=2)

    post_step(as_instructor, step, photo=upload(encode(noisy_image(size), "PNG"), "a.png"))

    step.refresh_from_db()
    html = as_instructor.get(reverse("massage:routine-preview", args=[own_routine.pk]))
    srcset = re.search(r'srcset="([^"]*)"', html.content.decode()).group(1)
    assert [int(w) for w in re.findall(r" (\d+)w", srcset)] == widths
    for entry in srcset.split(", "):
        url, width = entry.rsplit(" ", 1)
        with default_storage.open(url.removeprefix("/media/"), "rb") as f:
            assert Image.open(f).width == int(width[:-1])
    assert len(stored_files(media)) == len(widths)  # no duplicate file for a small photo


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"Just some notes, not a picture.\n" * 20, "notes.jpg", "JPEG, PNG or WebP"),
        (png_header_only(20000, 20000), "huge.png", "24 megapixels"),
    ],
    ids=["text-as-jpg", "20000x20000-png"],
)
def test_a_bad_photo_is_refused_and_the_old_one_kept(
    as_instructor, own_routine, media, content, name, message
):
    step = own_routine.steps.get(order=2)
    post_step(as_instructor, step, photo=upload(encode(noisy_image((500, 500)), "PNG"), "ok.png"))
    step.refresh_from_db()
    kept = (step.photo_small.name, step.photo_large.name, step.photo_width, step.photo_height)
    files = stored_files(media)
    assert len(files) == 2

    response = post_step(as_instructor, step, stroke="Changed", photo=upload(content, name))

    assert response.status_code == INVALID
    assert message in response.content.decode()
    step.refresh_from_db()
    assert step.stroke == "Leg glide"
    assert (step.photo_small.name, step.photo_large.name, step.photo_width, step.photo_height) == (
        kept
    )
    assert stored_files(media) == files


def test_removing_a_photo_deletes_its_files(as_instructor, own_routine, media):
    step = own_routine.steps.get(order=2)
    post_step(as_instructor, step, photo=upload(encode(noisy_image((500, 500)), "PNG"), "ok.png"))
    assert len(stored_files(media)) == 2

    response = post_step(as_instructor, step, remove_photo="on")

    assert response.status_code == 302
    step.refresh_from_db()
    assert not step.has_photo
    assert (step.photo_small.name, step.photo_width, step.photo_height) == ("", None, None)
    assert stored_files(media) == []


def test_remove_boxes_show_only_when_there_is_something_to_remove(
    as_instructor, own_routine, media
):
    new = as_instructor.get(reverse("massage:step-create", args=[own_routine.pk])).text
    assert "Remove the photo" not in new
    assert "Remove the narration" not in new
    step = own_routine.steps.get(order=2)
    page = as_instructor.get(reverse("massage:step-update", args=[step.pk])).text
    assert "Remove the photo" not in page

    post_step(as_instructor, step, photo=upload(encode(noisy_image((500, 500)), "PNG"), "a.png"))
    page = as_instructor.get(reverse("massage:step-update", args=[step.pk])).text
    assert elements(page, "input", name="remove_photo")
    assert not elements(page, "input", name="remove_narration_en")

    post_step(as_instructor, step, narration=upload(wav_bytes(), "voice.wav"))
    page = as_instructor.get(reverse("massage:step-update", args=[step.pk])).text
    assert elements(page, "input", name="remove_narration_en")
    assert not elements(page, "input", name="remove_narration_es")


def test_replacing_a_photo_deletes_the_old_files(as_instructor, own_routine, media):
    step = own_routine.steps.get(order=2)
    post_step(as_instructor, step, photo=upload(encode(noisy_image((500, 500)), "PNG"), "a.png"))
    post_step(as_instructor, step, photo=upload(encode(noisy_image((700, 500)), "PNG"), "b.png"))
    step.refresh_from_db()
    assert stored_files(media) == sorted([step.photo_small.name, step.photo_large.name])
    assert step.photo_width == 700


def test_a_copys_photo_survives_removal_from_the_original(
    as_instructor, instructor, own_routine, media
):
    step = own_routine.steps.get(order=2)
    post_step(as_instructor, step, photo=upload(encode(noisy_image((500, 500)), "PNG"), "a.png"))
    as_instructor.post(reverse("massage:routine-duplicate", args=[own_routine.slug]))
    copy = Routine.objects.get(copied_from=own_routine)
    files = stored_files(media)

    post_step(as_instructor, step, remove_photo="on")

    assert stored_files(media) == files
    copied_step = copy.steps.get(order=2)
    assert default_storage.exists(copied_step.photo_large.name)


def test_narration_is_stored(as_instructor, own_routine, media):
    step = own_routine.steps.get(order=2)

    response = post_step(as_instructor, step, narration=upload(wav_bytes(), "voice.wav"))

    assert response.status_code == 302
    step.refresh_from_db()
    assert step.narration.name.startswith(f"routines/{own_routine.pk}/")
    assert step.narration.name.endswith(".wav")
    with step.narration.open("rb") as f:
        assert f.read() == wav_bytes()
    page = as_instructor.get(reverse("massage:routine-edit", args=[own_routine.pk]))
    assert "narrated" in page.content.decode()

    response = post_step(as_instructor, step, remove_narration="on")
    step.refresh_from_db()
    assert not step.narration
    assert stored_files(media) == []


def test_text_renamed_mp3_is_refused(as_instructor, own_routine, media):
    step = own_routine.steps.get(order=2)

    response = post_step(
        as_instructor, step, narration=upload(b"not audio at all\n" * 50, "voice.mp3", "audio/mpeg")
    )

    assert response.status_code == INVALID
    assert "MP3, OGG, M4A or WAV" in response.content.decode()
    step.refresh_from_db()
    assert not step.narration
    assert stored_files(media) == []


def test_deleting_steps_and_routines_deletes_their_files(as_instructor, own_routine, media):
    first, second = own_routine.steps.get(order=1), own_routine.steps.get(order=2)
    for step in (first, second):
        post_step(
            as_instructor,
            step,
            photo=upload(encode(noisy_image((500, 500)), "PNG"), "a.png"),
            narration=upload(wav_bytes(), "voice.wav"),
        )
    assert len(stored_files(media)) == 6

    as_instructor.post(reverse("massage:step-delete", args=[first.pk]))
    assert len(stored_files(media)) == 3

    as_instructor.post(reverse("massage:routine-delete", args=[own_routine.pk]))
    assert stored_files(media) == []


def test_a_failing_narration_save_keeps_the_old_photo_and_leaves_no_new_files(
    as_instructor, own_routine, media, monkeypatch
):
    step = own_routine.steps.get(order=2)
    post_step(as_instructor, step, photo=upload(encode(noisy_image((500, 500)), "PNG"), "a.png"))
    step.refresh_from_db()
    kept = (step.photo_small.name, step.photo_large.name, step.photo_width, step.narration.name)
    files = stored_files(media)

    def disk_full(**kwargs):
        raise OSError("No space left on device")

    monkeypatch.setattr(library_services, "step_set_narration", disk_full)
    response = post_step(
        as_instructor,
        step,
        stroke="Changed",
        photo=upload(encode(noisy_image((700, 500)), "PNG"), "b.png"),
        narration=upload(wav_bytes(), "voice.wav"),
    )

    assert response.status_code == 503
    assert "Nothing was changed: please try again." in response.content.decode()
    step.refresh_from_db()
    assert step.stroke == "Leg glide"
    assert (step.photo_small.name, step.photo_large.name, step.photo_width) == kept[:3]
    assert step.narration.name == kept[3] == ""
    assert stored_files(media) == files  # old photo kept, new renditions removed
    # The page shows the old photo, not the files that were just removed.
    assert f"/media/{step.photo_large.name}" in response.content.decode()


def test_a_failing_new_step_leaves_no_step_and_no_files(
    as_instructor, own_routine, media, monkeypatch
):
    monkeypatch.setattr(library_services, "step_set_narration", lambda **kwargs: 1 / 0)

    with pytest.raises(ZeroDivisionError):
        as_instructor.post(
            reverse("massage:step-create", args=[own_routine.pk]),
            step_data(
                stroke="Doomed",
                photo=upload(encode(noisy_image((600, 400)), "PNG"), "a.png"),
                narration=upload(wav_bytes(), "voice.wav"),
            ),
        )

    assert not Step.objects.filter(stroke="Doomed").exists()
    assert stored_files(media) == []


def test_old_files_are_deleted_only_when_the_change_commits(as_instructor, own_routine, media):
    step = own_routine.steps.get(order=2)
    post_step(as_instructor, step, photo=upload(encode(noisy_image((500, 500)), "PNG"), "a.png"))
    step.refresh_from_db()
    files, step_pk = stored_files(media), step.pk

    with pytest.raises(RuntimeError), transaction.atomic():
        library_services.step_delete(step=step)
        assert stored_files(media) == files  # not yet: the deletion may still roll back
        raise RuntimeError("rolled back")

    assert stored_files(media) == files
    assert Step.objects.filter(pk=step_pk).exists()
