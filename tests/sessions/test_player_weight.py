"""What the 34-step player weighs on the wire (gzip), measured here so that it cannot grow back
unnoticed. Sizes, not time: the same page gives the same numbers on any machine.

The issue's goals are 45 KB for the first visit (page, styles, scripts, the routine's step
pictures the player fetches, and the cue icons' sprite, both files the browser keeps) and 12 KB
for the page alone once those are cached; docs/PERFORMANCE.md says where the page stands against
them. These ceilings are what it weighs now, with a little room for the random tokens.

The styles and scripts are weighed as production serves them: collected once by the production
storage (massage.storage, which minifies the site's own), not as written in static/.
"""

import gzip
import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

from massage.models import Routine
from massage.services.library import library_load
from tests.factories import MassageSessionFactory

# Bytes of gzip. The page: 29,200 before the shared outline, 21,400 before the pictures' file,
# 13,300 before the cue icons' sprite; then within the issue's goal of 12 KB, and about 12,040
# with the words of the page's language and of a massage finished with no network (issue 11).
PAGE_CEILING = 12_100
# Page, styles, scripts, pictures and icons: 74,800 before, then 52,400 (about 53,550 with the
# offline badge's script and styles, about 59,600 with the IndexedDB outbox, lib/outbox.js and
# idb-keyval, 5.3 KB; about 59,830 with the voice of the page's language, issue 12; about
# 60,000 with the server's pause call for the other caregiver's cues, 60,140 with logging out
# offline keeping the outbox), then about 44,800 with the site's styles and scripts minified as
# collectstatic collects them (massage/storage.py; 39.0 KB of them as written, 23.6 KB minified).
FIRST_VISIT_CEILING = 44_900
FIRST_VISIT_GOAL = 45_000  # the issue's
LEVEL = 6  # as the site's GZipMiddleware compresses pages


def gzipped(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=LEVEL, mtime=0))


def static_files(page: str) -> set[str]:
    """The styles and scripts a page loads, and the modules those scripts import."""
    found: set[str] = set()
    todo = [
        re.sub(r"\.[0-9a-f]{12}\.", ".", name)
        for name in re.findall(r'(?:href|src)="/static/([^"]+\.(?:css|js))"', page)
    ]
    while todo:
        name = todo.pop()
        if name in found:
            continue
        found.add(name)
        if name.endswith(".js"):
            source = Path(finders.find(name)).read_text(encoding="utf-8")
            folder = name.rpartition("/")[0]
            for imported in re.findall(r"""(?:import|from)\s*["'](\.[^"']+)["']""", source):
                parts = f"{folder}/{imported}".split("/")
                resolved: list[str] = []
                for part in parts:
                    if part == "..":
                        resolved.pop()
                    elif part not in (".", ""):
                        resolved.append(part)
                todo.append("/".join(resolved))
    return found


def figures_url(page: str) -> str:
    return re.search(r'data-figures-url="([^"]+)"', page).group(1)


@pytest.fixture
def figures_file(as_parent, player_page):
    response = as_parent.get(figures_url(player_page))
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def player_page(as_parent, baby):
    library_load()
    routine = Routine.objects.get(slug="full-routine", author=None)
    assert routine.steps.count() == 34
    session = MassageSessionFactory(baby=baby, routine=routine)
    response = as_parent.get(reverse("sessions:session-player", args=[session.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_the_34_step_player_draws_the_outline_once(player_page, figures_file):
    assert player_page.count('class="bodymap-sprite"') == 1
    assert player_page.count('class="bm-skin"') == 1
    # The current step's picture is in the page; all 34 are in the file the browser keeps.
    assert player_page.count('<use href="#bm-body"/>') == 1
    assert figures_file.count('<use href="#bm-body"/>') == 34
    assert "bodymap-sprite" not in figures_file


def test_a_repeat_visit_weighs_the_page_alone(as_parent, player_page, figures_file):
    # The figures file would be a repeat visit's only other download; the browser keeps it.
    response = as_parent.get(figures_url(player_page))
    assert "immutable" in response["Cache-Control"]
    assert "max-age=31536000" in response["Cache-Control"]


def test_the_34_step_player_stays_within_its_weight(player_page):
    assert gzipped(player_page.encode()) <= PAGE_CEILING


def test_the_34_step_player_with_its_styles_and_scripts_stays_within_its_weight(
    as_parent, player_page, figures_file, collected
):
    files = static_files(player_page)
    assert {"css/bodymap.css", "js/player.js", "js/player/timer.js"} <= files
    assert not any("htmx" in name for name in files)  # the player swaps nothing
    icons = re.search(r'<use href="(/cues/icons/[^"#]+)#', player_page).group(1)
    root, manifest = collected
    served = {name: gzipped((root / manifest[name]).read_bytes()) for name in sorted(files)}
    total = (
        gzipped(player_page.encode())
        + gzipped(figures_file.encode())
        + gzipped(as_parent.get(icons).content)
        + sum(served.values())
    )
    for name, size in served.items():
        print(f"{name} {gzipped(Path(finders.find(name)).read_bytes())} written, {size} served")
    print(f"page {gzipped(player_page.encode())}, first visit {total}")
    assert total <= FIRST_VISIT_CEILING
    assert total <= FIRST_VISIT_GOAL
