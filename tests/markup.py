"""HTML in tests is compared as HTML: attribute order, quoting and whitespace don't matter.

``assert_in_html`` is Django's ``assertInHTML`` as a plain function, for pytest tests. The needle
is a whole element, with all its attributes (and its content, if it has any), so a check about a
tag fails if an attribute goes missing or changes, and not when the template reorders them.
``elements`` finds the elements a page has whatever the order of their attributes, to read the
values a form offers or check which radio button is ticked; ``first_element`` is what a piece of
HTML begins with, the region an htmx answer swaps in.
"""

from django.test import SimpleTestCase
from django.test.html import Element, RootElement, parse_html

__all__ = ["assert_in_html", "attribute", "elements", "first_element"]

_CASE = SimpleTestCase()


def assert_in_html(needle: str, haystack: str, count: int | None = None, msg_prefix: str = ""):
    """The element `needle` is in `haystack` (exactly `count` times, when given; 0 = absent)."""
    _CASE.assertInHTML(needle, haystack, count=count, msg_prefix=msg_prefix)


def elements(haystack: str | Element, tag: str | None, **attributes: str | None) -> list[Element]:
    """Every `tag` element (any, for None) in `haystack` having these attributes, among others.

    HTML's boolean attributes are given as None: ``elements(page, "input", checked=None)``, and
    one without a value that HTML doesn't know as boolean as "": ``**{"data-print-hint": ""}``.
    Attributes with a dash go in a dict: ``elements(svg, "svg", **{"aria-label": "Legs"})``,
    and a class as Django compares it, its names sorted: ``**{"class": "card cautions"}``.
    """
    wanted = set(attributes.items())
    found = []

    def walk(node):
        if not isinstance(node, Element):
            return
        if (tag is None or node.name == tag) and wanted <= set(node.attributes):
            found.append(node)
        for child in node.children:
            walk(child)

    walk(parse_html(haystack) if isinstance(haystack, str) else haystack)
    return found


def attribute(element: Element, name: str) -> str | None:
    """The value of one of an element's attributes (None for a boolean one, or if it has none)."""
    return dict(element.attributes).get(name)


def first_element(html: str) -> Element | str:
    """What `html` begins with: its first element (or its first text, if it begins with text)."""
    node = parse_html(html)
    return node.children[0] if isinstance(node, RootElement) else node
