"""Ages of babies, plain and corrected for prematurity, in words a parent uses.

One way of writing an age everywhere: "3 days", "10 weeks", "3 months", "3 years 11 months".
A baby born early has both ages, the corrected one named as such:
"10 weeks old, 2 weeks corrected".
"""

from datetime import date

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

DAYS_PER_MONTH = 30.4375


def whole_months_between(start: date, end: date) -> int:
    months = (end.year - start.year) * 12 + (end.month - start.month)
    if end.day < start.day:
        months -= 1
    return max(months, 0)


def _days(n: int) -> str:
    return ngettext("%(n)d day", "%(n)d days", n) % {"n": n}


def _weeks(n: int) -> str:
    return ngettext("%(n)d week", "%(n)d weeks", n) % {"n": n}


def _due_in(days: int) -> str:
    """How long until a due date still ahead: "due in 4 days", "due in 3 weeks"."""
    span = _days(days) if days < 14 else _weeks(days // 7)
    return _("due in %(span)s") % {"span": span}


def describe_age(born: date, today: date) -> str:
    """'3 days', '5 weeks', '4 months', '3 years 11 months' — the way parents count."""
    days = (today - born).days
    if days < 0:
        return _due_in(-days)
    if days < 14:
        return _days(days)
    months = whole_months_between(born, today)
    if months < 3:
        return _weeks(days // 7)
    if months < 24:
        return ngettext("%(n)d month", "%(n)d months", months) % {"n": months}
    years, rest = divmod(months, 12)
    text = ngettext("%(n)d year", "%(n)d years", years) % {"n": years}
    if rest:
        text = _("%(years)s %(months)s") % {
            "years": text,
            "months": ngettext("%(n)d month", "%(n)d months", rest) % {"n": rest},
        }
    return text


def describe_ages(born: date, due: date | None, today: date, *, old: bool = False) -> str:
    """A baby's age, with the corrected age (counted from ``due``) when one is given.

    "10 weeks", or with ``old`` (to follow "Leo is"): "10 weeks old". With a due date:
    "10 weeks old, 2 weeks corrected", or "3 weeks old, due in 5 weeks" before the due date.
    """
    age = describe_age(born, today)
    if due is None:
        return _("%(age)s old") % {"age": age} if old else age
    if (today - due).days < 0:
        return _("%(age)s old, %(due_in)s") % {"age": age, "due_in": _due_in((due - today).days)}
    return _("%(age)s old, %(corrected)s corrected") % {
        "age": age,
        "corrected": describe_age(due, today),
    }
