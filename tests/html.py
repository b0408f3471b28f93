"""HTML in tests is compared as HTML: attribute order, quoting and whitespace don't matter.

``assert_in_html`` is Django's ``assertInHTML`` as a plain function, for pytest tests. The needle
is a whole element, with all its attributes (and its content, if it has any), so a check about a
tag fails if an attribute goes missing or changes, and not when the template reorders them.
``elements`` finds the elements a page has, to read the values a form offers.
"""

from django.test import SimpleTestCase
from django.test.html import Element, parse_html

__all__ = ["assert_in_html", "elements"]

_CASE = SimpleTestCase()


def assert_in_html(needle: str, haystack: str, count: int | None = None, msg_prefix: str = ""):
    """The element `needle` is in `haystack` (exactly `count` times, when given; 0 = absent)."""
    _CASE.assertInHTML(needle, haystack, count=count, msg_prefix=msg_prefix)


def elements(haystack: str, tag: str, **attributes: str) -> list[Element]:
    """Every `tag` element of `haystack` that has these attribute values (among others)."""
    wanted = set(attributes.items())
    found = []

    def walk(node):
        if not isinstance(node, Element):
            return
        if node.name == tag and wanted <= set(node.attributes):
            found.append(node)
        for child in node.children:
            walk(child)

    walk(parse_html(haystack))
    return found
