"""The family's look back: a session's review, a baby's history and insight, notes on cues."""

from django.http import Http404


def session_review(request, session_id):
    raise Http404


def cue_note(request, session_id, client_id):
    raise Http404


def baby_history(request, baby_id):
    raise Http404
