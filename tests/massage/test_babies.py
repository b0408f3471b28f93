from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from massage.ages import describe_age
from massage.models import Baby
from tests.factories import BabyFactory, RoutineFactory


@pytest.mark.parametrize(
    ("born", "today", "expected"),
    [
        (date(2026, 1, 1), date(2026, 1, 4), "3 days"),
        (date(2026, 1, 1), date(2026, 2, 12), "6 weeks"),
        (date(2026, 1, 1), date(2026, 5, 2), "4 months"),
        (date(2025, 1, 10), date(2026, 3, 12), "14 months"),
        (date(2024, 1, 10), date(2026, 3, 12), "2 years 2 months"),
        (date(2024, 1, 10), date(2026, 1, 12), "2 years"),
        (date(2022, 1, 10), date(2025, 12, 12), "3 years 11 months"),
        (date(2026, 3, 1), date(2026, 2, 1), "due in 4 weeks"),
        (date(2026, 3, 1), date(2026, 2, 26), "due in 3 days"),
    ],
)
def test_describe_age_counts_like_parents(born, today, expected):
    assert describe_age(born, today) == expected


def test_ages_of_a_baby_born_early_name_the_corrected_age():
    today = timezone.localdate()
    born = today - timedelta(weeks=10)
    baby = Baby(name="Leo", birth_date=born, due_date=born + timedelta(weeks=8))
    assert baby.age_label() == "10 weeks old, 2 weeks corrected"
    assert baby.age_sentence() == "10 weeks old, 2 weeks corrected"


def test_ages_of_a_baby_born_early_before_the_due_date():
    today = timezone.localdate()
    born = today - timedelta(weeks=3)
    baby = Baby(name="Leo", birth_date=born, due_date=born + timedelta(weeks=8))
    assert baby.age_label() == "3 weeks old, due in 5 weeks"


def test_ages_of_a_baby_born_on_time():
    born = timezone.localdate() - timedelta(weeks=10)
    baby = Baby(name="Ada", birth_date=born, due_date=born + timedelta(days=4))
    assert baby.age_label() == "10 weeks"
    assert baby.age_sentence() == "10 weeks old"


def test_corrected_age_for_a_baby_born_early():
    today = date(2026, 6, 1)
    baby = Baby(name="Leo", birth_date=date(2026, 1, 1), due_date=date(2026, 2, 26))
    assert baby.weeks_early == 8
    assert baby.is_preterm
    assert baby.age_text(today) == "5 months"
    assert baby.corrected_age_text(today) == "3 months"
    assert baby.age_in_months(today) == 3


def test_no_corrected_age_for_a_baby_born_near_the_due_date():
    baby = Baby(name="Ada", birth_date=date(2026, 1, 10), due_date=date(2026, 1, 20))
    assert not baby.is_preterm
    assert baby.corrected_age_text(date(2026, 6, 1)) == ""
    assert baby.age_in_months(date(2026, 6, 1)) == 4


@pytest.mark.parametrize(
    ("born_days_ago", "field"),
    [
        (-3, "birth_date"),  # born in the future
        (365 * 7, "birth_date"),  # far too old for the app
    ],
)
def test_birth_dates_are_checked(born_days_ago, field):
    birth = timezone.localdate() - timedelta(days=born_days_ago)
    with pytest.raises(ValidationError) as error:
        Baby(name="X", birth_date=birth).clean()
    assert field in error.value.message_dict


@pytest.mark.parametrize("due_days_after_birth", [0, 7 * 3, 7 * 20])
def test_due_dates_from_the_birth_date_to_20_weeks_after_are_taken(due_days_after_birth):
    birth = timezone.localdate() - timedelta(weeks=30)
    Baby(name="X", birth_date=birth, due_date=birth + timedelta(days=due_days_after_birth)).clean()


@pytest.mark.parametrize(
    ("due_days_after_birth", "message"),
    [
        (-1, "can't be before the birth date"),
        (-7 * 5, "can't be before the birth date"),
        (7 * 20 + 1, "more than 20 weeks after the birth date"),
        (7 * 30, "more than 20 weeks after the birth date"),
    ],
)
def test_due_dates_before_the_birth_or_over_20_weeks_after_are_refused(
    due_days_after_birth, message
):
    birth = timezone.localdate() - timedelta(weeks=30)
    baby = Baby(name="X", birth_date=birth, due_date=birth + timedelta(days=due_days_after_birth))
    with pytest.raises(ValidationError) as error:
        baby.clean()
    assert message in error.value.message_dict["due_date"][0]


@pytest.mark.parametrize(
    ("due_weeks_after_birth", "message"),
    [(-1, "can&#x27;t be before the birth date"), (21, "more than 20 weeks after")],
)
def test_the_baby_form_refuses_a_due_date_out_of_range(
    client, parent, family, due_weeks_after_birth, message
):
    client.force_login(parent)
    birth = timezone.localdate() - timedelta(weeks=25)
    response = client.post(
        reverse("massage:baby-create", args=[family.pk]),
        {
            "name": "Wren",
            "birth_date": birth.isoformat(),
            "due_date": (birth + timedelta(weeks=due_weeks_after_birth)).isoformat(),
        },
    )
    assert response.status_code == 422
    assert message in response.text
    assert not family.babies.filter(name="Wren").exists()


