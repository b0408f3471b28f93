"""The seed routine library: complete, consistent and safe as data, and what loading it gives.

Only the tests of what loading gives (at the end) use the database.
"""

import re

import pytest
from django.urls import reverse
from django.utils import translation

from massage.content import ROUTINE_TEXTS, STEP_TEXTS, columns
from massage.forms import RoutineForm, StudioStepForm
from massage.library_seed import FOCUS_TAGS, LIBRARY, routine_seconds, step_seconds
from massage.library_seed_es import SPANISH
from massage.models import Routine, Step
from massage.services.library import STEP_FIELDS, library_load
from massage.vocabulary import BODY_AREAS, MOTIONS

ROUTINE_COLUMNS = [col for name in ROUTINE_TEXTS for col in columns(name)]
STEP_FORM_FIELDS = [
    *(field for field in STEP_FIELDS if field not in STEP_TEXTS),
    *(col for name in STEP_TEXTS for col in columns(name)),
]

# Expected total length in seconds (DOMAIN.md section 4), per seed routine.
EXPECTED_SECONDS = {
    "newborn-first-touch": (300, 480),  # about 6 minutes
    "full-routine": (780, 1200),  # about 15 minutes
    "tummy-comfort": (300, 480),  # 5-8 minutes
    "wiggly-bedtime": (300, 600),  # 5-10 minutes
}
ALL_STEPS = [(r["slug"], i, s) for r in LIBRARY for i, s in enumerate(r["steps"])]
STEP_IDS = [f"{slug}-{i}" for slug, i, _ in ALL_STEPS]


def by_slug(slug):
    return next(r for r in LIBRARY if r["slug"] == slug)


def test_the_four_core_routines_are_there_and_slugs_unique():
    slugs = [r["slug"] for r in LIBRARY]
    assert len(slugs) == len(set(slugs))
    assert set(EXPECTED_SECONDS) <= set(slugs)
    for slug in slugs:
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", slug), slug
    titles = [r["title"] for r in LIBRARY]
    assert len(titles) == len(set(titles))


@pytest.mark.parametrize("routine", LIBRARY, ids=lambda r: r["slug"])
def test_routine_schema(routine):
    assert routine["title"].strip() and routine["summary"].strip()
    assert isinstance(routine["uses_oil"], bool)
    assert routine["focus"] and set(routine["focus"]) <= set(FOCUS_TAGS)
    assert len(routine["focus"]) == len(set(routine["focus"]))
    assert routine["cautions"] and all(
        isinstance(c, str) and c.strip() for c in routine["cautions"]
    )
    assert len(routine["steps"]) >= 5


@pytest.mark.parametrize("routine", LIBRARY, ids=lambda r: r["slug"])
def test_summary_is_cautious_about_benefits(routine):
    summary = routine["summary"].lower()
    assert re.search(
        r"\bmay help\b|\bmany (parents|families) find\b|\bsome parents find\b", summary
    )
    for claim in ("cures", "treats colic", "guarantee", "proven", "will make"):
        assert claim not in summary


@pytest.mark.parametrize("routine", LIBRARY, ids=lambda r: r["slug"])
def test_age_ranges_are_sane(routine):
    lo, hi = routine["min_age_months"], routine["max_age_months"]
    assert isinstance(lo, int) and isinstance(hi, int)
    assert 0 <= lo < hi <= 36


def test_specific_age_ranges():
    assert by_slug("newborn-first-touch")["min_age_months"] == 0
    assert by_slug("newborn-first-touch")["max_age_months"] <= 3
    full = by_slug("full-routine")
    assert (full["min_age_months"], full["max_age_months"]) == (2, 6)
    bedtime = by_slug("wiggly-bedtime")
    assert bedtime["min_age_months"] >= 6 and bedtime["max_age_months"] >= 18


