"""Writes to the routine library: loading the seed routines and instructors' authoring."""

import secrets
from contextlib import contextmanager
from functools import partial

from django.db import transaction
from django.db.models import Max, Q
from django.utils import translation
from django.utils.text import Truncator, slugify
from django.utils.translation import gettext as _

from massage.content import (
    FALLBACK_LANGUAGE,
    ROUTINE_TEXTS,
    STEP_TEXTS,
    column,
    columns,
    language_codes,
)
from massage.library_seed import LIBRARY
from massage.library_seed_es import SPANISH
from massage.models import FocusTag, Routine, Step

STEP_FIELDS = [
    "body_area",
    "stroke",
    "instruction",
    "motion",
    "seconds",
    "repetitions",
    "seconds_per_repetition",
    "caution",
    "optional",
]
ROUTINE_FIELDS = ["title", "summary", "min_age_months", "max_age_months", "uses_oil"]
# The seed's texts in each language besides English, keyed by the English text.
SEED_TRANSLATIONS = {"es": SPANISH}


def _seed_texts(name: str, english: str | list[str]) -> dict[str, str]:
    """A seed text's column in every language: English as written, the others from
    SEED_TRANSLATIONS (empty where missing, so the page shows the English, marked)."""
    lines = english if isinstance(english, list) else [english]
    texts = {column(name, FALLBACK_LANGUAGE): "\n".join(lines)}
    for language, catalogue in SEED_TRANSLATIONS.items():
        translated = [catalogue.get(line, "") for line in lines]
        texts[column(name, language)] = "\n".join(translated) if all(translated) else ""
    return texts


def _routine_seed_defaults(data) -> dict:
    defaults = {field: data[field] for field in ROUTINE_FIELDS if field not in ROUTINE_TEXTS}
    for name in ROUTINE_TEXTS:
        defaults.update(_seed_texts(name, data.get(name, [] if name == "cautions" else "")))
    return defaults


def _step_seed_defaults(step_data) -> dict:
    defaults = {field: step_data[field] for field in STEP_FIELDS if field not in STEP_TEXTS}
    for name in STEP_TEXTS:
        defaults.update(_seed_texts(name, step_data[name]))
    return defaults


def _every_language(obj, names) -> dict:
    """The columns of ``names`` in every language, as ``obj`` has them (for copying it)."""
    return {col: getattr(obj, col) for name in names for col in columns(name)}


@transaction.atomic
def library_load(routines=LIBRARY) -> dict:
    """Create or update the shared library from data. Running it again changes nothing more.

    Only library routines (no author) are touched: an instructor's copy has its own slug and is
    never overwritten.

    Admin edits win. A library routine that still follows the seed (``follows_seed``, the
    default) is reset to the seed data on every load, steps and all, so fixes to the seed reach
    every site. Saving a library routine in the admin unticks ``follows_seed``: from then on the
    loader leaves that routine and its steps alone (counted as "kept") and the admin's text is
    never silently undone. Ticking the box again in the admin hands the routine back to the seed,
    which resets it on the next load. One flag per routine, no field-by-field merging: what a
    site shows is either exactly the seed or exactly what its admin wrote.
    """
    counts = {"created": 0, "updated": 0, "kept": 0}
    kept = set(
        Routine.objects.filter(author=None, follows_seed=False).values_list("slug", flat=True)
    )
    for data in routines:
        if data["slug"] in kept:
            counts["kept"] += 1
            continue
        defaults = _routine_seed_defaults(data)
        defaults["published"] = True
        routine, created = Routine.objects.update_or_create(
            slug=data["slug"], author=None, defaults=defaults
        )
        counts["created" if created else "updated"] += 1
        routine.focus.set(FocusTag.objects.filter(slug__in=data["focus"]))
        for order, step_data in enumerate(data["steps"], start=1):
            Step.objects.update_or_create(
                routine=routine,
                order=order,
                defaults=_step_seed_defaults(step_data),
            )
        routine.steps.filter(order__gt=len(data["steps"])).delete()
    return counts


def unique_slug(title: str) -> str:
    base = slugify(title)[:60] or "routine"
    return f"{base}-{secrets.token_hex(3)}"


def copy_title(title: str) -> str:
    """ "Newborn first touch" -> "Newborn first touch (my copy)", within the title's length."""
    suffix = _("(my copy)")
    if title.endswith(suffix):
        return title
    room = Routine._meta.get_field("title").max_length - len(suffix) - 1
    return f"{Truncator(title).chars(room)} {suffix}"


