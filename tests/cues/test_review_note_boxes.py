"""The review's note box per cue is drawn from the cue itself (cues.pages.SavedNote), not from a
form built for each cue, and looks exactly as the form would draw it."""

import re

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from cues import forms, pages
from sessions.models import Outcome
from tests.factories import CueEventFactory, MassageSessionFactory, routine_with_areas


@pytest.fixture
def session(baby, parent):
    routine = routine_with_areas(["legs", "tummy"], title="Short calm")
    legs, tummy = routine.steps.order_by("order")
    session = MassageSessionFactory(routine=routine, baby=baby, started_by=parent)
    notes = ["", 'Loved it: "more" <b>please</b> & again', "Fussed a bit"]
    for k in range(12):
        CueEventFactory(
            session=session,
            step=legs if k % 2 else tummy,
            kind="smiling" if k % 3 else "squirming",
            seconds_into_session=10 * k,
            note=notes[k % 3],
        )
    session.finish(outcome=Outcome.COMPLETED, at=timezone.now())
    return session


def page(client, session):
    cache.clear()  # drawn, not taken from the cache (cues.pages.family_review_page)
    html = client.get(reverse("cues:session-review", args=[session.pk])).content.decode()
    # Without what changes on every request: the CSRF token and the scripts' nonce.
    return re.sub(r'(csrfmiddlewaretoken" value=|X-CSRFToken": |nonce=)"[^"]+"', "", html)


def test_the_note_boxes_are_what_the_forms_would_draw(as_parent, session, monkeypatch):
    drawn = page(as_parent, session)
    assert drawn.count('name="note"') == 12
    assert "Loved it: &quot;more&quot; &lt;b&gt;please&lt;/b&gt; &amp; again" in drawn
    monkeypatch.setattr(pages, "SavedNote", lambda cue: pages.note_form(cue))
    assert page(as_parent, session) == drawn


def test_a_review_builds_no_note_form_per_cue(as_parent, session, monkeypatch):
    built = []
    real = forms.CueNoteForm.__init__

    def counting(self, *args, **kwargs):
        built.append(1)
        real(self, *args, **kwargs)

    monkeypatch.setattr(forms.CueNoteForm, "__init__", counting)
    assert 'name="note"' in page(as_parent, session)
    assert built == []
