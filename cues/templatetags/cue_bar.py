"""``{% load cue_bar %}{% cue_bar session step %}``: the cue bar the player shows under the thumb.

The player (in `sessions`) includes it by template only, so `sessions` never imports `cues`.
"""

import uuid

from django import template
from django.utils.translation import gettext_lazy as _

from cues import rules
from cues.models import CUES, CueEvent, Valence
from cues.services import prompt_for

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


def _pending_pause(request, session):
    """Without JavaScript: the cue just logged, if it asks for a pause not yet answered."""
    raw = request.GET.get("cue") if request else None
    try:
        client_id = uuid.UUID(raw) if raw else None
    except ValueError:
        return None
    if client_id is None:
        return None
    cue = CueEvent.objects.logged().filter(session=session, client_id=client_id).first()
    if cue is None or cue.response:
        return None
    prompt = prompt_for(cue)
    return cue if prompt.level == rules.Level.PAUSE else None


def _words():
    return {
        "pauseTitle": _("%(cue)s: time for a break"),
        "undone": _("Cue taken back."),
        "comfortHint": _("Take your time. Tap the picture to go on when your baby is ready."),
    }


@register.inclusion_tag("cues/partials/cue_bar.html", takes_context=True)
def cue_bar(context, session, step):
    common = [info for info in CUES.values() if info.common]
    return {
        "session": session,
        "step": step,
        "csrf_token": context.get("csrf_token"),
        "engaging": [(i, SHORT_LABELS[i.kind]) for i in common if i.engaging],
        "unsettled": [(i, SHORT_LABELS[i.kind]) for i in common if not i.engaging],
        "groups": _groups(),
        "client_id": uuid.uuid4(),
        "rules_config": rules.player_config() | _words(),
        "pending": _pending_pause(context.get("request"), session),
    }