@transaction.atomic
def routine_duplicate(*, routine: Routine, author) -> Routine:
    """Copy a routine and its steps for an instructor to adapt. Photos and sound come along."""
    steps = list(routine.steps.all())
    focus = list(routine.focus.all())
    titles = {}
    for language in language_codes():
        title = getattr(routine, column("title", language))
        with translation.override(language):
            titles[column("title", language)] = copy_title(title) if title else title
    copy = Routine.objects.create(
        slug=unique_slug(routine.title),
        **titles,
        **_every_language(routine, ["summary", "cautions"]),
        min_age_months=routine.min_age_months,
        max_age_months=routine.max_age_months,
        uses_oil=routine.uses_oil,
        author=author,
        copied_from=routine,
        published=False,
    )
    copy.focus.set(focus)
    Step.objects.bulk_create(
        Step(
            routine=copy,
            order=step.order,
            photo_small=step.photo_small.name,
            photo_large=step.photo_large.name,
            photo_width=step.photo_width,
            photo_height=step.photo_height,
            **{col: getattr(step, col).name for col in columns("narration")},
            **{field: getattr(step, field) for field in STEP_FIELDS if field not in STEP_TEXTS},
            **_every_language(step, STEP_TEXTS),
        )
        for step in steps
    )
    return copy


@transaction.atomic
def routine_create(*, author, focus=(), **fields) -> Routine:
    """A new draft routine of the author's, with the details given: its texts by field
    (``title``, in the active language) or by column (``title_en``, ``title_es``...), ages, oil…
    """
    title = fields.get("title") or next(
        (fields[col] for col in columns("title") if fields.get(col)), ""
    )
    routine = Routine.objects.create(
        slug=unique_slug(title),
        author=author,
        published=False,
        **{"summary": "", **fields},
    )
    routine.focus.set(focus)
    return routine


def next_step_order(routine: Routine) -> int:
    return (routine.steps.aggregate(top=Max("order"))["top"] or 0) + 1


def step_save(
    *, step: Step, photo=None, remove_photo=False, narrations=None, remove_narrations=()
) -> Step:
    """Save a step with its new photo (a massage.uploads.ProcessedPhoto) and narrations, if any
    (``narrations``: {language: recording}; ``remove_narrations``: languages to remove).

    All or nothing: if anything fails, the database keeps the step as it was, the files just
    written are deleted again and the step's old files stay. Files the step lets go of are
    deleted only once the transaction has committed. A new step (no order yet) goes last.
    """
    with _new_files_removed_on_error(step), transaction.atomic():
        if step.order is None:
            # Lock the routine so two steps added at once can't both take the same next order.
            Routine.objects.select_for_update().filter(pk=step.routine_id).get()
            step.order = next_step_order(step.routine)
        step.save()
        if photo:
            step_set_photo(step=step, photo=photo)
        elif remove_photo:
            step_clear_photo(step=step)
        for language in language_codes():
            audio = (narrations or {}).get(language)
            if audio:
                step_set_narration(
                    step=step, audio=audio, extension=audio.narration_format, language=language
                )
            elif language in remove_narrations:
                step_clear_narration(step=step, language=language)
        step.routine.save(update_fields=["updated_at"])
    return step


@transaction.atomic
def step_move(*, step: Step, offset: int) -> int:
    """Swap a step with its neighbour (offset -1: earlier, +1: later). At the ends, nothing.

    Returns the step's position afterwards.
    """
    siblings = list(
        Step.objects.select_for_update().filter(routine_id=step.routine_id).order_by("order")
    )
    index = next(i for i, s in enumerate(siblings) if s.pk == step.pk)
    target = index + offset
    if not 0 <= target < len(siblings):
        return index + 1
    siblings[index], siblings[target] = siblings[target], siblings[index]
    _renumber(siblings)
    return target + 1


@transaction.atomic
def step_delete(*, step: Step, renumber=True) -> None:
    """Delete a step (and, once committed, its files); close the gap it leaves in the order."""
    routine_id = step.routine_id
    names = _file_names(step)
    step.delete()
    _delete_unshared_files_on_commit(names)
    if renumber:
        _renumber(
            list(Step.objects.select_for_update().filter(routine_id=routine_id).order_by("order"))
        )


