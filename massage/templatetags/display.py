"""Display filters and tags for every page: the body map, durations, amounts, ages, how long ago."""

from django import template
from django.conf import settings
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.safestring import mark_safe
from django.utils.timesince import timesince
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from massage.bodymap import render_bodymap, render_bodymap_sprite
from massage.bodymap import side_labels as bodymap_side_labels
from massage.content import stand_in_language
from massage.formats import DAY_MONTH
from massage.fragments import step_fragments

register = template.Library()


@register.simple_tag
def languages_by_own_name():
    """(code, name) of each language the site speaks, named in itself ("English", "Español"),
    so anyone finds theirs: Django's get_available_languages would translate the names."""
    return settings.LANGUAGES


@register.simple_tag
def bodymap(step, size="full", shared=False, labels=True):
    """The generated body-map picture of a step: where and how to stroke.

    `shared` draws the outline from the page's sprite ({% bodymap_sprite %}, once per page).
    """
    pace = step.seconds_per_repetition or None
    return render_bodymap(
        body_area=step.body_area,
        motion=step.motion,
        pace_seconds=pace,
        title=step.stroke,
        lang=stand_in_language(step, "stroke") or "",
        size=size,
        key=step.pk or "",
        shared=bool(shared),
        labels=labels is not False,
    )


@register.simple_tag
def bodymap_sprite():
    """The body maps' shared outline, once on a page whose pictures say `shared`."""
    return render_bodymap_sprite()


@register.simple_tag
def routine_steps(steps):
    """A routine page's list items, one a step: drawn once, then kept in the cache."""
    items = step_fragments(list(steps), "massage/partials/routine_step.html")
    return mark_safe("".join(items))


@register.simple_tag
def side_labels(body_area):
    """(left, right): the baby's side shown on each side of the body map."""
    return bodymap_side_labels(body_area)


@register.filter
def duration(seconds):
    """'45 s', '6 min', '1 h 5 min': how long a step or routine takes, roughly."""
    seconds = int(seconds or 0)
    if seconds < 60:
        return _("%(n)d s") % {"n": seconds}
    minutes = round(seconds / 60)
    if minutes < 60:
        return _("%(n)d min") % {"n": minutes}
    return _("%(h)d h %(m)d min") % {"h": minutes // 60, "m": minutes % 60}


@register.filter
def amount(step):
    """What a step asks for: a time or a number of strokes."""
    if step.seconds:
        return duration(step.seconds)
    if step.repetitions:
        return ngettext("%(n)d time", "%(n)d times", step.repetitions) % {"n": step.repetitions}
    # The database refuses a step without a length; a page still shows one that has none.
    return _("no length set")


@register.filter
def age_range(routine):
    low, high = routine.min_age_months, routine.max_age_months
    if high >= 24 and high % 12 == 0:
        high_text = ngettext("%(n)d year", "%(n)d years", high // 12) % {"n": high // 12}
    else:
        high_text = ngettext("%(n)d month", "%(n)d months", high) % {"n": high}
    if low == 0:
        return _("birth to %(high)s") % {"high": high_text}
    low_text = ngettext("%(n)d month", "%(n)d months", low) % {"n": low}
    return _("%(low)s to %(high)s") % {"low": low_text, "high": high_text}


@register.filter
def days_ago(moment):
    """ "today", "yesterday", "3 days ago", or the date once it is over a week back."""
    if not moment:
        return ""
    days = (timezone.localdate() - timezone.localtime(moment).date()).days
    if days <= 0:
        return _("today")
    if days == 1:
        return _("yesterday")
    if days < 7:
        return ngettext("%(n)d day ago", "%(n)d days ago", days) % {"n": days}
    return date_format(timezone.localtime(moment), DAY_MONTH)


@register.filter
def time_ago(moment):
    """ "just now" within the first minute, then "5 minutes ago", "2 hours, 3 minutes ago"."""
    if not moment:
        return ""
    if (timezone.now() - moment).total_seconds() < 60:
        return _("just now")
    return _("%(time)s ago") % {"time": timesince(moment, depth=2)}
