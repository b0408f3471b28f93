"""A routine's steps rendered once and kept in the cache, for pages that show them all (the
player, the routine's page).

Drawing and rendering 34 steps is most of such a page's time, yet it depends on nothing but
the steps, the language and the code. So the cache key is made of exactly those: every field of
every step shown, the active language, and a digest of the templates and the drawing code. An
edit in the studio or the admin changes a field, so the next request misses and renders afresh;
nothing needs to be told to forget. The old entry simply ages out.

A step with a photo is always rendered, never cached: its address may be a signed link to
object storage that stops working after a while.
"""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path

from django.core.cache import cache
from django.db.models.fields.files import FieldFile
from django.template.loader import get_template, render_to_string
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from massage.models import Step

__all__ = ["fragments_version", "step_fragments", "stored_values"]

TIMEOUT = 24 * 3600
# What the fragments are drawn with besides their own template.
_CODE = [
    Path(__file__).with_name("bodymap.py"),
    Path(__file__).with_name("vocabulary.py"),
    Path(__file__).parent / "templatetags" / "display.py",
    Path(__file__).parent / "templatetags" / "content.py",
    Path(__file__).with_name("content.py"),
]
_INCLUDED_TEMPLATES = ["massage/partials/step_figure.html"]


@functools.cache
def _code_digest(template_name: str) -> str:
    digest = hashlib.blake2s(digest_size=8)
    for name in [template_name, *_INCLUDED_TEMPLATES]:
        digest.update(get_template(name).template.source.encode())
    for path in _CODE:
        digest.update(path.read_bytes())
    return digest.hexdigest()


@functools.cache
def _attnames(model) -> tuple[str, ...]:
    return tuple(field.attname for field in model._meta.concrete_fields)


def stored_values(instance) -> tuple:
    """Every column of a model instance as loaded, files by name: what a key of what a page
    shows is made of (here a step's, `cues.pages` a review's).

    Read from the instance's dict: getattr on a file field builds a FieldFile each time, and a
    page signs every step twice (its words and its picture)."""
    values = instance.__dict__
    return tuple(_plain(values.get(name)) for name in _attnames(type(instance)))


def _plain(value):
    return value.name if isinstance(value, FieldFile) else value


def fragments_version(steps: list[Step], template_name: str, **context) -> str:
    """What `step_fragments` would draw for these steps, in 32 hex digits: it changes when a
    step, the language or the code does. Steps with a photo don't count (they are never
    cached). Also the version in the address of a routine's figures (sessions.views)."""
    return hashlib.blake2s(
        repr(
            (
                template_name,
                _code_digest(template_name),
                get_language(),
                sorted(context.items()),
                [stored_values(step) for step in steps if not step.has_photo],
            )
        ).encode(),
        digest_size=16,
    ).hexdigest()


def step_fragments(steps: list[Step], template_name: str, **context) -> list[SafeString]:
    """Each step rendered with `template_name` (given `step` and `context`), in order."""
    cacheable = [step for step in steps if not step.has_photo]
    key = f"steps:{fragments_version(steps, template_name, **context)}"

    def render(step):
        return render_to_string(template_name, {"step": step, **context})

    cached = cache.get(key)
    if cached is None:
        cached = {step.pk: render(step) for step in cacheable}
        cache.set(key, cached, TIMEOUT)
    return [mark_safe(cached[step.pk]) if step.pk in cached else render(step) for step in steps]
