"""``{% load cue_review %}``: the review's pieces that other apps' pages show.

``{% session_cue_counts session %}`` puts a session's cue counts and the way to its review on the
session summary (the sessions app can't import cues, so the summary loads this tag instead).

``{% review_html parts %}`` puts a review kept in the cache (`cues.pages.review_parts`) on its
page, with this request's CSRF token where each form's token goes.
"""

from django import template
from django.utils.safestring import mark_safe

from cues import pages, selectors
from cues.charts import clock as clock_text

register = template.Library()


@register.inclusion_tag("cues/partials/review_cue_counts.html")
def session_cue_counts(session):
    """The session's engagement and disengagement cue counts (one query) and a review link."""
    return {"session": session, "counts": selectors.session_cue_counts(session)}


@register.filter
def clock(seconds):
    """Seconds into a massage as '2:05'."""
    try:
        return clock_text(float(seconds))
    except (TypeError, ValueError):
        return ""


@register.simple_tag(takes_context=True)
def review_html(context, parts):
    """The review's parts joined by the CSRF field, as ``{% csrf_token %}`` draws it."""
    return mark_safe(pages.csrf_field(context.get("csrf_token")).join(parts))
