"""Writes to the routine library: loading the seed routines and instructors' authoring."""

import secrets

from django.db import transaction
from django.db.models import Max
from django.utils.text import slugify

from massage.library_seed import LIBRARY
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


@transaction.atomic
def library_load(routines=LIBRARY) -> dict:
    """Create or update the shared library from data. Running it again changes nothing more.

    Only library routines (no author) are touched: an instructor's copy has its own slug and is
    never overwritten.
    """
    counts = {"created": 0, "updated": 0}
    for data in routines:
        defaults = {field: data[field] for field in ROUTINE_FIELDS}
        defaults["cautions"] = "\n".join(data.get("cautions", []))
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
                defaults={field: step_data[field] for field in STEP_FIELDS},
            )
        routine.steps.filter(order__gt=len(data["steps"])).delete()
    return counts


def unique_slug(title: str) -> str:
    base = slugify(title)[:60] or "routine"
    return f"{base}-{secrets.token_hex(3)}"


@transaction.atomic
def routine_duplicate(*, routine: Routine, author) -> Routine:
    """Copy a routine and its steps for an instructor to adapt. Photos and sound come along."""
    steps = list(routine.steps.all())
    focus = list(routine.focus.all())
    copy = Routine.objects.create(
        slug=unique_slug(routine.title),
        title=routine.title,
        summary=routine.summary,
        min_age_months=routine.min_age_months,
        max_age_months=routine.max_age_months,
        uses_oil=routine.uses_oil,
        cautions=routine.cautions,
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
            narration=step.narration.name,
            **{field: getattr(step, field) for field in STEP_FIELDS},
        )
        for step in steps
    )
    return copy


@transaction.atomic
def routine_create(*, author, title: str, focus=(), **fields) -> Routine:
    """A new draft routine of the author's, with the details given (summary, ages, oil…)."""
    routine = Routine.objects.create(
        slug=unique_slug(title),
        title=title,
        author=author,
        published=False,
        **{"summary": "", **fields},
    )
    routine.focus.set(focus)
    return routine


def next_step_order(routine: Routine) -> int:
    return (routine.steps.aggregate(top=Max("order"))["top"] or 0) + 1


@transaction.atomic
def step_move(*, step: Step, offset: int) -> None:
    """Swap a step with its neighbour (offset -1: earlier, +1: later). At the ends, nothing."""
    siblings = list(
        Step.objects.select_for_update().filter(routine_id=step.routine_id).order_by("order")
    )
    index = next(i for i, s in enumerate(siblings) if s.pk == step.pk)
    target = index + offset
    if not 0 <= target < len(siblings):
        return
    siblings[index], siblings[target] = siblings[target], siblings[index]
    _renumber(siblings)


@transaction.atomic
def step_delete(*, step: Step) -> None:
    routine_id = step.routine_id
    step.delete()
    _renumber(
        list(Step.objects.select_for_update().filter(routine_id=routine_id).order_by("order"))
    )


def _renumber(steps: list[Step]) -> None:
    """Give steps the orders 1..n in list order without tripping the unique constraint midway."""
    offset = 1000
    for position, step in enumerate(steps, start=1):
        step.order = offset + position
    Step.objects.bulk_update(steps, ["order"])
    for position, step in enumerate(steps, start=1):
        step.order = position
    Step.objects.bulk_update(steps, ["order"])


def step_set_photo(*, step: Step, photo) -> None:
    """Store the renditions of a processed photo (massage.uploads.ProcessedPhoto) on a step."""
    renditions = photo.renditions
    small, large = renditions[0], renditions[-1]
    old = [step.photo_small.name, step.photo_large.name]
    step.photo_small.save(small.content.name, small.content, save=False)
    step.photo_large.save(large.content.name, large.content, save=False)
    step.photo_width, step.photo_height = large.width, large.height
    step.save(update_fields=["photo_small", "photo_large", "photo_width", "photo_height"])
    _delete_unshared_files(step, old)


def step_clear_photo(*, step: Step) -> None:
    old = [step.photo_small.name, step.photo_large.name]
    step.photo_small = step.photo_large = ""
    step.photo_width = step.photo_height = None
    step.save(update_fields=["photo_small", "photo_large", "photo_width", "photo_height"])
    _delete_unshared_files(step, old)


def step_set_narration(*, step: Step, audio, extension: str) -> None:
    old = [step.narration.name]
    step.narration.save(f"narration.{extension}", audio, save=True)
    _delete_unshared_files(step, old)


def step_clear_narration(*, step: Step) -> None:
    old = [step.narration.name]
    step.narration = ""
    step.save(update_fields=["narration"])
    _delete_unshared_files(step, old)


def _delete_unshared_files(step: Step, names: list[str]) -> None:
    """Remove files a step no longer uses, unless a copied routine still points at them."""
    storage = step.photo_small.storage
    for name in filter(None, names):
        in_use = (
            Step.objects.filter(photo_small=name).exists()
            or Step.objects.filter(photo_large=name).exists()
            or Step.objects.filter(narration=name).exists()
        )
        if not in_use:
            storage.delete(name)
