"""A Spanish-speaking parent's whole first massage, from the browser's own language to the export.

The browser asks for Spanish (locale "es-ES", so `Accept-Language: es-ES`) and nothing else
chooses it: no cookie, no account setting. On every page the parent reads Spanish (the words as
the catalogue, locale/es/LC_MESSAGES/django.po, has them), `<html lang>` is "es", and the
player's voice reads the steps in Spanish, with a Spanish voice (speechSynthesis is the spy of
test_player_voice.py, with an English and a Spanish voice listed).
"""

import csv
import io
import json
import re
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from cues.models import CueEvent
from massage.models import Baby, Membership, Routine
from sessions.models import MassageSession
from tests.browser.conftest import PHONE, _close, _open, shoot, stop_the_clock
from tests.browser.signing_up import confirm_sign_up
from tests.browser.test_cues import synced, tap
from tests.browser.test_player import COUNTDOWN_MS, answer_readiness
from tests.browser.test_player_voice import SPANISH_VOICES, SPIES, calls, words

ROUTINE = "newborn-first-touch"  # the seed library's shortest, for a baby of nine weeks


@pytest.fixture
def phone_es(browser, live_server):
    """A phone whose browser speaks Spanish, with the voice spies of test_player_voice.py."""
    context, page = _open(browser, live_server, PHONE, is_mobile=True, locale="es-ES")
    page.add_init_script(
        script=(
            f"window.__wakeMode = 'granted'; window.__voices = {json.dumps(SPANISH_VOICES)};\n"
            f"{SPIES}"
        )
    )
    yield page
    _close(context, page)
    assert not page.problems, page.problems


@pytest.fixture
def library(transactional_db):
    call_command("load_library", verbosity=0)
    return Routine.objects.get(slug=ROUTINE)


def in_spanish(page, *texts):
    """The page is marked Spanish, shows each of `texts` (exact Spanish from the catalogue), and
    its longer words still fit the phone's width (no sideways scrolling)."""
    assert page.evaluate("document.documentElement.lang") == "es", page.url
    for text in texts:
        expect(page.get_by_text(text, exact=True).first).to_be_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width} px wide on a phone of {PHONE['width']}"