@pytest.mark.parametrize(("slug", "index", "step"), ALL_STEPS, ids=STEP_IDS)
def test_step_schema(slug, index, step):
    assert set(step) == set(STEP_FIELDS), "the loader copies each of these, and only these"
    assert step["body_area"] in BODY_AREAS
    assert step["motion"] in MOTIONS
    assert step["stroke"].strip() and len(step["stroke"]) <= 40
    assert isinstance(step["caution"], str)
    assert isinstance(step["optional"], bool)
    instruction = step["instruction"].strip()
    assert instruction and len(instruction) <= 300
    assert len(re.findall(r"[.!?](?:\s|$)", instruction)) <= 2, "one or two sentences"

    seconds, reps, each = step["seconds"], step["repetitions"], step["seconds_per_repetition"]
    assert (seconds is None) != (reps is None), "exactly one of seconds / repetitions"
    if reps is not None:
        assert isinstance(reps, int) and reps >= 1
        assert isinstance(each, int) and 3 <= each <= 10
    else:
        assert isinstance(seconds, int) and seconds > 0
        assert each is None
    assert step_seconds(step) > 0


@pytest.mark.parametrize("routine", LIBRARY, ids=lambda r: r["slug"])
def test_every_routine_starts_by_asking_permission(routine):
    first = routine["steps"][0]
    assert first["body_area"] == "whole_body"
    assert first["motion"] == "hold"
    assert "permission" in first["stroke"].lower()
    assert first["seconds"] is not None and 20 <= first["seconds"] <= 30
    text = first["instruction"].lower()
    assert "rub" in text and "show" in text and "ask" in text and "wait" in text
    assert not any("permission" in s["stroke"].lower() for s in routine["steps"][1:])


@pytest.mark.parametrize("slug", sorted(EXPECTED_SECONDS))
def test_totals_match_the_expected_length(slug):
    lo, hi = EXPECTED_SECONDS[slug]
    assert lo <= routine_seconds(by_slug(slug)) <= hi
    assert lo <= routine_seconds(by_slug(slug), include_optional=False) <= hi


@pytest.mark.parametrize("routine", LIBRARY, ids=lambda r: r["slug"])
def test_any_routine_is_a_few_minutes_to_twenty(routine):
    assert 180 <= routine_seconds(routine) <= 1200


def test_step_seconds_counts_repetitions():
    step = {"seconds": None, "repetitions": 4, "seconds_per_repetition": 6}
    assert step_seconds(step) == 24
    assert step_seconds({"seconds": 45, "repetitions": None, "seconds_per_repetition": None}) == 45


@pytest.mark.parametrize(("slug", "index", "step"), ALL_STEPS, ids=STEP_IDS)
def test_face_steps_say_no_oil(slug, index, step):
    if step["body_area"] == "face":
        text = f"{step['caution']} {step['instruction']}".lower()
        assert "no oil" in text


@pytest.mark.parametrize("routine", LIBRARY, ids=lambda r: r["slug"])
def test_tummy_steps_are_safe(routine):
    tummy = [s for s in routine["steps"] if s["body_area"] == "tummy"]
    if not tummy:
        return
    # The routine warns about the cord, and every tummy step repeats it.
    assert any("cord" in c.lower() for c in routine["cautions"])
    for step in tummy:
        if step["motion"] in ("circle_clockwise", "sun_moon", "i_love_u", "water_wheel", "outward"):
            assert "cord" in step["caution"].lower()
            assert "rib" in step["caution"].lower() or "rib" in step["instruction"].lower()
        if step["motion"] in ("circle_clockwise", "sun_moon"):
            assert "clockwise" in f"{step['instruction']} {step['caution']}".lower()
            assert "anticlockwise" not in f"{step['instruction']} {step['caution']}".lower()


def test_tummy_only_motions_stay_on_the_tummy():
    for _slug, _i, step in ALL_STEPS:
        if step["motion"] in ("circle_clockwise", "sun_moon", "i_love_u", "water_wheel"):
            assert step["body_area"] == "tummy"


def test_newborn_routine_has_no_oil_and_no_tummy():
    newborn = by_slug("newborn-first-touch")
    assert newborn["uses_oil"] is False
    assert all(s["body_area"] != "tummy" for s in newborn["steps"])
    assert any("oil" in c.lower() for c in newborn["cautions"])
    assert any("cord" in c.lower() for c in newborn["cautions"])


