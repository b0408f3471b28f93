"""Routines and steps in English, Spanish or both: what a page shows in each language, what it
marks as standing in from the other, the studio's forms for both, the caches, the queries, and
the migration that made the English columns from what was saved before."""

import re

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from massage.fragments import fragments_version
from massage.models import Routine, Step
from sessions.views import PLAYER_STEP
from tests.factories import InstructorFactory, MassageSessionFactory, RoutineFactory, StepFactory
from tests.massage.test_studio import media, routine_data, step_data, upload
from tests.massage.test_uploads import wav_bytes
from tests.sessions.test_player_figures import player

ES = {"HTTP_ACCEPT_LANGUAGE": "es"}
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
INVALID = 422
__all__ = ["media"]  # the studio's fixture, used here too


@pytest.fixture
def bilingual(db):
    # A request in Spanish leaves Spanish active in this thread, and a factory's title=... goes
    # to the active language's column: make these in English whatever ran before.
    with translation.override("en"):
        return _bilingual()


def _bilingual():
    routine = RoutineFactory(slug="calma", title="Evening calm", summary="Slow strokes.")
    Routine.objects.filter(pk=routine.pk).update(
        title_es="Calma de la tarde",
        summary_es="Caricias lentas.",
        cautions_en="Wait after a feed.",
        cautions_es="Espera después de una toma.",
    )
    StepFactory(routine=routine, stroke="Leg glide", instruction="Glide down the leg.")
    Step.objects.filter(routine=routine).update(
        stroke_es="Deslizar por la pierna", instruction_es="Desliza la mano por la pierna."
    )
    # A second step nobody has translated yet.
    StepFactory(routine=routine, stroke="Thumb walk", instruction="Walk your thumbs.")
    routine.refresh_from_db()
    return routine


def page(client, url, headers):
    response = client.get(url, **headers)
    assert response.status_code == 200
    return response.content.decode()


def test_a_spanish_page_shows_the_spanish_and_an_english_page_the_english(as_parent, bilingual):
    spanish = page(as_parent, bilingual.get_absolute_url(), ES)
    assert "<h1>Calma de la tarde</h1>" in spanish
    assert "Caricias lentas." in spanish and "Espera después de una toma." in spanish
    assert "Desliza la mano por la pierna." in spanish
    assert "Evening calm" not in spanish and "Glide down the leg." not in spanish

    english = page(as_parent, bilingual.get_absolute_url(), EN)
    assert "<h1>Evening calm</h1>" in english and "Glide down the leg." in english
    assert "Calma" not in english and 'class="in-english"' not in english


def test_a_text_without_spanish_is_the_english_marked_and_read_as_english(as_parent, bilingual):
    spanish = page(as_parent, bilingual.get_absolute_url(), ES)
    assert re.search(
        r'<span lang="en">Thumb walk</span> <span class="in-english">[^<]+</span>', spanish
    )
    assert '<span lang="en">Walk your thumbs.</span>' in spanish
    # The Spanish texts carry no mark.
    assert '<span lang="en">Deslizar' not in spanish
    assert spanish.count('class="in-english"') == 2  # the untranslated step's name and words
    # Its picture is named by the English too, and read out as English; the other's is not.
    assert re.search(r'<svg [^>]*aria-label="Thumb walk" lang="en"', spanish)
    assert re.search(r'<svg [^>]*aria-label="Deslizar por la pierna" preserve', spanish)

    printable = page(as_parent, reverse("massage:routine-print", args=[bilingual.slug]), ES)
    assert '<span lang="en">Walk your thumbs.</span>' in printable


def test_the_library_list_and_start_page_in_spanish(as_parent, bilingual, baby):
    listing = page(as_parent, reverse("massage:routine-list"), ES)
    assert "Calma de la tarde" in listing and "Caricias lentas." in listing
    Routine.objects.filter(pk=bilingual.pk).update(title_es="", cautions_es="")
    listing = page(as_parent, reverse("massage:routine-list"), ES)
    assert '<span lang="en">Evening calm</span>' in listing
    start = page(as_parent, reverse("sessions:session-start", args=[baby.pk, bilingual.slug]), ES)
    assert '<ul class="caution-list" lang="en">' in start


def test_a_routine_written_only_in_spanish_shows_its_spanish_on_an_english_page(as_parent, db):
    with translation.override("en"):
        routine = RoutineFactory(slug="solo", title="x")
    Routine.objects.filter(pk=routine.pk).update(
        title_en="", summary_en="", title_es="Solo en español", summary_es="Resumen."
    )
    english = page(as_parent, routine.get_absolute_url(), EN)
    assert re.search(
        r'<h1><span lang="es">Solo en español</span> <span class="in-english">', english
    )


