"""Routine and step texts on a page, marked when they stand in from another language (a routine
with no Spanish yet, on a Spanish page): ``{{ step|translated:"instruction" }}``."""

from django import template
from django.utils.html import format_html

from massage.content import (
    column,
    in_its_language,
    language_codes,
    language_in_sentence,
    language_note,
    stand_in_language,
)

register = template.Library()


@register.filter
def translated(obj, name):
    """The text, and when it stands in from another language, ``lang`` on it (so a screen
    reader reads it in that language) and a small note naming the language after it."""
    text = getattr(obj, name)
    language = stand_in_language(obj, name)
    if language is None:
        return text
    return format_html(
        '{} <span class="in-english">{}</span>',
        in_its_language(text, language),
        language_note(language),
    )


@register.filter
def fallback_lang(obj, name):
    """' lang="en"' for an element whose whole text stands in from English (or another
    language), else ''."""
    language = stand_in_language(obj, name)
    return format_html(' lang="{}"', language) if language else ""


@register.filter
def stand_in_note(obj, names):
    """The note for the first of the comma-separated texts that stands in from another
    language ("In English"), or "" when they are all in the page's language."""
    for name in names.split(","):
        language = stand_in_language(obj, name.strip())
        if language:
            return language_note(language)
    return ""


@register.filter
def missing_in(obj, names):
    """The languages (named in the page's) in which any of the comma-separated texts is still
    empty, for the studio to show what is left to translate: "Spanish", or ""."""
    missing = [
        language_in_sentence(code)
        for code in language_codes()
        if any(not getattr(obj, column(name.strip(), code)) for name in names.split(","))
    ]
    return ", ".join(missing)
