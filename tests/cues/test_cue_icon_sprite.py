"""The player's cue bar draws its icons from one sprite the browser keeps (cues/icons.py), each
the same outer <svg> as the icon drawn inline, so it looks the same."""

import re
import xml.etree.ElementTree as ET

from django.urls import reverse

from cues.icons import RECIPES, cue_icon_svg, cue_icon_use, sprite_svg, sprite_version
from cues.models import CUES
from tests.factories import MassageSessionFactory, StepFactory

SVG = "{http://www.w3.org/2000/svg}"


def test_the_sprite_holds_every_icon_as_its_inline_drawing(client):
    url = reverse("cues:cue-icons", args=[sprite_version()])
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert response["Cache-Control"] == "public, max-age=31536000, immutable"
    root = ET.fromstring(response.content)
    symbols = {s.get("id"): s for s in root.iter(f"{SVG}symbol")}
    assert set(symbols) == {f"cue-{kind}" for kind in CUES}
    for kind in CUES:
        inline = cue_icon_svg(kind)
        inner = inline[inline.index(">") + 1 : -len("</svg>")]
        assert inner == "".join(RECIPES[kind])
        assert f'<symbol id="cue-{kind}" viewBox="0 0 24 24">{inner}</symbol>' in sprite_svg()


def test_an_icon_from_the_sprite_keeps_the_inline_icons_outer_svg():
    inline = cue_icon_svg("smiling")
    used = cue_icon_use("smiling", "/cues/icons/v/")
    assert used.split(">")[0] == inline.split(">")[0]
    assert used.endswith('<use href="/cues/icons/v/#cue-smiling"/></svg>')
    assert cue_icon_use("no_such_cue", "/x/") == ""


def test_an_old_version_leads_to_the_current_one(client):
    response = client.get(reverse("cues:cue-icons", args=["old"]))
    assert response.status_code == 302
    assert response.url == reverse("cues:cue-icons", args=[sprite_version()])


def test_the_player_draws_its_cue_icons_from_the_sprite(as_parent, baby):
    session = MassageSessionFactory(baby=baby, routine=StepFactory().routine)
    response = as_parent.get(reverse("sessions:session-player", args=[session.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    url = reverse("cues:cue-icons", args=[sprite_version()])
    uses = re.findall(r'<use href="([^"#]+)#cue-(\w+)"/>', page)
    assert {href for href, _kind in uses} == {url}
    assert {kind for _href, kind in uses} == set(CUES)
    assert 'class="cue-icon' in page
