"""The admin: every model's pages render, and library routines are edited there safely."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from massage.models import Baby, Family, FocusTag, Invitation, Membership, Routine, Step, User
from massage.services.library import library_load
from tests.conftest import commit_each_post
from tests.factories import (
    BabyFactory,
    InstructorFactory,
    MembershipFactory,
    RoutineFactory,
    StepFactory,
    UserFactory,
)
from tests.massage.test_uploads import encode, noisy_image


@pytest.fixture
def superuser(db):
    return UserFactory(is_staff=True, is_superuser=True)


@pytest.fixture
def as_admin(client, superuser, django_capture_on_commit_callbacks):
    client.force_login(superuser)
    return commit_each_post(client, django_capture_on_commit_callbacks)


def admin_url(model, action, *args):
    return reverse(f"admin:massage_{model._meta.model_name}_{action}", args=args)


def one_of_each():
    membership = MembershipFactory()
    baby = BabyFactory(family=membership.family)
    routine = RoutineFactory(author=InstructorFactory(), published=False)
    step = StepFactory(routine=routine)
    invitation = Invitation.objects.create(
        family=membership.family,
        invited_by=membership.user,
        token_digest="x" * 64,
        expires_at=timezone.now() + timedelta(days=7),
    )
    return {
        User: membership.user,
        Family: membership.family,
        Membership: membership,
        Baby: baby,
        Invitation: invitation,
        Routine: routine,
        Step: step,
        FocusTag: FocusTag.objects.get(slug="sleep"),
    }


def test_every_admin_page_renders_for_a_superuser(as_admin):
    library_load()
    for model, obj in one_of_each().items():
        for url in [
            admin_url(model, "changelist"),
            admin_url(model, "add"),
            admin_url(model, "change", obj.pk),
        ]:
            assert as_admin.get(url).status_code == 200, url


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("kind=library", {"Newborn first touch"}),
        ("kind=instructor", {"Mine"}),
        ("published__exact=0", {"Mine"}),
    ],
)
def test_routine_list_filters_library_and_instructors_routines(as_admin, query, expected):
    library_load()
    RoutineFactory(title="Mine", author=InstructorFactory(), published=False)

    response = as_admin.get(admin_url(Routine, "changelist") + "?" + query)

    titles = {r.title for r in response.context["cl"].result_list}
    assert response.status_code == 200
    assert expected <= titles
    if query != "kind=library":
        assert titles == expected


def routine_form_data(routine, steps_changes=None, **changes):
    """The admin's change form for a routine and its steps, as a browser would post it."""
    data = {
        "slug": routine.slug,
        **_texts(routine, ["title", "summary", "cautions"]),
        "min_age_months": routine.min_age_months,
        "max_age_months": routine.max_age_months,
        "focus": list(routine.focus.values_list("slug", flat=True)),
        "author": routine.author_id or "",
        "copied_from": "",
    }
    for flag in ("uses_oil", "published", "follows_seed"):
        if getattr(routine, flag):
            data[flag] = "on"
    steps = list(routine.steps.order_by("order"))
    data.update(
        {
            "steps-TOTAL_FORMS": len(steps),
            "steps-INITIAL_FORMS": len(steps),
            "steps-MIN_NUM_FORMS": 0,
            "steps-MAX_NUM_FORMS": 1000,
        }
    )
    for i, step in enumerate(steps):
        fields = {
            "id": step.pk,
            "routine": routine.pk,
            "order": step.order,
            "body_area": step.body_area,
            **_texts(step, ["stroke", "instruction", "caution"]),
            "motion": step.motion,
            "seconds": step.seconds or "",
            "repetitions": step.repetitions or "",
            "seconds_per_repetition": step.seconds_per_repetition or "",
        }
        if step.optional:
            fields["optional"] = "on"
        fields.update(_in_english((steps_changes or {}).get(step.order, {})))
        data.update({f"steps-{i}-{name}": value for name, value in fields.items()})
    data.update(_in_english(changes))
    return data


TEXTS = {"title", "summary", "cautions", "stroke", "instruction", "caution"}


def _texts(obj, names):
    """Each text's column in every language (title_en, title_es...), as the admin shows them."""
    return {col: getattr(obj, col) or "" for name in names for col in (f"{name}_en", f"{name}_es")}


def _in_english(changes):
    """A change named without a language ("title") is to the English text."""
    return {f"{k}_en" if k in TEXTS else k: v for k, v in changes.items()}


