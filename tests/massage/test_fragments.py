"""A routine's steps are drawn once and kept in the cache (massage/fragments.py): the next page
reuses them, and an edit to a step, or another language, draws them again."""

import re

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import translation

from massage import fragments
from massage.models import Step
from massage.templatetags import display
from tests.factories import MassageSessionFactory, RoutineFactory, StepFactory


@pytest.fixture
def drawn(monkeypatch):
    """Counts the body maps drawn, and starts from an empty cache."""
    cache.clear()
    calls = []
    real = display.render_bodymap

    def counting(**kwargs):
        calls.append(kwargs["key"])
        return real(**kwargs)

    monkeypatch.setattr(display, "render_bodymap", counting)
    yield calls
    cache.clear()


@pytest.fixture
def long_routine(db):
    routine = RoutineFactory()
    StepFactory.create_batch(6, routine=routine)
    return routine


def step_list(response):
    page = response.content.decode()
    return page[page.index('<ol class="step-list">') : page.index("</ol>")]


def detail(client, routine):
    return client.get(reverse("massage:routine-detail", args=[routine.slug]))


def test_the_routine_page_draws_its_steps_once_then_reuses_them(client, long_routine, drawn):
    first = detail(client, long_routine)
    assert first.status_code == 200
    assert len(drawn) == 6
    second = detail(client, long_routine)
    assert len(drawn) == 6
    assert step_list(second) == step_list(first)


def test_an_edited_step_shows_at_once_on_the_routine_page(client, long_routine, drawn):
    step = long_routine.steps.order_by("order")[2]
    assert "Glide slowly from the thigh" in detail(client, long_routine).content.decode()
    Step.objects.filter(pk=step.pk).update(instruction="Rest both hands on the knees.")
    page = detail(client, long_routine).content.decode()
    assert "Rest both hands on the knees." in page
    assert page.count("Glide slowly from the thigh") == 5
    # Any change draws the routine's steps again, once; the next page reuses them.
    assert len(drawn) == 12
    detail(client, long_routine)
    assert len(drawn) == 12


def test_an_edited_step_shows_at_once_in_the_player(as_parent, baby, long_routine, drawn):
    steps = list(long_routine.steps.order_by("order"))
    session = MassageSessionFactory(routine=long_routine, baby=baby, current_step=steps[0])
    player = reverse("sessions:session-player", args=[session.pk])
    page = as_parent.get(player).content.decode()
    as_parent.get(player)
    assert len(drawn) == 1  # the page draws the current step only
    as_parent.get(figures_url(page))
    as_parent.get(figures_url(page))
    assert len(drawn) == 1 + 6  # the file all of them, once
    Step.objects.filter(pk=steps[4].pk).update(stroke="Butterfly", body_area="chest")
    edited = as_parent.get(player).content.decode()
    assert ">Butterfly</h1>" in edited
    assert figures_url(edited) != figures_url(page)
    assert len(drawn) == 1 + 6  # the current step did not change
    assert "bodymap--area-chest" in as_parent.get(figures_url(edited)).content.decode()
    assert len(drawn) == 1 + 6 + 6


def figures_url(page):
    return re.search(r'data-figures-url="([^"]+)"', page).group(1)


def test_another_language_draws_its_own_steps(long_routine, drawn):
    steps = list(long_routine.steps.order_by("order"))
    template = "massage/partials/routine_step.html"
    english = fragments.step_fragments(steps, template)
    assert fragments.step_fragments(steps, template) == english
    assert len(drawn) == 6
    with translation.override("de"):
        fragments.step_fragments(steps, template)
    assert len(drawn) == 12
    assert fragments.step_fragments(steps, template) == english
    assert len(drawn) == 12


def test_a_step_with_a_photo_is_never_taken_from_the_cache(long_routine, drawn, monkeypatch):
    # Its address may be a signed link that expires; the others still come from the cache.
    steps = list(long_routine.steps.order_by("order"))
    monkeypatch.setattr(Step, "has_photo", property(lambda step: step.pk == steps[0].pk))
    rendered = []

    def render(template_name, context):
        rendered.append(context["step"].pk)
        return f"<p>{context['step'].pk}</p>"

    monkeypatch.setattr(fragments, "render_to_string", render)
    first = fragments.step_fragments(steps, "sessions/partials/player_step.html")
    assert first == [f"<p>{step.pk}</p>" for step in steps]
    assert sorted(rendered) == sorted(step.pk for step in steps)
    assert fragments.step_fragments(steps, "sessions/partials/player_step.html") == first
    assert rendered[6:] == [steps[0].pk]
