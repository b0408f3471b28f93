"""No English words left on the Spanish pages.

Every page of the permission matrix's world (tests/test_role_matrix.py) that a parent, the
family's instructors or someone logged out may open, with the routine library loaded as well, is
rendered twice by Django's test client: once asking for English, once for Spanish
(`Accept-Language`). A text node of the Spanish page (or a readable attribute: alt, title,
placeholder, aria-label) that is also on the English page, word for word, and holds a word of
four letters or more is English a Spanish-speaking parent would meet, unless its words are only
names from the world (families, babies, people, classes, what people wrote), numbers or "Gentle
Hands".

Text inside an element whose `lang` is not Spanish is left alone: that is English standing in
for a missing translation (a routine an instructor wrote only in English), marked as such, or a
language named in its own words, and the page says so to browsers and screen readers.
"""

import re
import zoneinfo
from collections.abc import Iterator
from html.parser import HTMLParser

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import Q
from django.urls import reverse

from cues.exports import CSV_COLUMNS
from cues.models import CueEvent, InstructorNote
from massage.models import Baby, Family, InstructorProfile, Routine, Step, TeachingClass, User
from sessions.models import MassageSession, StepVisit
from tests.test_role_matrix import ROWS, build_world

# Who opens the pages: what a parent sees of their family, what the instructors see of it (the
# teacher with the classes and the studio; the one shared everything with), and the pages for
# someone logged out.
VISITORS = ("parent", "instructor_practice", "instructor_everything", "anonymous")

# Words that are the same in both languages on purpose, each with its reason.
SAME_IN_BOTH = {
    "Gentle Hands": "the product's name",
    "English": "each language is named in its own words (the account's choice of language)",
    "Español": "each language is named in its own words (the account's choice of language)",
}
# Whole texts that are codes, not words, the same in every language on purpose.
TIME_ZONES = {zone.replace("_", " ") for zone in zoneinfo.available_timezones()}  # IANA names
EXPORT_CODES = {  # the CSV's column names, documented on the family page (cues/exports.py)
    *CSV_COLUMNS,
    *(f"{column}_label" for column in CSV_COLUMNS),
}
URL = re.compile(r"^https?://\S+$")  # a link to copy, as the class page shows its code's

WORD = re.compile(r"[^\W\d_]{4,}")
READABLE = ("alt", "title", "placeholder", "aria-label")
SKIPPED = {"script", "style", "template"}


class VisibleText(HTMLParser):
    """The text nodes and readable attributes of a page, outside elements of another language."""

    VOID = {
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "source",
        "track",
        "wbr",
    }

    def __init__(self, language):
        super().__init__(convert_charrefs=True)
        self.language = language
        self.stack = []  # (tag, skipped) of the open elements
        self.found = []

    @property
    def skipping(self):
        return bool(self.stack) and self.stack[-1][1]

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        lang = attrs.get("lang")
        other_language = lang is not None and lang.split("-")[0] != self.language and tag != "html"
        skipped = self.skipping or tag in SKIPPED or other_language
        if not skipped:
            self.found += [attrs[name] for name in READABLE if attrs.get(name)]
            if tag == "input" and attrs.get("type") in {"submit", "button"} and attrs.get("value"):
                self.found.append(attrs["value"])
        if tag not in self.VOID:
            self.stack.append((tag, skipped))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in self.VOID:
            self.stack.pop()

    def handle_endtag(self, tag):
        # Close up to the matching element (HTML lets some end tags be left out).
        for depth in range(len(self.stack) - 1, -1, -1):
            if self.stack[depth][0] == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data):
        if not self.skipping:
            self.found.append(data)


def texts(html, language) -> set[str]:
    parser = VisibleText(language)
    parser.feed(html)
    parser.close()
    return {" ".join(text.split()) for text in parser.found} - {""}


def names_in(world) -> list[str]:
    """What the world's people called things or wrote: theirs, in their words, not the app's."""
    found = [
        *Family.objects.values_list("name", flat=True),
        *Baby.objects.values_list("name", flat=True),
        *User.objects.values_list("display_name", flat=True),
        *User.objects.values_list("email", flat=True),
        *TeachingClass.objects.values_list("name", flat=True),
        *InstructorNote.objects.values_list("text", flat=True),
        *InstructorNote.objects.values_list("reply", flat=True),
        *CueEvent.objects.values_list("note", flat=True),
        *MassageSession.objects.values_list("note", flat=True),
    ]
    for profile in InstructorProfile.objects.all():
        found += [profile.practice_name, profile.credential, profile.bio]
    for code in TeachingClass.objects.exclude(join_code=None).values_list("join_code", flat=True):
        found += [code, f"{code[:4]}-{code[4:]}"]  # as the class page shows it, in two halves
    # The routines an instructor (here a factory) wrote in English only, with their steps; and
    # what a massage keeps of its routine, as it was called then.
    found += Routine.objects.filter(Q(title_es="") | Q(title_es=None)).values_list(
        "title_en", flat=True
    )
    found += Step.objects.filter(Q(stroke_es="") | Q(stroke_es=None)).values_list(
        "stroke_en", flat=True
    )
    found += MassageSession.objects.values_list("routine_title", flat=True)
    found += StepVisit.objects.values_list("stroke", flat=True)
    # Longest first, so "The Okafors" goes before a name inside it.
    return sorted({name for name in found if name}, key=len, reverse=True)