def test_tummy_comfort_waits_after_a_feed_and_stops_on_distress():
    cautions = " ".join(by_slug("tummy-comfort")["cautions"]).lower()
    assert "30 minutes" in cautions
    assert "distress" in cautions


def test_indian_milking_is_optional_and_flagged():
    steps = [s for _slug, _i, s in ALL_STEPS if "indian" in s["stroke"].lower()]
    assert steps
    for step in steps:
        assert step["optional"] is True
        assert "guild" in step["caution"].lower()
        assert step["motion"] == "glide_toward_feet"
    swedish = [s for _slug, _i, s in ALL_STEPS if "swedish" in s["stroke"].lower()]
    assert swedish and all(s["motion"] == "glide_toward_body" for s in swedish)


def test_full_routine_follows_the_classic_order():
    order = ["legs", "tummy", "chest", "arms", "face", "back"]
    areas = [
        "legs"
        if s["body_area"] == "feet"
        else "arms"
        if s["body_area"] == "hands"
        else s["body_area"]
        for s in by_slug("full-routine")["steps"]
    ]
    firsts = [areas.index(a) for a in order]
    assert firsts == sorted(firsts)


def test_bedtime_steps_last_thirty_to_sixty_seconds():
    for step in by_slug("wiggly-bedtime")["steps"][1:]:
        if step["motion"] != "hold":
            assert 30 <= step_seconds(step) <= 60


def test_hold_steps_are_timed():
    for _slug, _i, step in ALL_STEPS:
        if step["motion"] == "hold":
            assert step["seconds"] is not None


def test_every_focus_filter_finds_a_seed_routine():
    used = {tag for routine in LIBRARY for tag in routine["focus"]}
    assert used == set(FOCUS_TAGS)


def test_routines_for_babies_born_early_send_parents_to_the_care_team_first():
    preterm = [r for r in LIBRARY if "preterm_home" in r["focus"]]
    assert [r["slug"] for r in preterm] == ["newborn-first-touch"]
    for routine in preterm:
        assert not routine["uses_oil"]
        assert any(
            "born early" in c.lower() and "care team" in c.lower() for c in routine["cautions"]
        )


# -- What loading the seed gives -----------------------------------------------------------------


def loaded(routine: Routine) -> dict:
    """A loaded routine as the seed writes one: what parents are shown of it, step by step."""
    return {
        "slug": routine.slug,
        "title": routine.title,
        "summary": routine.summary,
        "min_age_months": routine.min_age_months,
        "max_age_months": routine.max_age_months,
        "focus": sorted(routine.focus.values_list("slug", flat=True)),
        "uses_oil": routine.uses_oil,
        "cautions": routine.caution_list,
        "steps": [
            {field: getattr(step, field) for field in STEP_FIELDS}
            for step in routine.steps.order_by("order")
        ],
    }


@pytest.mark.django_db
def test_loading_the_seed_gives_each_routine_as_written_and_nothing_is_left_behind():
    """Every key the seed writes reaches the site: one the loader ignored would differ here."""
    library_load()
    routines = Routine.objects.filter(author=None, published=True)
    assert sorted(routines.values_list("slug", flat=True)) == sorted(r["slug"] for r in LIBRARY)
    for data in LIBRARY:
        assert loaded(routines.get(slug=data["slug"])) == {
            **data,
            "focus": sorted(data["focus"]),
        }


@pytest.mark.django_db
def test_every_loaded_routine_and_step_passes_the_checks_an_instructors_would():
    library_load()
    for routine in Routine.objects.filter(author=None).prefetch_related("focus", "steps"):
        routine.full_clean()
        form = RoutineForm(
            data={
                **{col: getattr(routine, col) for col in ROUTINE_COLUMNS},
                "min_age_months": routine.min_age_months,
                "max_age_months": routine.max_age_months,
                "focus": [tag.pk for tag in routine.focus.all()],
                "uses_oil": routine.uses_oil,
            },
            instance=routine,
        )
        assert form.is_valid(), (routine.slug, form.errors)
        for step in routine.steps.all():
            step.full_clean()
            data = {field: getattr(step, field) for field in STEP_FORM_FIELDS}
            form = StudioStepForm(
                data={k: "" if v is None else v for k, v in data.items()}, instance=step
            )
            assert form.is_valid(), (routine.slug, step.order, form.errors)
            assert {field: form.cleaned_data[field] for field in STEP_FORM_FIELDS} == data


