"""Reads of cues, always through the user's own families (via the session selectors)."""

from django.shortcuts import get_object_or_404

from cues.models import CueEvent
from sessions import selectors as session_selectors


def cue_of(user, session_id, client_id) -> CueEvent:
    """A cue of one of the user's sessions, found by the id its client gave it; 404 otherwise."""
    session = session_selectors.session_of(user, session_id)
    cue = get_object_or_404(
        CueEvent.objects.select_related("session"), session=session, client_id=client_id
    )
    cue.session = session
    return cue