def test_an_admin_edit_to_a_library_routine_survives_reloading_the_library(as_admin):
    library_load()
    routine = Routine.objects.get(slug="newborn-first-touch")
    assert routine.follows_seed

    response = as_admin.post(
        admin_url(Routine, "change", routine.pk),
        routine_form_data(routine, {3: {"stroke": "Leg glide, slower"}}, title="First touch"),
    )

    assert response.status_code == 302, response.context["errors"] if response.context else ""
    routine.refresh_from_db()
    assert (routine.title, routine.follows_seed) == ("First touch", False)
    assert routine.steps.get(order=3).stroke == "Leg glide, slower"

    counts = library_load()

    routine.refresh_from_db()
    assert counts["kept"] == 1
    assert routine.title == "First touch"
    assert routine.steps.get(order=3).stroke == "Leg glide, slower"


def test_ticking_follows_seed_again_hands_the_routine_back_to_the_loader(as_admin):
    library_load()
    routine = Routine.objects.get(slug="newborn-first-touch")
    Routine.objects.filter(pk=routine.pk).update(title="Admin title", follows_seed=False)
    routine.refresh_from_db()

    response = as_admin.post(
        admin_url(Routine, "change", routine.pk), routine_form_data(routine, follows_seed="on")
    )

    assert response.status_code == 302
    routine.refresh_from_db()
    assert routine.follows_seed
    library_load()
    routine.refresh_from_db()
    assert routine.title == "Newborn first touch"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"seconds": "0"}, "Between 1 and 600 seconds."),
        ({"order": "2"}, "already exists"),
    ],
)
def test_a_bad_step_in_the_admin_is_a_form_error(as_admin, changes, message):
    routine = RoutineFactory()
    StepFactory(routine=routine, stroke="First")
    StepFactory(routine=routine, stroke="Second")

    response = as_admin.post(
        admin_url(Routine, "change", routine.pk), routine_form_data(routine, {1: changes})
    )

    assert response.status_code == 200
    assert message in response.content.decode()
    assert list(routine.steps.order_by("order").values_list("stroke", "seconds")) == [
        ("First", 30),
        ("Second", 30),
    ]


def test_a_photo_uploaded_in_the_admin_is_processed_like_in_the_studio(
    as_admin, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    routine = RoutineFactory()
    step = StepFactory(routine=routine)
    photo = SimpleUploadedFile("IMG_1.png", encode(noisy_image((1200, 800)), "PNG"))
    data = routine_form_data(routine)
    data["steps-0-photo"] = photo

    response = as_admin.post(admin_url(Routine, "change", routine.pk), data)

    assert response.status_code == 302
    step.refresh_from_db()
    assert step.photo_large.name.endswith(".webp")
    assert (step.photo_width, step.photo_height) == (960, 640)
    assert (tmp_path / step.photo_small.name).exists()


def test_deleting_a_step_in_the_admin_deletes_its_files(as_admin, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    routine = RoutineFactory()
    step = StepFactory(routine=routine)
    data = routine_form_data(routine)
    data["steps-0-photo"] = SimpleUploadedFile("a.png", encode(noisy_image((600, 400)), "PNG"))
    as_admin.post(admin_url(Routine, "change", routine.pk), data)
    step.refresh_from_db()
    assert (tmp_path / step.photo_large.name).exists()

    response = as_admin.post(admin_url(Step, "delete", step.pk), {"post": "yes"})

    assert response.status_code == 302
    assert not Step.objects.filter(pk=step.pk).exists()
    assert not any(p.is_file() for p in tmp_path.rglob("*"))


def test_the_admin_shows_and_saves_both_languages(as_admin):
    library_load()
    routine = Routine.objects.get(slug="tummy-comfort")
    html = as_admin.get(admin_url(Routine, "change", routine.pk)).content.decode()
    for name in ["title", "summary", "cautions"]:
        assert f'name="{name}_en"' in html and f'name="{name}_es"' in html
        assert f'name="{name}"' not in html  # the untranslated column is not offered
    for name in ["stroke", "instruction", "caution", "narration"]:
        assert f'name="steps-0-{name}_en"' in html and f'name="steps-0-{name}_es"' in html
    assert "Alivio para la barriga" in html

    response = as_admin.post(
        admin_url(Routine, "change", routine.pk),
        routine_form_data(
            routine, {2: {"stroke_es": "Manos quietas, despacio"}}, title_es="Alivio"
        ),
    )
    assert response.status_code == 302
    routine.refresh_from_db()
    assert (routine.title_en, routine.title_es) == ("Tummy comfort", "Alivio")
    assert routine.steps.get(order=2).stroke_es == "Manos quietas, despacio"