def english_words(text, names) -> list[str]:
    if text in TIME_ZONES or text in EXPORT_CODES or URL.match(text):
        return []
    for name in [*names, *SAME_IN_BOTH]:
        text = text.replace(name, " ")
    return WORD.findall(text)


@pytest.fixture(scope="module")
def shared_world(django_db_setup, django_db_blocker):
    """The role matrix's world with the routine library in both languages, built once for the
    module and rolled back at its end (as tests/test_role_matrix.py does)."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        world = build_world()
        call_command("load_library", verbosity=0)
        world.names = names_in(world)
    yield world
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)


@pytest.fixture
def world(shared_world, db):
    return shared_world


# Answers of the matrix that are not pages: a health check, the app's manifest and worker, the
# cue icons, and the exports (the journey in Spanish, tests/browser/test_spanish_journey.py,
# reads the CSV's labels).
NOT_PAGES = {
    "healthz",
    "manifest",
    "service-worker",
    "cues:cue-icons",
    "cues:export-csv",
    "cues:export-json",
}


def pages() -> Iterator[pytest.param]:
    """Each page of the matrix (a GET row) for each visitor who gets it (a 200), once."""
    seen = set()
    for row in ROWS:
        if row.method != "get" or row.json or row.name in NOT_PAGES:
            continue
        for visitor in VISITORS:
            if row.expect.get(visitor) != 200 or (row.name, row.label, visitor) in seen:
                continue
            seen.add((row.name, row.label, visitor))
            yield pytest.param(row, visitor, id=f"{row.id}-{visitor}")


def english_on(spanish_html, english_html, names) -> list[str]:
    """The Spanish page's texts that are the English page's, word for word, with English words."""
    same = texts(spanish_html, "es") & texts(english_html, "en")
    return sorted(text for text in same if english_words(text, names))


@pytest.mark.parametrize(("row", "visitor"), list(pages()))
def test_no_english_on_the_spanish_page(client, world, row, visitor):
    url = reverse(row.name, args=row.args(world))
    if visitor != "anonymous":
        client.force_login(world.users[visitor])
    html = {}
    for language in ("en", "es"):
        response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
        assert response.status_code == 200, (url, language, response.status_code)
        assert response["Content-Type"].startswith("text/html"), (url, response["Content-Type"])
        html[language] = response.content.decode()
        assert f'<html lang="{language}"' in html[language], (url, language)
    english = english_on(html["es"], html["en"], world.names)
    assert not english, f"{url} as {visitor}, in English on the Spanish page: {english}"


def test_the_check_finds_english_and_leaves_names_numbers_and_marked_english_alone():
    def page(lang, title, greeting, body):
        return (
            f'<html lang="{lang}"><head><title>{title}</title>'
            '<script>var x = "Hello there";</script></head>'
            f"<body><h1>{greeting}, Robin</h1><p>Robin</p>{body}"
            '<p lang="en">Thumb walk</p><p>3 min</p><p>2 &times; 20 s</p>'
            "<p>Gentle Hands</p></body></html>"
        )

    english = page(
        "en",
        "Today",
        "Hello",
        '<p>Tap each cue</p><p>Robin\'s massages</p><img alt="Body map" src="x.png">'
        '<button aria-label="Close the list">x</button>',
    )
    spanish = page(
        "es",
        "Hoy",
        "Hola",
        '<p>Tap each cue</p><p>Robin\'s massages</p><img alt="Body map" src="x.png">'
        '<button aria-label="Cerrar la lista">x</button>',
    )
    assert english_on(spanish, english, ["Robin"]) == [
        "Body map",
        "Robin's massages",
        "Tap each cue",
    ]
    # Without the marking, English standing in for Spanish counts as English too.
    unmarked = spanish.replace(' lang="en"', "")
    assert english_on(unmarked, english.replace(' lang="en"', ""), ["Robin"]) == [
        "Body map",
        "Robin's massages",
        "Tap each cue",
        "Thumb walk",
    ]
