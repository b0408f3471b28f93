"""What the cues of many massages suggest: strokes a baby enjoys, areas to go gently on.

Pure functions of counts the database has already added up (no queries here), so the rules can be
tested on their own. Every item carries the counts behind it, and nothing is said until there is
enough to go on: a few cues can be chance (a tired day, a wet nappy), so an item needs cues from at
least `MIN_ITEM_SESSIONS` massages, and the whole insight waits for `MIN_SESSIONS` ended massages
with cues noted.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from cues.models import CUES

WHOLE_BODY = "whole_body"

# Ended massages with at least one cue before anything is suggested.
MIN_SESSIONS = 3
# Cues of the telling kind a stroke or an area needs before it is named.
MIN_CUES = 3
# ... seen over at least this many massages.
MIN_ITEM_SESSIONS = 2
# A stroke is "enjoyed" when at least this share of its cues are engagement cues.
ENJOY_SHARE = 0.75
# An area needs a gentle touch when at least this share of its cues are disengagement cues.
GENTLE_SHARE = 0.4
MAX_ENJOYED = 3
MAX_GENTLE = 3


@dataclass
class Tally:
    """The cues logged on one stroke or one body area, over many massages."""

    name: str  # the stroke, or the area's label
    area: str  # the body area's code
    sessions: int = 0  # ended massages in which it was done
    area_label: str = ""
    kinds: dict[str, int] = field(default_factory=dict)

    @property
    def engaging(self) -> int:
        return sum(n for kind, n in self.kinds.items() if CUES[kind].engaging)

    @property
    def disengaging(self) -> int:
        return sum(n for kind, n in self.kinds.items() if not CUES[kind].engaging)

    @property
    def total(self) -> int:
        return self.engaging + self.disengaging

    def top_kinds(self, *, engaging: bool, limit: int = 2) -> list[tuple[str, int]]:
        """The most frequent cue kinds of one side, as (label, count), most frequent first."""
        ranked = sorted(
            ((kind, n) for kind, n in self.kinds.items() if CUES[kind].engaging == engaging),
            key=lambda item: (-item[1], str(CUES[item[0]].label)),
        )
        return [(str(CUES[kind].label), n) for kind, n in ranked[:limit]]


@dataclass(frozen=True)
class Item:
    name: str
    area: str
    area_label: str
    engaging: int
    disengaging: int
    sessions: int
    evidence: str


@dataclass(frozen=True)
class Insight:
    ready: bool
    sessions: int  # ended massages with cues so far
    needed: int = MIN_SESSIONS
    enjoyed: list[Item] = field(default_factory=list)
    gentle: list[Item] = field(default_factory=list)

    @property
    def still_needed(self) -> int:
        return max(self.needed - self.sessions, 0)


def tally(
    rows: Iterable[Mapping],
    *,
    stroke_sessions: Mapping[tuple[str, str], int],
    area_sessions: Mapping[str, int],
    area_labels: Mapping[str, str],
) -> tuple[list[Tally], list[Tally]]:
    """Fold rows of {body_area, stroke, kind, n} into tallies per stroke and per area; a row's
    `name`, when it has one, is the stroke's name to show.

    The sessions a stroke or area was done in come from the step visits; a stroke with cues but
    no visit on record still counts one massage. Whole-body steps (asking permission, the still
    hold at the end) are rituals, not strokes on a part of the body: a smile when asked says
    "yes, go on", not "I enjoy this stroke", so they are left out.
    """
    strokes: dict[tuple[str, str], Tally] = {}
    areas: dict[str, Tally] = {}
    # Each label translated once, not once per row (two years of massages are thousands).
    labels = {area: str(label) for area, label in area_labels.items()}
    for row in rows:
        kind, n = row["kind"], row["n"]
        if kind not in CUES or not n:
            continue
        area, stroke = row["body_area"], row["stroke"]
        if area == WHOLE_BODY:
            continue
        label = labels.get(area, area)
        name = row.get("name") or stroke
        s = strokes.setdefault((area, stroke), Tally(name=name, area=area, area_label=label))
        s.kinds[kind] = s.kinds.get(kind, 0) + n
        a = areas.setdefault(area, Tally(name=label, area=area, area_label=label))
        a.kinds[kind] = a.kinds.get(kind, 0) + n
    for key, s in strokes.items():
        s.sessions = max(stroke_sessions.get(key, 0), 1)
    for key, a in areas.items():
        a.sessions = max(area_sessions.get(key, 0), 1)
    return list(strokes.values()), list(areas.values())


def _kinds_text(kinds: list[tuple[str, int]]) -> str:
    """'smiling (5) and eye contact (4)'."""
    parts = [
        _("%(cue)s (%(n)d)") % {"cue": label[:1].lower() + label[1:], "n": n} for label, n in kinds
    ]
    if len(parts) == 1:
        return parts[0]
    return joined_by_and(parts[0], parts[1])


# A word that starts with the sound "i": "hipo", "irritado", but not "hielo" (there the "hi"
# sounds like "y").
_STARTS_WITH_I_SOUND = re.compile(r"h?[ií](?![aeouáéóú])", re.IGNORECASE)


def joined_by_and(first: str, second: str) -> str:
    """'crying (3) and hiccups (2)'. Spanish says "e" instead of "y" before the sound "i"
    ("llanto e hipo"), so that case has a translation of its own; in English both are "and"."""
    words = {"first": first, "second": second}
    if _STARTS_WITH_I_SOUND.match(second):
        return pgettext("before a word starting with the sound i", "%(first)s and %(second)s") % (
            words
        )
    return _("%(first)s and %(second)s") % words


def _over(sessions: int) -> str:
    return ngettext("in %(n)d massage", "over %(n)d massages", sessions) % {"n": sessions}


def enjoyed_evidence(t: Tally) -> str:
    """E.g. '9 signs of enjoying over 5 massages, mostly smiling (5) and cooing (4). No signs of
    needing a break.'"""
    lead = ngettext(
        "%(n)d sign of enjoying %(over)s, mostly %(kinds)s.",
        "%(n)d signs of enjoying %(over)s, mostly %(kinds)s.",
        t.engaging,
    ) % {
        "n": t.engaging,
        "over": _over(t.sessions),
        "kinds": _kinds_text(t.top_kinds(engaging=True)),
    }
    if not t.disengaging:
        tail = _("No signs of needing a break.")
    else:
        tail = ngettext(
            "Only %(n)d sign of needing a break.",
            "Only %(n)d signs of needing a break.",
            t.disengaging,
        ) % {"n": t.disengaging}
    return f"{lead} {tail}"


