"""The player's step pictures: only the current step's in the page, the others in one file per
version of the routine that the browser keeps (sessions.views.routine_figures)."""

import re

import pytest
from django.urls import reverse

from massage.models import Step
from tests.factories import (
    InstructorFactory,
    MassageSessionFactory,
    RoutineFactory,
    StepFactory,
    UserFactory,
)
from tests.markup import attribute, elements


@pytest.fixture
def routine(db):
    routine = RoutineFactory()
    for area in ["legs", "feet", "tummy"]:
        StepFactory(routine=routine, body_area=area)
    return routine


def figures_url(page: str) -> str:
    return re.search(r'data-figures-url="([^"]+)"', page).group(1)


def player(client, session) -> str:
    response = client.get(reverse("sessions:session-player", args=[session.pk]))
    assert response.status_code == 200
    return response.content.decode()


def pictures(html: str) -> dict[str, bool]:
    """Step id → whether its section (or the file's entry) has a picture."""
    found = {}
    for section in elements(html, "section", **{"class": "player-step"}):
        figure = elements(section, "div", **{"class": "player-figure"})[0]
        found[attribute(section, "data-step-id")] = bool(elements(figure, "svg"))
    return found


def test_the_page_draws_only_the_current_step_and_the_file_draws_them_all(as_parent, baby, routine):
    steps = list(routine.steps.order_by("order"))
    session = MassageSessionFactory(routine=routine, baby=baby, current_step=steps[1])
    page = player(as_parent, session)
    assert pictures(page) == {str(s.pk): s == steps[1] for s in steps}

    response = as_parent.get(figures_url(page))
    assert response.status_code == 200
    file = response.content.decode()
    entries = [attribute(div, "data-figure-for") for div in elements(file, "div")]
    assert [e for e in entries if e] == [str(s.pk) for s in steps]
    # The same picture as the page draws for its own step.
    inline = page.split(f'data-step-id="{steps[1].pk}"')[1].split('<span class="player-side')[0]
    drawn = inline.split('data-action="toggle">', 1)[1].strip()
    assert drawn in response.content.decode()


def test_a_library_routine_is_kept_a_year_by_any_cache_and_anyone_may_fetch_it(
    client, as_parent, baby, routine
):
    page = player(as_parent, MassageSessionFactory(routine=routine, baby=baby))
    response = as_parent.get(figures_url(page))
    assert response["Cache-Control"] == "public, max-age=31536000, immutable"
    client.logout()
    anonymous = client.get(figures_url(page))
    assert anonymous.status_code == 200
    assert anonymous.content == response.content
    assert "public" in anonymous["Cache-Control"]


def test_an_edit_gives_a_new_address_and_the_old_one_leads_to_it(as_parent, baby, routine):
    session = MassageSessionFactory(routine=routine, baby=baby)
    before = figures_url(player(as_parent, session))
    Step.objects.filter(routine=routine, order=1).update(body_area="arms")
    after = figures_url(player(as_parent, session))
    assert after != before
    old = as_parent.get(before)
    assert (old.status_code, old.url) == (302, after)
    assert "immutable" not in old["Cache-Control"]
    assert as_parent.get(after).status_code == 200


def test_an_instructors_routine_is_private_and_only_for_those_who_may_see_it(
    client, as_parent, baby, parent
):
    author = InstructorFactory()
    routine = RoutineFactory(author=author, published=True)
    StepFactory(routine=routine)
    # A massage the family may run keeps its pictures, assigned or not (it started earlier).
    page = player(as_parent, MassageSessionFactory(routine=routine, baby=baby))
    url = figures_url(page)
    response = as_parent.get(url)
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, max-age=31536000, immutable"
    client.force_login(author)
    assert client.get(url).status_code == 200
    client.force_login(UserFactory())
    assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("version", ["x" * 201, "not%20a%20version", "a.b"])
def test_an_address_that_is_no_version_at_all_is_a_404(as_parent, routine, version):
    url = reverse("sessions:routine-figures", args=[routine.pk, "v"]).replace("/v/", f"/{version}/")
    assert as_parent.get(url).status_code == 404


def test_a_routine_with_many_steps_costs_the_same_few_queries(
    as_parent, baby, routine, django_assert_max_num_queries
):
    session = MassageSessionFactory(routine=routine, baby=baby)
    page = player(as_parent, session)
    for _ in range(30):
        StepFactory(routine=routine)
    url = figures_url(player(as_parent, session))
    with django_assert_max_num_queries(6):
        assert as_parent.get(url).status_code == 200
    assert url != figures_url(page)
