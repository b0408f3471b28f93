"""Cue icons: one distinct, well-formed SVG per cue kind; unknown kinds render nothing."""

import xml.etree.ElementTree as ET

import pytest
from django.template import Context, Template
from django.utils.safestring import SafeString

from cues.icons import RECIPES, all_icons, cue_icon_svg
from cues.models import CUES, CueKind

SVG = "{http://www.w3.org/2000/svg}"


def parse(markup):
    root = ET.fromstring(str(markup))  # raises on malformed XML
    assert root.tag == f"{SVG}svg"
    return root


@pytest.mark.parametrize("kind", list(CUES))
def test_every_kind_has_a_well_formed_accessible_icon(kind):
    markup = cue_icon_svg(kind)
    assert isinstance(markup, SafeString)
    root = parse(markup)
    assert root.get("viewBox") == "0 0 24 24"
    assert "cue-icon" in root.get("class").split()
    assert root.get("aria-hidden") == "true"
    assert root.get("stroke") == "currentColor"
    # It draws something, and never in a fixed colour (it must follow day and night mode).
    shapes = [el for el in root.iter() if el is not root]
    assert shapes
    for el in root.iter():
        for attr in ("stroke", "fill"):
            assert el.get(attr) in (None, "none", "currentColor"), (kind, el.tag, attr)
    # Nothing to read out: the label is always shown next to the icon.
    assert root.find(f"{SVG}title") is None
    assert root.find(f"{SVG}text") is None


def test_icons_are_distinct():
    # Compare the drawings, not the markup around them (the class names the kind).
    drawings = {
        kind: "".join(ET.tostring(el, encoding="unicode") for el in parse(svg))
        for kind, svg in all_icons().items()
    }
    assert len(drawings) == len(CUES) == 37
    assert len(set(drawings.values())) == len(drawings), "two cue kinds share an icon"


def test_recipes_cover_exactly_the_taxonomy():
    assert set(RECIPES) == set(CUES) == set(CueKind.values)


@pytest.mark.parametrize("kind", ["", "nope", "CRYING", None, 3, "<script>"])
def test_unknown_kind_is_empty_not_an_error(kind):
    assert cue_icon_svg(kind) == ""


def test_template_tag_renders_icon_unescaped():
    html = Template("{% load cue_icons %}<span>{% cue_icon kind %}</span>").render(
        Context({"kind": "crying"})
    )
    assert html.startswith("<span><svg ")
    assert "&lt;" not in html
    assert html == f"<span>{cue_icon_svg('crying')}</span>"


def test_template_tag_accepts_a_cuekind_member():
    html = Template("{% load cue_icons %}{% cue_icon kind %}").render(
        Context({"kind": CueKind.SMILING})
    )
    assert html == cue_icon_svg("smiling")


@pytest.mark.parametrize("context", [{"kind": "made_up"}, {"kind": None}, {}])
def test_template_tag_unknown_or_missing_kind_renders_nothing(context):
    html = Template("{% load cue_icons %}[{% cue_icon kind %}]").render(Context(context))
    assert html == "[]"