def test_a_spanish_speaking_parent_signs_up_massages_and_looks_back_all_in_spanish(
    phone_es, live_server, library
):
    page = phone_es
    steps = list(library.steps.order_by("order"))

    # The landing page, in the browser's language.
    response = page.goto("/")
    assert response.request.all_headers()["accept-language"].startswith("es")
    in_spanish(page)
    expect(page.get_by_role("link", name="Empieza gratis")).to_be_visible()
    page.get_by_role("link", name="Empieza gratis").click()

    # Sign-up.
    expect(page.get_by_role("heading", name="Crear cuenta")).to_be_visible()
    in_spanish(page)
    page.get_by_label("Tu nombre").fill("Lucía")
    page.get_by_label("Correo electrónico").fill("lucia@example.com")
    page.locator("#id_password1").fill("manta-suave-2026")
    page.get_by_role("button", name="Mostrar").click()
    expect(page.locator("#id_password1")).to_have_attribute("type", "text")
    page.get_by_role("button", name="Crear cuenta", exact=True).click()
    expect(page.get_by_role("heading", name="Revisa tu correo")).to_be_visible()
    in_spanish(page)
    confirm_sign_up(page, "lucia@example.com", language="es")

    # The family and the baby.
    expect(page.get_by_role("heading", name="Crea tu familia")).to_be_visible()
    in_spanish(page)
    page.get_by_label("¿Cómo llamamos a tu familia?").fill("Los García")
    page.get_by_role("button", name="Crear familia").click()
    expect(page.get_by_role("heading", name="Añadir un bebé")).to_be_visible()
    in_spanish(page)
    page.get_by_label("Nombre del bebé").fill("Mateo")
    born = timezone.localdate() - timedelta(weeks=9)
    page.get_by_label("Fecha de nacimiento").fill(born.isoformat())
    page.get_by_role("button", name="Añadir bebé").click()

    # Today.
    expect(page.get_by_role("heading", name="Hola, Lucía")).to_be_visible()
    in_spanish(page, "Ajustes de la familia", "9 semanas")
    membership = Membership.objects.get(user__email="lucia@example.com")
    baby = Baby.objects.get(family=membership.family)
    assert membership.user.language == ""  # the browser chose, not the account

    # The routine, then the readiness check.
    page.get_by_role("link", name="Elige una rutina").click()
    expect(page.get_by_role("link", name=re.compile(library.title_es))).to_be_visible()
    in_spanish(page)
    stop_the_clock(page)
    page.goto(f"/babies/{baby.pk}/routines/{ROUTINE}/start/")
    expect(page.get_by_role("heading", name="¿Es buen momento para Mateo?")).to_be_visible()
    in_spanish(page)
    answer_readiness(page, language="es")

    # The player: Spanish words, read by a Spanish voice.
    expect(page.get_by_role("heading", name=steps[0].stroke_es)).to_be_visible()
    in_spanish(page)
    expect(page.locator("[data-voice-hint]")).to_be_hidden()  # a Spanish voice is there
    # The cue bar's longer Spanish words still fit inside their buttons.
    spilling = page.locator(".cue-bar .cue-button, .cue-more-toggle").evaluate_all(
        "(nodes) => nodes.filter((n) => n.scrollWidth > n.clientWidth).map((n) => n.innerText)"
    )
    assert not spilling, spilling
    page.get_by_role("button", name="Empezar").click()
    expect(page.get_by_text("Prepárate…")).to_be_visible()
    page.clock.run_for(COUNTDOWN_MS + 500)
    expect(page.locator("[data-overlay]")).to_be_hidden()
    # (The Start tap speaks an empty utterance: it lets the browser speak later.)
    spoken = [c for c in words(calls(page)) if c["text"]]
    assert spoken, calls(page)
    assert spoken[0]["text"].startswith(f"{steps[0].stroke_es}. "), spoken
    assert {c["lang"] for c in spoken} == {"es"}, spoken

    # Cues: a happy one answers warmly, two unsettled ones within a minute bring the pause.
    toast = page.locator("[data-cue-toast]")
    with page.expect_response(synced("cue")):
        tap(page, "Sonrisa")
    expect(toast).to_contain_text("Qué bonito: tu bebé lo está disfrutando.")
    shoot(page, "player-phone-es")
    in_spanish(page)
    # Stored before the clock moves on: a batch going out after the jump would carry its time.
    with page.expect_response(synced("cue")):
        tap(page, "Ceño fruncido (ceño fruncido o muecas)")
    expect(toast).to_contain_text("Ve más despacio y deja las manos quietas un momento.")
    page.clock.run_for(2000)
    tap(page, "Se retuerce")
    dialog = page.get_by_role("alertdialog")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("Se retuerce: es momento de una pausa")
    shoot(page, "cue-pause-phone-es")
    with page.expect_response(synced("response")):
        dialog.get_by_role("button", name="Saltar esta zona del cuerpo").click()
    expect(dialog).to_be_hidden()

    # To the end, hands-free.
    page.clock.run_for(sum(s.duration_seconds for s in steps) * 1000 + 10 * COUNTDOWN_MS)
    page.wait_for_url("**/summary/")
    expect(page.get_by_role("heading", name="Bien hecho")).to_be_visible()
    in_spanish(page, "Tiempo de masaje", "Pasos")
    session = MassageSession.objects.get(baby=baby)
    assert session.outcome == "completed"
    cues = CueEvent.objects.logged().filter(session=session).order_by("at", "pk")
    assert list(cues.values_list("kind", "response")) == [
        ("smiling", ""),
        ("frowning", ""),
        ("squirming", "skip_area"),
    ]

    # The review, from Today.
    page.get_by_role("link", name="Hoy").first.click()
    page.get_by_role("link", name=library.title_es).click()
    expect(page.get_by_role("heading", name="Repaso")).to_be_visible()
    in_spanish(page, "Momento a momento", "Todas las señales")

    # The baby's history.
    page.goto("/today/")
    page.get_by_role("link", name="Historial").click()
    expect(page.get_by_role("heading", name="Masajes de Mateo")).to_be_visible()
    in_spanish(page, "Todos los masajes")

    # The export: Spanish labels beside the stable codes.
    page.goto("/today/")
    page.get_by_role("link", name="Ajustes de la familia").click()
    in_spanish(page, "Tus datos")
    expect(page.locator("#your-data")).to_contain_text("Hoja de cálculo (CSV)")
    with page.expect_download() as download:
        page.get_by_role("link", name="Descargar la hoja de cálculo").click()
    with open(download.value.path(), encoding="utf-8-sig") as export:
        rows = list(csv.DictReader(io.StringIO(export.read())))
    assert [r["cue"] for r in rows] == ["smiling", "frowning", "squirming"], rows
    assert [r["cue_label"] for r in rows] == ["Sonrisa", "Ceño fruncido o muecas", "Se retuerce"]
    assert rows[-1]["response"] == "skip_area"
    assert {r["outcome"] for r in rows} == {"completed"}