def test_the_player_marks_english_stand_ins_and_plays_the_pages_recording(
    as_parent, baby, bilingual, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    first, second = bilingual.steps.order_by("order")
    first.narration_en.save("en.wav", ContentFile(wav_bytes()), save=False)
    first.narration_es.save("es.wav", ContentFile(wav_bytes()), save=False)
    second.narration_en.save("only-en.wav", ContentFile(wav_bytes()), save=False)
    first.save()
    second.save()
    session = MassageSessionFactory(routine=bilingual, baby=baby)

    html = player(as_parent, session)  # English
    assert first.narration_en.url in html and first.narration_es.url not in html

    spanish = as_parent.get(reverse("sessions:session-player", args=[session.pk]), **ES)
    html = spanish.content.decode()
    assert first.narration_es.url in html
    assert second.narration_en.url in html  # no Spanish recording: the English one
    assert f'<h1 id="step-title-{second.pk}" lang="en">Thumb walk</h1>' in html
    assert f'<h1 id="step-title-{first.pk}">Deslizar por la pierna</h1>' in html
    assert '"lang": "es"' in html or '"lang":"es"' in html


# -- Caches and queries --------------------------------------------------------------------------


def test_step_fragments_are_kept_per_language_and_change_with_a_translation(bilingual):
    steps = list(bilingual.steps.order_by("order"))
    with translation.override("en"):
        english = fragments_version(steps, PLAYER_STEP)
    with translation.override("es"):
        spanish = fragments_version(steps, PLAYER_STEP)
    assert english != spanish

    Step.objects.filter(pk=steps[1].pk).update(instruction_es="Camina con los pulgares.")
    steps = list(bilingual.steps.order_by("order"))
    with translation.override("es"):
        assert fragments_version(steps, PLAYER_STEP) != spanish


def count_queries(client, url, headers):
    with CaptureQueriesContext(connection) as context:
        response = client.get(url, **headers)
    assert response.status_code == 200
    return len(context.captured_queries)


def test_spanish_pages_cost_the_same_queries_as_english_ones(as_parent, baby, bilingual):
    session = MassageSessionFactory(routine=bilingual, baby=baby)
    for url in [
        reverse("massage:routine-list"),
        bilingual.get_absolute_url(),
        reverse("massage:routine-print", args=[bilingual.slug]),
        reverse("sessions:session-player", args=[session.pk]),
    ]:
        english = count_queries(as_parent, url, EN)
        assert count_queries(as_parent, url, ES) == english, url


# -- The studio ----------------------------------------------------------------------------------


@pytest.fixture
def as_instructor(client, db):
    client.force_login(InstructorFactory())
    return client


def test_an_instructor_can_write_a_routine_in_spanish_only(as_instructor):
    data = routine_data(title="", summary="", cautions="")
    data |= {"title_es": "Calma", "summary_es": "Despacio.", "cautions_es": "Espera."}
    response = as_instructor.post(reverse("massage:routine-create"), data)
    assert response.status_code == 302
    routine = Routine.objects.get(title_es="Calma")
    assert (routine.title_en, routine.summary_es, routine.cautions_es) == (
        "",
        "Despacio.",
        "Espera.",
    )
    assert routine.slug.startswith("calma-")


def test_the_routine_form_shows_both_languages_clearly(as_instructor):
    html = as_instructor.get(reverse("massage:routine-create"), **EN).content.decode()
    for name in ["title", "summary", "cautions"]:
        assert f'name="{name}_en"' in html and f'name="{name}_es"' in html
    assert "Title (English)" in html and "Title (Spanish)" in html
    assert 'lang="es"' in html
    # Spanish writes a language's name in lower case within a label.
    html = as_instructor.get(reverse("massage:routine-create"), **ES).content.decode()
    assert "Título (inglés)" in html and "Título (español)" in html
    assert "Inglés" not in html


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"title": "", "title_es": ""}, "title_en", "Give the routine a title"),
        ({"summary": "", "summary_es": "   "}, "summary_en", "Write a short summary"),
        ({"title_es": "x" * 121}, "title_es", "at most 120 characters"),
        ({"summary_es": "x" * 601}, "summary_es", "at most 600 characters"),
    ],
)
def test_bad_routine_texts_are_refused_and_nothing_is_saved(as_instructor, changes, field, message):
    response = as_instructor.post(reverse("massage:routine-create"), routine_data(**changes))
    assert response.status_code == INVALID
    assert message in response.content.decode()
    assert field in response.context["form"].errors
    assert not Routine.objects.exists()


@pytest.fixture
def own_step(as_instructor):
    user = as_instructor.session.get("_auth_user_id")
    with translation.override("en"):
        routine = RoutineFactory(author_id=user, published=False)
        return StepFactory(routine=routine, stroke="Leg glide")