@pytest.mark.django_db
def test_every_age_from_birth_to_the_oldest_has_a_seed_routine_suited_to_it(client):
    library_load()
    oldest = max(r["max_age_months"] for r in LIBRARY)
    assert oldest >= 18
    for months in range(oldest + 1):
        response = client.get(reverse("massage:routine-list"), {"age": months})
        assert response.status_code == 200
        assert response.context["suitable"], f"nothing suggested at {months} months"


# -- In Spanish ----------------------------------------------------------------------------------


def _seed_texts():
    for routine in LIBRARY:
        yield routine["slug"], "title", routine["title"]
        yield routine["slug"], "summary", routine["summary"]
        for line in routine["cautions"]:
            yield routine["slug"], "cautions", line
        for i, step in enumerate(routine["steps"], start=1):
            for name in STEP_TEXTS:
                if step[name]:
                    yield f"{routine['slug']} step {i}", name, step[name]


def test_every_seed_text_has_its_spanish():
    missing = [(where, name, text) for where, name, text in _seed_texts() if text not in SPANISH]
    assert missing == []
    english = {text for _where, _name, text in _seed_texts()}
    assert set(SPANISH) - english == set(), "Spanish for texts the seed no longer has"


def test_the_spanish_is_a_translation_not_a_copy_and_keeps_the_cautions_numbers():
    for english, spanish in SPANISH.items():
        assert spanish.strip() and spanish != english
        # A caution's figures (30 minutes, 48 hours...) are the same in both languages.
        assert re.findall(r"\d+", english) == re.findall(r"\d+", spanish), english
        assert "usted" not in spanish.lower().split()  # the app says "tú" throughout


@pytest.mark.django_db
def test_loading_fills_both_languages_of_every_seed_routine_and_step():
    library_load()
    for routine in Routine.objects.filter(author=None):
        for name in ROUTINE_TEXTS:
            for col in columns(name):
                assert getattr(routine, col), (routine.slug, col)
        assert len(routine.cautions_es.splitlines()) == len(routine.cautions_en.splitlines())
    for step in Step.objects.filter(routine__author=None):
        for name in STEP_TEXTS:
            en, es = (getattr(step, col) for col in columns(name))
            assert bool(en) == bool(es), (step.routine.slug, step.order, name)
        assert step.stroke_es and step.instruction_es
    with translation.override("es"):
        routine = Routine.objects.get(slug="newborn-first-touch")
        assert routine.title == "Primer contacto para recién nacidos"
        assert routine.steps.get(order=1).stroke == "Pide permiso"
    with translation.override("en"):
        assert Routine.objects.get(slug="newborn-first-touch").title == "Newborn first touch"


@pytest.mark.django_db
def test_the_spanish_of_a_routine_that_follows_the_seed_is_updated_like_the_english(
    monkeypatch,
):
    library_load()
    Routine.objects.filter(slug="tummy-comfort").update(title_es="Viejo título")
    Step.objects.filter(routine__slug="tummy-comfort", order=2).update(instruction_es="Viejo")
    library_load()
    routine = Routine.objects.get(slug="tummy-comfort")
    assert routine.title_es == "Alivio para la barriga"
    assert (
        routine.steps.get(order=2).instruction_es
        == SPANISH[routine.steps.get(order=2).instruction_en]
    )

    # A routine the admin has taken over keeps its Spanish too.
    Routine.objects.filter(slug="tummy-comfort").update(title_es="Mi título", follows_seed=False)
    library_load()
    assert Routine.objects.get(slug="tummy-comfort").title_es == "Mi título"
