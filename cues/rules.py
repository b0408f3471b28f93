"""Baby-led responses: what the app suggests when a cue is logged.

The instructors' rule of thumb (DOMAIN.md §7): one subtle disengagement cue → slow down and hold
still; two disengagement cues close together, or any potent one → stop and comfort. Engagement
cues get a quiet word of encouragement, never an interruption.

The player runs the same rules in the browser so the answer shows within a frame of the tap, even
offline; `player_config()` hands it these very parameters and words, so the two can't drift apart.
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from cues.models import CUES, Valence

# Two disengagement cues this close together count as a cluster.
CLUSTER_WINDOW_SECONDS = 60
CLUSTER_SIZE = 2


class Level:
    ACKNOWLEDGE = "acknowledge"
    SLOW_DOWN = "slow_down"
    PAUSE = "pause"


@dataclass(frozen=True)
class Prompt:
    level: str
    message: str

    def as_dict(self):
        return {"level": self.level, "message": self.message}


def acknowledgements():
    return [
        _("Lovely: your baby is enjoying this."),
        _("Your baby is with you. Keep going just like this."),
        _("A happy cue, noted."),
    ]


def messages():
    return {
        Level.SLOW_DOWN: _("Slow down and hold still for a moment. Watch how your baby settles."),
        Level.PAUSE: _(
            "Your baby is asking for a break. Stop, hold them close and comfort them. "
            "Then choose how to go on."
        ),
    }


def respond(kind: str, seconds: float, earlier: list[tuple[str, float]]) -> Prompt:
    """The prompt for a cue of `kind` logged `seconds` into the session.

    `earlier` holds the session's other standing cues as (kind, seconds into the session).
    """
    info = CUES[kind]
    if info.valence == Valence.ENGAGEMENT:
        count = sum(1 for other, _s in earlier if CUES[other].engaging)
        choices = acknowledgements()
        return Prompt(Level.ACKNOWLEDGE, choices[count % len(choices)])
    if info.potent:
        return Prompt(Level.PAUSE, messages()[Level.PAUSE])
    recent = sum(
        1
        for other, at in earlier
        if not CUES[other].engaging and seconds - CLUSTER_WINDOW_SECONDS <= at <= seconds
    )
    if recent + 1 >= CLUSTER_SIZE:
        return Prompt(Level.PAUSE, messages()[Level.PAUSE])
    return Prompt(Level.SLOW_DOWN, messages()[Level.SLOW_DOWN])


def player_config() -> dict:
    """The rules' parameters and words for the player's copy of `respond`."""
    return {
        "window": CLUSTER_WINDOW_SECONDS,
        "cluster": CLUSTER_SIZE,
        "cues": {
            kind: {"engaging": info.engaging, "potent": info.potent, "label": str(info.label)}
            for kind, info in CUES.items()
        },
        "acknowledgements": acknowledgements(),
        "messages": messages(),
    }
