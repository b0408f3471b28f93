"""Routine and step texts on a page, marked when they are the English standing in for the page's
language: ``{{ step|translated:"instruction" }}``."""

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _

from massage.content import FALLBACK_LANGUAGE, page_language, shown_language

register = template.Library()


@register.filter
def translated(obj, name):
    """The text, and when it is in English on a page in another language, ``lang="en"`` on it
    (so a screen reader reads it as English) and a small "In English" after it."""
    text = getattr(obj, name)
    if shown_language(obj, name) != FALLBACK_LANGUAGE or page_language() == FALLBACK_LANGUAGE:
        return text
    return format_html(
        '<span lang="{}">{}</span> <span class="in-english">{}</span>',
        FALLBACK_LANGUAGE,
        text,
        _("In English"),
    )


@register.filter
def fallback_lang(obj, name):
    """' lang="en"' for an element whose whole text is the English standing in, else ''."""
    if page_language() != FALLBACK_LANGUAGE and shown_language(obj, name) == FALLBACK_LANGUAGE:
        return format_html(' lang="{}"', FALLBACK_LANGUAGE)
    return ""


@register.filter
def in_english(obj, names):
    """Whether any of the comma-separated texts is the English standing in on this page."""
    if page_language() == FALLBACK_LANGUAGE:
        return False
    return any(shown_language(obj, name.strip()) == FALLBACK_LANGUAGE for name in names.split(","))
