"""Ages of babies, plain and corrected for prematurity, in words a parent uses."""

from datetime import date

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

DAYS_PER_MONTH = 30.4375


def whole_months_between(start: date, end: date) -> int:
    months = (end.year - start.year) * 12 + (end.month - start.month)
    if end.day < start.day:
        months -= 1
    return max(months, 0)


def describe_age(born: date, today: date) -> str:
    """'3 days', '5 weeks', '4 months', '1 year 2 months' — the way parents count."""
    days = (today - born).days
    if days < 0:
        weeks_to_go = -days // 7
        return ngettext("due in %(n)d week", "due in %(n)d weeks", weeks_to_go) % {"n": weeks_to_go}
    if days < 14:
        return ngettext("%(n)d day", "%(n)d days", days) % {"n": days}
    months = whole_months_between(born, today)
    if months < 3:
        weeks = days // 7
        return ngettext("%(n)d week", "%(n)d weeks", weeks) % {"n": weeks}
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