def test_parent_adds_a_baby_with_a_due_date(client, parent, family):
    client.force_login(parent)
    birth = timezone.localdate() - timedelta(weeks=10)
    response = client.post(
        reverse("massage:baby-create", args=[family.pk]),
        {
            "name": "Twin B",
            "birth_date": birth.isoformat(),
            "due_date": (birth + timedelta(weeks=6)).isoformat(),
        },
    )
    assert response.status_code == 302
    baby = family.babies.get(name="Twin B")
    assert baby.is_preterm
    page = client.get(reverse("today"))
    assert "Twin B" in page.text
    assert "corrected" in page.text


def test_baby_born_in_the_future_is_refused_and_nothing_saved(client, parent, family):
    client.force_login(parent)
    tomorrow = timezone.localdate() + timedelta(days=1)
    response = client.post(
        reverse("massage:baby-create", args=[family.pk]),
        {"name": "Soon", "birth_date": tomorrow.isoformat()},
    )
    assert response.status_code == 422
    assert "can&#x27;t be in the future" in response.text
    assert not family.babies.filter(name="Soon").exists()


def test_absurd_due_date_is_refused_and_the_baby_unchanged(client, parent, baby):
    client.force_login(parent)
    original = (baby.name, baby.birth_date, baby.due_date)
    response = client.post(
        reverse("massage:baby-update", args=[baby.pk]),
        {
            "name": "Renamed",
            "birth_date": baby.birth_date.isoformat(),
            "due_date": (baby.birth_date + timedelta(weeks=40)).isoformat(),
        },
    )
    assert response.status_code == 422
    assert "more than 20 weeks after" in response.text
    baby.refresh_from_db()
    assert (baby.name, baby.birth_date, baby.due_date) == original


def test_garbage_date_is_a_form_error(client, parent, family):
    client.force_login(parent)
    response = client.post(
        reverse("massage:baby-create", args=[family.pk]),
        {"name": "X", "birth_date": "31/31/2026"},
    )
    assert response.status_code == 422
    assert "Enter a valid date" in response.text


def test_parent_edits_and_removes_a_baby(client, parent, family, baby):
    client.force_login(parent)
    response = client.post(
        reverse("massage:baby-update", args=[baby.pk]),
        {"name": "Maya Rose", "birth_date": baby.birth_date.isoformat(), "due_date": ""},
    )
    assert response.status_code == 302
    baby.refresh_from_db()
    assert baby.name == "Maya Rose"
    response = client.post(reverse("massage:baby-delete", args=[baby.pk]))
    assert response.status_code == 302
    assert not Baby.objects.filter(pk=baby.pk).exists()


def test_caregiver_cannot_edit_or_remove_babies(client, caregiver, baby):
    client.force_login(caregiver)
    assert client.get(reverse("massage:baby-update", args=[baby.pk])).status_code == 403
    assert client.post(reverse("massage:baby-delete", args=[baby.pk])).status_code == 403
    assert Baby.objects.filter(pk=baby.pk).exists()


def test_twins_are_both_listed_on_today(client, parent, family):
    BabyFactory(family=family, name="Twin A")
    BabyFactory(family=family, name="Twin B")
    client.force_login(parent)
    page = client.get(reverse("today")).text
    assert "Twin A" in page and "Twin B" in page


def test_today_query_count_does_not_grow_with_babies(
    client, parent, family, django_assert_max_num_queries
):
    client.force_login(parent)
    for _ in range(6):
        BabyFactory(family=family)
    # Session and user, families, babies, and three for the babies' massages (tests/cues).
    with django_assert_max_num_queries(7):
        response = client.get(reverse("today"))
    assert response.status_code == 200


def test_a_baby_born_early_has_both_ages_on_every_page(client, parent, family):
    """Today, the family page, the routine list and a routine's note all write it one way."""
    born = timezone.localdate() - timedelta(weeks=10)
    leo = BabyFactory(
        family=family, name="Leo", birth_date=born, due_date=born + timedelta(weeks=8)
    )
    routine = RoutineFactory(min_age_months=6, max_age_months=24)
    client.force_login(parent)
    both = "10 weeks old, 2 weeks corrected"
    assert both in client.get(reverse("today")).text
    assert both in client.get(reverse("massage:family-detail", args=[family.pk])).text
    listing = client.get(reverse("massage:routine-list"), {"baby": leo.pk}).text
    assert f"Suited to Leo ({both})" in listing
    detail = client.get(reverse("massage:routine-detail", args=[routine.slug])).text
    assert f"Leo is {both}." in detail
    assert "is 0 months" not in detail
    assert both in client.get(reverse("cues:baby-history", args=[leo.pk])).text
