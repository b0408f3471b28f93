from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from massage.ages import describe_age
from massage.models import Baby
from tests.factories import BabyFactory


@pytest.mark.parametrize(
    ("born", "today", "expected"),
    [
        (date(2026, 1, 1), date(2026, 1, 4), "3 days"),
        (date(2026, 1, 1), date(2026, 2, 12), "6 weeks"),
        (date(2026, 1, 1), date(2026, 5, 2), "4 months"),
        (date(2025, 1, 10), date(2026, 3, 12), "14 months"),
        (date(2024, 1, 10), date(2026, 3, 12), "2 years 2 months"),
        (date(2024, 1, 10), date(2026, 1, 12), "2 years"),
        (date(2026, 3, 1), date(2026, 2, 1), "due in 4 weeks"),
    ],
)
def test_describe_age_counts_like_parents(born, today, expected):
    assert describe_age(born, today) == expected


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
    ("birth_offset_days", "due_offset_days", "field"),
    [
        (-3, None, "birth_date"),  # born in the future
        (365 * 7, None, "birth_date"),  # far too old for the app
        (30, -30 + 7 * 19, "due_date"),  # due date 19 weeks after birth
        (60, -60 - 7 * 5, "due_date"),  # due date 5 weeks before birth
    ],
)
def test_baby_dates_are_checked(birth_offset_days, due_offset_days, field):
    today = timezone.localdate()
    birth = today - timedelta(days=birth_offset_days)
    due = birth + timedelta(days=due_offset_days + birth_offset_days) if due_offset_days else None
    baby = Baby(name="X", birth_date=birth, due_date=due)
    with pytest.raises(ValidationError) as error:
        baby.clean()
    assert field in error.value.message_dict


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
    assert "more than 18 weeks after" in response.text
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