def test_a_step_in_both_languages_and_each_languages_recording(as_instructor, own_step, media):
    url = reverse("massage:step-update", args=[own_step.pk])
    data = step_data(
        own_step,
        stroke_es="Deslizar",
        instruction_es="Desliza despacio.",
        caution_es="Con suavidad.",
        narration_es=upload(wav_bytes(), "voz.wav"),
    )
    response = as_instructor.post(url, data)
    assert response.status_code == 302
    own_step.refresh_from_db()
    assert (own_step.stroke_en, own_step.stroke_es) == ("Leg glide", "Deslizar")
    assert own_step.caution_es == "Con suavidad."
    assert own_step.narration_es.name.endswith(".wav") and not own_step.narration_en

    html = as_instructor.get(url).content.decode()
    assert 'name="remove_narration_es"' in html and 'name="remove_narration_en"' not in html
    response = as_instructor.post(url, step_data(own_step, remove_narration_es="on"))
    assert response.status_code == 302
    own_step.refresh_from_db()
    assert not own_step.narration_es


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"stroke": "", "stroke_es": ""}, "stroke_en", "Name the stroke"),
        ({"instruction": "", "instruction_es": ""}, "instruction_en", "Write the instruction"),
        ({"stroke_es": "x" * 81}, "stroke_es", "at most 80 characters"),
        ({"caution_es": "x" * 301}, "caution_es", "at most 300 characters"),
        ({"instruction_es": "x" * 501}, "instruction_es", "at most 500 characters"),
    ],
)
def test_bad_step_texts_are_refused_and_nothing_changes(
    as_instructor, own_step, changes, field, message
):
    url = reverse("massage:step-update", args=[own_step.pk])
    response = as_instructor.post(url, step_data(own_step, **changes))
    assert response.status_code == INVALID
    assert message in response.content.decode()
    assert field in response.context["form"].errors
    fresh = Step.objects.get(pk=own_step.pk)
    assert (fresh.stroke_en, fresh.stroke_es, fresh.instruction_es) == ("Leg glide", None, None)


def test_a_spanish_recording_that_is_not_audio_is_refused(as_instructor, own_step, media):
    url = reverse("massage:step-update", args=[own_step.pk])
    bad = upload(b"not audio at all\n" * 50, "voz.mp3", "audio/mpeg")
    response = as_instructor.post(url, step_data(own_step, narration_es=bad))
    assert response.status_code == INVALID
    assert "MP3, OGG, M4A or WAV" in response.content.decode()
    own_step.refresh_from_db()
    assert not own_step.narration_es


def test_a_copy_keeps_both_languages(as_instructor, bilingual):
    response = as_instructor.post(reverse("massage:routine-duplicate", args=[bilingual.slug]))
    assert response.status_code == 302
    copy = Routine.objects.get(copied_from=bilingual)
    assert copy.title_es.startswith("Calma de la tarde") and copy.title_en.startswith("Evening")
    assert copy.cautions_es == "Espera después de una toma."
    steps = list(copy.steps.order_by("order"))
    assert [s.stroke_es for s in steps] == ["Deslizar por la pierna", None]


# -- The migration -------------------------------------------------------------------------------

BEFORE = ("massage", "0010_user_language")


@pytest.mark.django_db(transaction=True)
def test_the_migration_keeps_every_saved_title_and_instruction_as_the_english():
    executor = MigrationExecutor(connection)
    executor.migrate([BEFORE])
    old = executor.loader.project_state([BEFORE]).apps
    routine = old.get_model("massage", "Routine").objects.create(
        slug="old",
        title="Old title",
        summary="Old summary",
        cautions="Old caution",
        min_age_months=0,
        max_age_months=12,
    )
    step = old.get_model("massage", "Step").objects.create(
        routine=routine,
        order=1,
        body_area="legs",
        stroke="Old stroke",
        instruction="Old instruction",
        caution="Careful",
        motion="hold",
        seconds=30,
        narration="routines/1/old.wav",
    )

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    migrated = Routine.objects.get(pk=routine.pk)
    assert (migrated.title_en, migrated.summary_en, migrated.cautions_en) == (
        "Old title",
        "Old summary",
        "Old caution",
    )
    assert migrated.title_es is None
    moved = Step.objects.get(pk=step.pk)
    assert (moved.stroke_en, moved.instruction_en, moved.caution_en) == (
        "Old stroke",
        "Old instruction",
        "Careful",
    )
    assert moved.narration_en.name == "routines/1/old.wav"
    with translation.override("es"):  # nothing in Spanish yet: the English shows
        assert Routine.objects.get(pk=routine.pk).title == "Old title"
        assert Step.objects.get(pk=step.pk).instruction == "Old instruction"


def test_the_studio_says_which_steps_are_not_yet_in_a_language(as_instructor):
    user = as_instructor.session.get("_auth_user_id")
    with translation.override("en"):
        routine = RoutineFactory(author_id=user, published=False, title="Mine")
        done = StepFactory(routine=routine, stroke="Leg glide")
        StepFactory(routine=routine, stroke="Thumb walk")
    Routine.objects.filter(pk=routine.pk).update(title_es="Mía", summary_es="Despacio.")
    Step.objects.filter(pk=done.pk).update(stroke_es="Deslizar", instruction_es="Despacio.")
    html = as_instructor.get(reverse("massage:routine-edit", args=[routine.pk]), **EN).text
    assert html.count("not yet in Spanish") == 1  # the thumb walk; the routine itself has both
    Routine.objects.filter(pk=routine.pk).update(summary_es="")
    html = as_instructor.get(reverse("massage:routine-edit", args=[routine.pk]), **EN).text
    assert html.count("not yet in Spanish") == 2
