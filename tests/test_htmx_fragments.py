"""Every view that answers htmx with a region of its page, asked three ways.

- as a plain page (no htmx): the whole page, or the redirect a plain form gets;
- by htmx (`HX-Request: true`): only the region it swaps;
- as htmx's history restore (`HX-Request` and `HX-History-Restore-Request`): the whole page, as a
  plain request gets it, since htmx puts the answer in place of the whole body.

Each answer varies on `HX-Request`, so no cache hands out a region for its page. Views decide
through `massage.decorators.wants_fragment`; the last test keeps them from reading `request.htmx`
on their own.
"""

from pathlib import Path

import pytest
from django.conf import settings
from django.test.html import Element
from django.urls import reverse

from massage.models import Membership
from massage.services.families import invitation_create
from sessions.models import Outcome
from tests.factories import (
    CueEventFactory,
    InstructorFactory,
    MassageSessionFactory,
    RoutineFactory,
    StepFactory,
    routine_with_areas,
)
from tests.markup import attribute, elements, first_element

INVALID = 422
HTMX = {"HX-Request": "true"}
RESTORE = {"HX-Request": "true", "HX-History-Restore-Request": "true"}
MODES = {"page": {}, "fragment": HTMX, "history-restore": RESTORE}


def _routine_list(client, parent, family, baby, caregiver):
    RoutineFactory(title="Sleepy legs")
    client.force_login(parent)
    return "get", reverse("massage:routine-list"), {"minutes": "10"}, None


def _invitation_revoke(client, parent, family, baby, caregiver):
    invitation, _token = invitation_create(family=family, invited_by=parent)
    client.force_login(parent)
    url = reverse("massage:invitation-revoke", args=[family.pk, invitation.pk])
    return "post", url, {}, reverse("massage:family-detail", args=[family.pk])


def _member_remove(client, parent, family, baby, caregiver):
    member = Membership.objects.get(user=caregiver)
    client.force_login(parent)
    url = reverse("massage:member-remove", args=[family.pk, member.pk])
    return "post", url, {}, reverse("massage:family-detail", args=[family.pk])


def _step_move(client, parent, family, baby, caregiver):
    author = InstructorFactory()
    routine = RoutineFactory(author=author, published=False)
    step = StepFactory(routine=routine)
    StepFactory(routine=routine)
    client.force_login(author)
    url = reverse("massage:step-move", args=[step.pk])
    return "post", url, {"direction": "down"}, reverse("massage:routine-edit", args=[routine.pk])


def _ended_cue(parent, baby):
    session = MassageSessionFactory(
        baby=baby, routine=routine_with_areas(["legs", "arms"]), started_by=parent
    )
    cue = CueEventFactory(session=session, kind="smiling", recorded_by=parent)
    session.finish(outcome=Outcome.COMPLETED)
    return cue


def _cue_note(client, parent, family, baby, caregiver):
    cue = _ended_cue(parent, baby)
    client.force_login(parent)
    url = reverse("cues:cue-note", args=[cue.session_id, cue.client_id])
    review = reverse("cues:session-review", args=[cue.session_id])
    return "post", url, {"note": "Loved the legs"}, f"{review}#cue-{cue.client_id}"


def _cue_note_invalid(client, parent, family, baby, caregiver):
    cue = _ended_cue(parent, baby)
    client.force_login(parent)
    url = reverse("cues:cue-note", args=[cue.session_id, cue.client_id])
    return "post", url, {"note": "x" * 501}, None


# view → (what to ask, the status of its whole page, its region: the element's tag, some of its
# attributes, and how its id begins)
VIEWS = {
    "routine-list": (_routine_list, 200, ("div", {}, "results")),
    "invitation-revoke": (_invitation_revoke, 302, ("section", {"class": "card"}, "invitations")),
    "member-remove": (_member_remove, 302, ("section", {"class": "card"}, "members")),
    "step-move": (_step_move, 302, ("section", {}, "steps")),
    "cue-note": (_cue_note, 302, ("tr", {}, "cue-")),
    "cue-note-invalid": (_cue_note_invalid, INVALID, ("tr", {}, "cue-")),
}


def is_region(element, region):
    tag, attributes, id_start = region
    return (
        isinstance(element, Element)
        and element.name == tag
        and set(attributes.items()) <= set(element.attributes)
        and (attribute(element, "id") or "").startswith(id_start)
    )


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("view", VIEWS)
def test_region_for_htmx_whole_page_otherwise(client, parent, family, baby, caregiver, view, mode):
    ask, page_status, region = VIEWS[view]
    method, url, data, redirect_to = ask(client, parent, family, baby, caregiver)
    response = getattr(client, method)(url, data, headers=MODES[mode])
    html = response.content.decode()

    assert "HX-Request" in response["Vary"]
    if mode == "fragment":
        assert response.status_code == (INVALID if page_status == INVALID else 200)
        assert "<html" not in html
        assert is_region(first_element(html), region), first_element(html)
        return
    assert response.status_code == page_status
    if page_status == 302:
        assert response.url == redirect_to
    else:
        assert "<html" in html
        assert any(is_region(element, region) for element in elements(html, region[0]))


def test_a_history_restore_of_the_library_gets_the_filters_too(client, parent):
    """Back to a filtered list htmx pushed: the form with the chosen filters and the results."""
    client.force_login(parent)
    response = client.get(reverse("massage:routine-list"), {"minutes": "10"}, headers=RESTORE)
    html = response.content.decode()
    assert elements(html, None, **{"class": "filters"})
    assert html.index('class="filters"') < html.index('id="results"')


def test_views_ask_wants_fragment_not_request_htmx():
    """A view reading request.htmx by itself would answer a history restore with a region."""
    readers = []
    for app in ("massage", "sessions", "cues"):
        for path in (Path(settings.BASE_DIR) / app).rglob("*.py"):
            if "request.htmx" in path.read_text():
                readers.append(str(path.relative_to(settings.BASE_DIR)))
    assert readers == []
