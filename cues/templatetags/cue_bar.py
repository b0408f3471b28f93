"""``{% load cue_bar %}{% cue_bar session step %}``: the cue bar the player shows under the thumb.

The player (in `sessions`) includes it by template only, so `sessions` never imports `cues`.
"""

import functools
import uuid
from datetime import timedelta

from django import template
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from cues import rules
from cues.models import CUES, CueEvent, Valence
from cues.services import UNDO_SECONDS, prompt_for

register = template.Library()

# Labels short enough for a button a thumb's width wide; the full label is read out to screen
# readers and shown in "More".
SHORT_LABELS = {
    "eye_contact": _("Eye contact"),
    "smiling": _("Smiling"),
    "cooing": _("Cooing"),
    "smooth_movements": _("Smooth moves"),
    "turning_away": _("Turns away"),
    "crying": _("Crying"),
    "frowning": _("Frowning"),
    "squirming": _("Squirming"),
}


def _groups():
    def group(title, valence, potent):
        return {
            "title": title,
            "engaging": valence == Valence.ENGAGEMENT,
            "cues": [i for i in CUES.values() if i.valence == valence and i.potent == potent],
        }

    return [
        group(_("Enjoying it: clear signs"), Valence.ENGAGEMENT, True),
        group(_("Enjoying it: quieter signs"), Valence.ENGAGEMENT, False),
        group(_("Needs a break: clear signs"), Valence.DISENGAGEMENT, True),
        group(_("Needs a break: quieter signs"), Valence.DISENGAGEMENT, False),
    ]


def _just_logged(request, session):
    """Without JavaScript: the cue the parent just logged (named in the address), if it stands.

    Returns it with whether it asks for a pause not yet answered, and whether undo still works.
    """
    try:
        client_id = uuid.UUID(request.GET.get("cue", ""))
    except (AttributeError, ValueError):
        return None
    cue = CueEvent.objects.logged().filter(session=session, client_id=client_id).first()
    if cue is None:
        return None
    cue.asks_pause = not cue.response and prompt_for(cue).level == rules.Level.PAUSE
    cue.can_undo = timezone.now() - cue.created_at <= timedelta(seconds=UNDO_SECONDS)
    return cue


def _words():
    return {
        "pauseTitle": _("%(cue)s: time for a break"),
        "undone": _("Cue taken back."),
        "comfortHint": _("Take your time. Tap the picture to go on when your baby is ready."),
        "saving": {
            "notSaved": _("Not saved"),
            "logIn": _("Not saved yet: log in again to save your cues."),
            "reload": _("Not saved yet: reload the page to save your cues."),
            "later": _("Not saved yet: your cues will be sent again in a moment."),
            "refused": _("The app could not save it."),
            # The badge while the network is down; {n} is the number of cues waiting.
            "waitingOne": _("Offline: 1 cue waiting"),
            "waitingMany": _("Offline: {n} cues waiting"),
        },
    }


@functools.lru_cache(maxsize=16)
def _choices(language):
    """The cue buttons and the "More cues" list: the same for every massage in a language."""
    common = [info for info in CUES.values() if info.common]
    return render_to_string(
        "cues/partials/cue_choices.html",
        {
            "engaging": [(i, SHORT_LABELS[i.kind]) for i in common if i.engaging],
            "unsettled": [(i, SHORT_LABELS[i.kind]) for i in common if not i.engaging],
            "groups": _groups(),
        },
    )


@functools.lru_cache(maxsize=16)
def _rules_config(language):
    return rules.player_config() | _words()


@register.inclusion_tag("cues/partials/cue_bar.html", takes_context=True)
def cue_bar(context, session, step):
    language = get_language()
    return {
        "session": session,
        "step": step,
        "csrf_token": context.get("csrf_token"),
        "choices": _choices(language),
        "client_id": uuid.uuid4(),
        "rules_config": _rules_config(language),
        "just_logged": _just_logged(context.get("request"), session),
    }