@transaction.atomic
def routine_delete(*, routine: Routine) -> None:
    """Delete a routine with its steps and, once committed, the files no copy still uses."""
    names = [name for step in routine.steps.all() for name in _file_names(step)]
    routine.delete()
    _delete_unshared_files_on_commit(names)


def _renumber(steps: list[Step]) -> None:
    """Give steps the orders 1..n in list order without tripping the unique constraint midway."""
    offset = 1000
    for position, step in enumerate(steps, start=1):
        step.order = offset + position
    Step.objects.bulk_update(steps, ["order"])
    for position, step in enumerate(steps, start=1):
        step.order = position
    Step.objects.bulk_update(steps, ["order"])


# Only call these inside step_save (or another atomic block that removes new files on error).


def step_set_photo(*, step: Step, photo) -> None:
    """Store the renditions of a processed photo (massage.uploads.ProcessedPhoto) on a step.

    A photo narrower than the smallest rendition has just one: both fields then name one file.
    """
    renditions = photo.renditions
    small, large = renditions[0], renditions[-1]
    old = _photo_names(step)
    step.photo_large.save(large.content.name, large.content, save=False)
    if small is large:
        step.photo_small.name = step.photo_large.name
    else:
        step.photo_small.save(small.content.name, small.content, save=False)
    step.photo_width, step.photo_height = large.width, large.height
    step.save(update_fields=["photo_small", "photo_large", "photo_width", "photo_height"])
    _delete_unshared_files_on_commit(old)


def step_clear_photo(*, step: Step) -> None:
    old = _photo_names(step)
    step.photo_small = step.photo_large = ""
    step.photo_width = step.photo_height = None
    step.save(update_fields=["photo_small", "photo_large", "photo_width", "photo_height"])
    _delete_unshared_files_on_commit(old)


def step_set_narration(*, step: Step, audio, extension: str, language=FALLBACK_LANGUAGE) -> None:
    field = getattr(step, column("narration", language))
    old = [field.name]
    field.save(f"narration-{language}.{extension}", audio, save=False)
    step.save(update_fields=[column("narration", language)])
    _delete_unshared_files_on_commit(old)


def step_clear_narration(*, step: Step, language=FALLBACK_LANGUAGE) -> None:
    name = column("narration", language)
    old = [getattr(step, name).name]
    setattr(step, name, "")
    step.save(update_fields=[name])
    _delete_unshared_files_on_commit(old)


# Each language's recording has a column of its own (narration_en, narration_es...).
FILE_FIELDS = ["photo_small", "photo_large", *columns("narration")]


def _photo_names(step: Step) -> list[str]:
    return [step.photo_small.name, step.photo_large.name]


def _file_names(step: Step) -> list[str]:
    return [getattr(step, field).name or "" for field in FILE_FIELDS]


def _storage():
    return Step._meta.get_field(column("narration", FALLBACK_LANGUAGE)).storage


@contextmanager
def _new_files_removed_on_error(step: Step):
    """If the block fails, delete the files it wrote and point the step at its old ones again.

    Wrap the transaction in this (not the other way round) so a failed commit counts too.
    """
    before = {field: getattr(step, field).name or "" for field in FILE_FIELDS}
    adding, order, size = step._state.adding, step.order, (step.photo_width, step.photo_height)
    try:
        yield
    except BaseException:
        written = set(_file_names(step)) - set(before.values())
        for name in filter(None, written):
            _storage().delete(name)
        for field, name in before.items():
            getattr(step, field).name = name
        step.photo_width, step.photo_height = size
        if adding:  # the row was rolled back: the step is unsaved again
            step.pk, step.order, step._state.adding = None, order, True
        raise


def _delete_unshared_files_on_commit(names: list[str]) -> None:
    names = [name for name in dict.fromkeys(names) if name]
    if names:
        transaction.on_commit(partial(_delete_unshared_files, names), robust=True)


def _delete_unshared_files(names: list[str]) -> None:
    """Remove files no step uses any more (a copied routine's steps may still point at them)."""
    storage = _storage()
    for name in names:
        uses = Q(photo_small=name) | Q(photo_large=name)
        for field in columns("narration"):
            uses |= Q(**{field: name})
        in_use = Step.objects.filter(uses).exists()
        if not in_use:
            storage.delete(name)
