"""Routine and step texts in each language: which columns hold them, and which language a text
shown on a page is really in.

massage/translation.py gives every translated field a column per language (``title_en``,
``title_es``, ...). Reading ``routine.title`` gives the page's language, or English when that is
empty (or Spanish, for a routine an instructor wrote in Spanish only, on an English page). A
parent must be told when a text stands in from another language (and screen readers must read it
in that language), so pages ask ``shown_language`` rather than guess.
"""

from __future__ import annotations

from django.conf import settings
from django.utils.html import format_html
from django.utils.translation import (
    get_language,
    get_language_info,
    get_supported_language_variant,
)
from django.utils.translation import gettext_lazy as _
from modeltranslation.utils import build_localized_fieldname, resolution_order

__all__ = [
    "FALLBACK_LANGUAGE",
    "ROUTINE_TEXTS",
    "STEP_TEXTS",
    "KeptText",
    "column",
    "columns",
    "in_its_language",
    "in_page_language",
    "in_page_language_html",
    "language_codes",
    "language_in_sentence",
    "language_name",
    "language_note",
    "page_language",
    "shown_language",
    "stand_in_language",
    "texts_by_language",
]

FALLBACK_LANGUAGE = "en"
ROUTINE_TEXTS = ("title", "summary", "cautions")
STEP_TEXTS = ("stroke", "instruction", "caution")
STEP_FILES = ("narration",)


def language_codes() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def page_language() -> str:
    """The active language as one of LANGUAGES ("es" for "es-mx"), English otherwise."""
    try:
        return get_supported_language_variant(get_language() or FALLBACK_LANGUAGE)
    except LookupError:
        return FALLBACK_LANGUAGE


def column(name: str, language: str) -> str:
    """The column of ``name`` in ``language``: column("title", "es") == "title_es"."""
    return build_localized_fieldname(name, language)


def columns(name: str) -> list[str]:
    """Every language's column of ``name``, English first."""
    return [column(name, code) for code in language_codes()]


def _filled(value) -> bool:
    if value is None:
        return False
    if hasattr(value, "name") and not isinstance(value, str):  # a FieldFile
        return bool(value.name)
    return value != ""


def shown_language(obj, name: str) -> str | None:
    """The language ``obj.<name>`` is shown in on this page, as modeltranslation picks it: the
    page's own, else English, else any other that has it (MODELTRANSLATION_FALLBACK_LANGUAGES).
    None when no language has it."""
    for language in resolution_order(page_language()):
        if _filled(obj.__dict__.get(column(name, language))):
            return language
    return None


def stand_in_language(obj, name: str) -> str | None:
    """The language ``obj.<name>`` is shown in when that is not the page's (it stands in for a
    missing translation), else None."""
    shown = shown_language(obj, name)
    return shown if shown and shown != page_language() else None


def texts_by_language(obj, name: str) -> dict[str, str]:
    """``obj.<name>`` in each language it is written in: {"en": "Leg glide", "es": "Deslizar
    por la pierna"}. A massage keeps its routine's title and each step's stroke like this, so
    its history reads in the language of whoever looks back, whichever it was played in."""
    texts = ((code, getattr(obj, column(name, code))) for code in language_codes())
    return {code: text for code, text in texts if text}


def in_page_language(texts: dict, played: str) -> str:
    """A text kept in each language (texts_by_language) in the page's; `played`, the text as
    it was shown then, when it had none in the page's language."""
    return texts.get(page_language()) or played


def in_page_language_html(texts: dict, played: str) -> str:
    """in_page_language's text for a page's body: with ``lang`` on it when it can only be shown
    in another language than the page's (the one it was played in), so that a screen reader
    reads it in that language."""
    shown = in_page_language(texts, played)
    if page_language() in texts:
        return shown
    return in_its_language(shown, next((code for code, t in texts.items() if t == played), None))


def in_its_language(text: str, language: str | None) -> str:
    """``text`` in a ``<span lang>`` of ``language``, for a text not in the page's language; as
    it is when ``language`` is None."""
    return format_html('<span lang="{}">{}</span>', language, text) if language else text


class KeptText:
    """A model's property: a text a massage kept both as played (the field ``played``) and in
    each language (the JSON field ``texts``, from texts_by_language), in the page's language;
    with ``html``, marked with its language when that is not the page's (in_page_language_html).
    """

    def __init__(self, played: str, texts: str, *, html: bool = False):
        self.played, self.texts = played, texts
        self.show = in_page_language_html if html else in_page_language

    def __get__(self, instance, owner=None):
        if instance is None:
            return self
        return self.show(getattr(instance, self.texts), getattr(instance, self.played))


# The note beside a text shown in another language than the page's, named in the page's words.
_NOTES = {"en": _("In English"), "es": _("In Spanish")}


def language_name(language: str) -> str:
    """The language's name in the page's language ("Spanish", "Español")."""
    return str(get_language_info(language)["name_translated"])


# Languages that write a language's name in lower case within a sentence ("el título en inglés").
_LOWER_CASE_LANGUAGE_NAMES = {"es"}


def language_in_sentence(language: str) -> str:
    """The language's name as it is written inside a sentence of the page's language: "Spanish"
    on an English page, "inglés" (not "Inglés") on a Spanish one."""
    name = language_name(language)
    if page_language() in _LOWER_CASE_LANGUAGE_NAMES:
        return name[:1].lower() + name[1:]
    return name


def language_note(language: str) -> str:
    note = _NOTES.get(language)
    return str(note) if note else language_name(language)