def gentle_evidence(t: Tally) -> str:
    """E.g. '4 signs of needing a break over 3 massages, mostly squirming (3) and crying (1),
    and 2 signs of enjoying.'"""
    lead = ngettext(
        "%(n)d sign of needing a break %(over)s, mostly %(kinds)s.",
        "%(n)d signs of needing a break %(over)s, mostly %(kinds)s.",
        t.disengaging,
    ) % {
        "n": t.disengaging,
        "over": _over(t.sessions),
        "kinds": _kinds_text(t.top_kinds(engaging=False)),
    }
    if not t.engaging:
        tail = _("No signs of enjoying it yet.")
    else:
        tail = ngettext("%(n)d sign of enjoying.", "%(n)d signs of enjoying.", t.engaging) % {
            "n": t.engaging
        }
    return f"{lead} {tail}"


def _item(t: Tally, evidence: str) -> Item:
    return Item(t.name, t.area, t.area_label, t.engaging, t.disengaging, t.sessions, evidence)


def is_enjoyed(t: Tally) -> bool:
    return (
        t.engaging >= MIN_CUES
        and t.sessions >= MIN_ITEM_SESSIONS
        and t.engaging / t.total >= ENJOY_SHARE
    )


def needs_gentleness(t: Tally) -> bool:
    return (
        t.disengaging >= MIN_CUES
        and t.sessions >= MIN_ITEM_SESSIONS
        and t.disengaging / t.total >= GENTLE_SHARE
    )


def build(*, sessions_with_cues: int, strokes: list[Tally], areas: list[Tally]) -> Insight:
    """The insight for a baby, or a not-yet when there are too few massages with cues."""
    if sessions_with_cues < MIN_SESSIONS:
        return Insight(ready=False, sessions=sessions_with_cues)
    enjoyed = sorted(
        (t for t in strokes if is_enjoyed(t)),
        key=lambda t: (-t.engaging, t.disengaging, t.name),
    )
    gentle = sorted(
        (t for t in areas if needs_gentleness(t)),
        key=lambda t: (-t.disengaging / t.total, -t.disengaging, t.name),
    )
    return Insight(
        ready=True,
        sessions=sessions_with_cues,
        enjoyed=[_item(t, enjoyed_evidence(t)) for t in enjoyed[:MAX_ENJOYED]],
        gentle=[_item(t, gentle_evidence(t)) for t in gentle[:MAX_GENTLE]],
    )
