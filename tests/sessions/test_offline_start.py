"""Starting a massage on the phone with no network: the page that plays it, and which readiness
answers the phone may start on by itself (the browser's side: test_offline_massage.py in
tests/browser)."""

import json
import re

from django.urls import reverse
from django.utils import timezone

from sessions.models import MassageSession
from sessions.readiness import calm_answers
from tests.factories import BabyFactory, RoutineFactory, routine_with_areas


def json_data(page, element_id):
    found = re.search(rf'<script id="{element_id}" type="application/json">(.*?)</script>', page)
    return json.loads(found.group(1))


def offline_player(baby, routine):
    return reverse("sessions:session-offline-player", args=[baby.pk, routine.slug])


def test_the_offline_player_plays_the_routine_and_stores_nothing(
    as_parent, baby, django_assert_max_num_queries
):
    routine = routine_with_areas(["legs", "feet", "arms"])
    with django_assert_max_num_queries(14):
        response = as_parent.get(offline_player(baby, routine))
    assert response.status_code == 200
    page = response.content.decode()
    start = reverse("sessions:session-start", args=[baby.pk, routine.slug])
    assert f'data-offline-start="{start}"' in page
    data = json_data(page, "player-data")
    assert data["session"] == 0
    assert [step["id"] for step in data["steps"]] == list(
        routine.steps.order_by("order").values_list("pk", flat=True)
    )
    # Without JavaScript it says what it is, with no form that would lead nowhere.
    assert "needs JavaScript" in page
    assert reverse("sessions:session-step", args=[0]) not in page
    assert not MassageSession.objects.exists()


def test_the_offline_player_queries_do_not_grow_with_the_routine(
    as_parent, baby, django_assert_max_num_queries
):
    short = routine_with_areas(["legs"])
    long = routine_with_areas(["legs", "feet", "arms", "back", "face", "chest"] * 3)
    with django_assert_max_num_queries(14) as few:
        as_parent.get(offline_player(baby, short))
    with django_assert_max_num_queries(len(few.captured_queries)):
        as_parent.get(offline_player(baby, long))


def test_a_routine_with_no_steps_has_no_offline_player(as_parent, baby):
    routine = RoutineFactory()
    assert as_parent.get(offline_player(baby, routine)).status_code == 404


def test_another_familys_baby_has_no_offline_player(as_parent, db):
    other = BabyFactory()
    routine = routine_with_areas(["legs"])
    assert as_parent.get(offline_player(other, routine)).status_code == 404


def test_calm_answers_are_those_that_bring_no_advice(baby):
    tummy = routine_with_areas(["legs", "tummy"])
    calm = calm_answers(
        steps=list(tummy.steps.all()), baby=baby, routine=tummy, today=timezone.localdate()
    )
    assert calm == {
        "health": ["well"],
        "vaccination": ["no"],
        "skin": ["clear"],
        "cord": ["healed"],
        "feed": ["over_30"],
        "state": ["quiet_alert"],
    }
    # No tummy strokes: no cord question, and an upset tummy leaves nothing out.
    legs = routine_with_areas(["legs"])
    calm = calm_answers(
        steps=list(legs.steps.all()), baby=baby, routine=legs, today=timezone.localdate()
    )
    assert "cord" not in calm
    assert calm["health"] == ["well", "tummy_upset"]


def test_the_start_page_tells_the_phone_what_it_may_start_on_offline(as_parent, baby):
    routine = routine_with_areas(["legs"])
    page = as_parent.get(
        reverse("sessions:session-start", args=[baby.pk, routine.slug])
    ).content.decode()
    assert f'data-offline-player="{offline_player(baby, routine)}"' in page
    assert f'data-routine="{routine.slug}"' in page
    assert json_data(page, "readiness-offline")["feed"] == ["over_30"]
