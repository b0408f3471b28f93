"""Choice labels (cue kinds, body areas, motions, outcomes…) looked up in a map made once per
language, rather than rebuilt on every call.

Django's ``get_FOO_display()`` turns the field's whole choices list into a dict each time and
hashes every lazy label on the way, which translates each of them: about 300 µs a call against
a few µs for a dict lookup. A page listing a few dozen cues spent most of its time there.

The maps follow the active language (a page in Spanish gets Spanish labels), so they are keyed
by it. They are built from the choices as the code declares them, which only change when the
process restarts, and so is the process's translation catalogue.
"""

from __future__ import annotations

from django.db.models import Field
from django.utils.translation import get_language

__all__ = ["CachedChoiceLabels", "choice_label", "choice_labels"]

_MAPS: dict[tuple[object, str | None], dict[object, str]] = {}


def _label_map(key: object, pairs) -> dict[object, str]:
    language = get_language()
    labels = _MAPS.get((key, language))
    if labels is None:
        # str() translates each lazy label once, into the active language.
        labels = {value: str(label) for value, label in pairs()}
        _MAPS[(key, language)] = labels
    return labels


def choice_labels(choices) -> dict[object, str]:
    """``{value: label}`` of a Django choices class (``CueKind``) in the active language."""
    return _label_map(choices, lambda: choices.choices)


def choice_label(choices, value) -> str:
    """The label of ``value`` in ``choices`` (a choices class), or the value itself if unknown."""
    return choice_labels(choices).get(value, value)


def _field_labels(field: Field) -> dict[object, str]:
    return _label_map(field, lambda: field.flatchoices)


class CachedChoiceLabels:
    """A model mixin: every ``get_FOO_display()`` reads the cached map of its field's choices.

    It answers as Django's own does: the label of the value, or the value itself when the value
    is not one of the choices (an empty optional field gives "").
    """

    def _get_FIELD_display(self, field):
        value = getattr(self, field.attname)
        try:
            return _field_labels(field).get(value, value)
        except TypeError:  # an unhashable value, which no choice can be
            return value
