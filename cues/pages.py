"""What the review and history pages show, put together from the selectors and the charts."""

import functools
import hashlib
import re
from pathlib import Path

import django
from django.core.cache import cache
from django.core.paginator import Paginator
from django.template.loader import render_to_string
from django.urls import get_script_prefix
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from cues import charts, insights, selectors
from cues.forms import CueNoteForm
from massage.content import in_its_language, in_page_language_html, stand_in_language
from massage.fragments import stored_values
from massage.models import Step

SESSIONS_PER_PAGE = 20
TREND_WEEKS = 12
INSIGHT_CACHE_SECONDS = 24 * 60 * 60
# The page as drawn: for an hour at most, so a change made in the admin shows within the hour.
HISTORY_CACHE_SECONDS = 60 * 60
HISTORY_CONTENT = "cues/partials/history_content.html"
PAGE_NUMBER = re.compile(r"[0-9]{1,4}")
# The family's review below the site's bar, as drawn (see `family_review_page`).
REVIEW_CONTENT = "cues/session_review.html#review_content"
REVIEW_CACHE_SECONDS = 24 * 60 * 60


def _area_label(code):
    return dict(Step.BodyArea.choices).get(code, code)


def _bands(review) -> list[charts.Band]:
    """The session's steps along the timeline, the one on screen now included."""
    session = review["session"]
    bands = [
        charts.Band(
            key=visit.step_id,
            number=number,
            label=f"{visit.stroke_shown} · {visit.get_body_area_display()}",
            seconds=visit.seconds,
            skipped=visit.skipped,
        )
        for number, visit in enumerate(review["visits"], start=1)
    ]
    current = _current_step_unsaved(review)
    if current is not None:  # the step on screen now, before the player has saved it
        bands.append(
            charts.Band(
                key=current.pk,
                number=len(bands) + 1,
                label=f"{current.stroke} · {current.get_body_area_display()}",
                seconds=_seconds_on_current(session, review["visits"]),
            )
        )
    return bands


def _marks(review) -> list[charts.Mark]:
    return [
        charts.Mark(
            key=cue.step_id,
            seconds=cue.seconds_into_session,
            engaging=cue.engaging,
            potent=cue.potent,
            label=(
                f"{cue.get_kind_display()} · {charts.clock(cue.massage_seconds)} · "
                f"{cue.stroke_shown}"
            ),
        )
        for cue in review["cues"]
    ]


def set_massage_times(review) -> None:
    """Give each cue its `massage_seconds`: its time on the timeline's clock, the time spent on
    the steps with pauses left out, so the list of cues and the timeline agree."""
    bands = _bands(review)
    unlabelled = [
        charts.Mark(
            key=cue.step_id,
            seconds=cue.seconds_into_session,
            engaging=cue.engaging,
            potent=cue.potent,
            label="",
        )
        for cue in review["cues"]
    ]
    times = charts.massage_times(
        bands, unlabelled, fallback_total=review["session"].duration_seconds
    )
    for cue, seconds in zip(review["cues"], times, strict=True):
        cue.massage_seconds = seconds


def _timeline(review) -> str:
    """The session's steps and cues as the server-drawn SVG timeline (after set_massage_times)."""
    session = review["session"]
    bands = _bands(review)
    described = _(
        "%(steps)d steps along the massage time (the time spent on the steps, pauses left out), "
        "with %(up)d signs of enjoying above the line and %(down)d signs of needing a break "
        "below it. The tables below list the same steps and cues, at the same times."
    ) % {"steps": len(bands), "up": review["engaging"], "down": review["disengaging"]}
    on_steps, by_clock = _("Massage time, pauses left out"), _("Time since the massage began")
    return charts.timeline_svg(
        bands=bands,
        marks=_marks(review),
        title=_("Timeline of the massage"),
        description=described,
        fallback_total=session.duration_seconds,
        times=[cue.massage_seconds for cue in review["cues"]],
        axis_label=on_steps if bands else by_clock,
        id_prefix="timeline",
    )


def _current_step_unsaved(review):
    """A running session's current step when it has no visit saved yet, else None."""
    session = review["session"]
    if not session.is_running:
        return None  # without reading its step, which only a massage still going shows
    step = session.current_step
    if step is None:
        return None
    if any(visit.step_id == step.pk for visit in review["visits"]):
        return None
    return step


def _seconds_on_current(session, visits) -> float:
    """About how long the current step has been on: what the player saved, or the clock's
    time not yet given to any step (the plain-form player saves a step only when leaving it)."""
    done = sum(visit.seconds for visit in visits if not visit.skipped)
    unaccounted = session.duration_seconds - done
    return min(max(session.current_elapsed, unaccounted, 1), 3600)


def _step_name_html(step) -> str:
    """The step's name in the page's language, marked with its own when it stands in."""
    return in_its_language(step.stroke, stand_in_language(step, "stroke"))


def _steps_table(review) -> list[dict]:
    """One row per step of the session with its cue counts; strokes not on record after them."""
    counts, unplaced = {}, []
    for row in review["by_step"]:
        if row["step_id"] is None:  # the step was deleted from the routine since
            unplaced.append(row)
            continue
        total = counts.setdefault(row["step_id"], row | {"engaging": 0, "disengaging": 0})
        total["engaging"] += row["engaging"]
        total["disengaging"] += row["disengaging"]
    rows, start = [], 0.0
    for number, visit in enumerate(review["visits"], start=1):
        row = counts.pop(visit.step_id, {})
        rows.append(
            {
                "number": number,
                "stroke": visit.stroke_html,
                "area": visit.get_body_area_display(),
                "skipped": visit.skipped,
                "start": None if visit.skipped else charts.clock(start),
                "seconds": visit.seconds,
                "engaging": row.get("engaging", 0),
                "disengaging": row.get("disengaging", 0),
            }
        )
        if not visit.skipped:
            start += visit.seconds
    current = _current_step_unsaved(review)
    if current is not None:
        row = counts.pop(current.pk, {})
        rows.append(
            {
                "number": len(rows) + 1,
                "stroke": _step_name_html(current),
                "area": current.get_body_area_display(),
                "skipped": False,
                "now": True,
                "start": None,
                "seconds": None,
                "engaging": row.get("engaging", 0),
                "disengaging": row.get("disengaging", 0),
            }
        )
    for row in [*counts.values(), *unplaced]:  # cues on a step with no visit saved (yet)
        rows.append(
            {
                "number": None,
                "stroke": in_page_language_html(row["stroke_names"], row["stroke"]),
                "area": _area_label(row["body_area"]),
                "skipped": False,
                "start": None,
                "seconds": None,
                "engaging": row["engaging"],
                "disengaging": row["disengaging"],
            }
        )
    top = max([r["engaging"] + r["disengaging"] for r in rows] + [1])
    for row in rows:
        row["bar_engaging"] = round(row["engaging"] / top * 100, 1)
        row["bar_disengaging"] = round(row["disengaging"] / top * 100, 1)
    return rows


def _area_rows(review) -> list[dict]:
    rows = review["by_area"]
    top = max([r["engaging"] + r["disengaging"] for r in rows] + [1])
    return [
        row
        | {
            "bar_engaging": round(row["engaging"] / top * 100, 1),
            "bar_disengaging": round(row["disengaging"] / top * 100, 1),
        }
        for row in rows
    ]


def review_page(session, *, forms=None):
    """The session review's context; `forms` holds note forms to show with their errors."""
    review = selectors.session_review(session)
    set_massage_times(review)
    forms = forms or {}
    for cue in review["cues"]:
        cue.note_form = forms.get(cue.pk) or SavedNote(cue)
    return review | {
        "timeline": _timeline(review),
        "steps_table": _steps_table(review),
        "area_rows": _area_rows(review),
        "left_out": len(session.excluded_steps or []),
        "notes": selectors.session_notes(session),
    }


def family_review_page(session) -> dict:
    """The family's review of a massage that has ended, drawn once and kept in the cache.

    The review (below the site's bar) is most of the page's time, and it depends on nothing but
    what it shows: the massage, its baby, its cues and steps, the instructors' notes on it, the
    language, the time zone and the code. So those make the key, as for a routine's steps
    (`massage.fragments`): a note saved, a cue undone or a name changed gives a new key, and
    nothing needs to be told to forget. The key holds the massage's id and every cue's, so a
    review (its notes are the family's own) is only ever served on its own massage's page, which
    `session_selectors.session_of` has checked the user may see; it shows nothing that depends on
    who looks (the site's bar, with the user's name and token, is drawn on every request).

    Each form's CSRF token is left out of what is kept (the page's `review_html` tag puts this
    request's back). A massage still going is drawn afresh (its length grows by the second).
    """
    if session.is_running:
        return review_page(session)
    key = _review_key(session, selectors.session_review_rows(session))
    parts = cache.get(key)
    if parts is None:
        context = review_page(session)
        html = render_to_string(REVIEW_CONTENT, context | {"csrf_token": _CSRF_MARK})
        parts = html.split(csrf_field(_CSRF_MARK))
        cache.set(key, parts, REVIEW_CACHE_SECONDS)
    return {"session": session, "review_parts": parts}


# Where a form's token goes in a kept review. A NUL can't come from a form (Django refuses it)
# and every text shown is escaped, so the whole field below can only be {% csrf_token %}'s.
_CSRF_MARK = "\x00csrf\x00"


def csrf_field(token) -> str:
    """The hidden field `{% csrf_token %}` draws for `token`."""
    if not token or token == "NOTPROVIDED":
        return ""
    return format_html('<input type="hidden" name="csrfmiddlewaretoken" value="{}">', token)


def _review_key(session, rows) -> str:
    shown = (
        session.pk,
        stored_values(session),
        stored_values(session.baby),
        rows,
        get_language(),
        timezone.get_current_timezone_name(),
        get_script_prefix(),
        _code_digest(),
    )
    return "review-content:v1:" + hashlib.sha256(repr(shown).encode()).hexdigest()


_ROOT = Path(__file__).resolve().parent.parent


@functools.cache
def _code_digest() -> str:
    """A digest of what draws a review, a history or an insight besides their data: their
    templates (all of templates/cues: the pages, the instructors' notes, the charts), the Python
    of the apps they come from (labels, charts, icons, filters, the insight's wording), the
    translations and Django's version. In a cache key, a deploy that changes any of them draws
    the pages afresh."""
    digest = hashlib.blake2s(digest_size=8)
    digest.update(django.get_version().encode())
    code = [
        *sorted(_ROOT.glob("templates/cues/**/*.html")),
        *sorted(_ROOT.glob("cues/**/*.py")),
        *sorted(_ROOT.glob("massage/**/*.py")),
        *sorted(_ROOT.glob("sessions/**/*.py")),
        *sorted(_ROOT.glob("locale/*/LC_MESSAGES/*.mo")),
    ]
    for path in code:
        if "migrations" not in path.parts:
            digest.update(path.read_bytes())
    return digest.hexdigest()


def cue_row(cue, form) -> dict:
    """What one cue's row of the review needs on its own (a note saved with htmx): two queries."""
    review = selectors.session_timeline(cue.session)
    set_massage_times(review)
    cue.massage_seconds = next(c.massage_seconds for c in review["cues"] if c.pk == cue.pk)
    cue.note_form = form
    return {"session": cue.session, "cue": cue}


def note_form(cue, data=None):
    initial = None if data is not None else {"note": cue.note}
    return CueNoteForm(data, initial=initial, auto_id=_note_id(cue))


def _note_id(cue) -> str:
    return f"note-{cue.client_id}-%s"


class SavedNote:
    """What the review's note box reads of a cue's form when nothing was sent: the field's id,
    its value and no errors, as `note_form(cue).note` gives them. A form per cue deep-copies
    its fields and builds its bound field, for each of a review's cues, to say just that."""

    class _Field:
        errors = ()

        def __init__(self, cue):
            self.id_for_label = _note_id(cue) % "note"
            self.value = cue.note

    def __init__(self, cue):
        self.note = self._Field(cue)


def _insight(baby, version=None) -> insights.Insight:
    """What the cues suggest so far. Its counts run over the baby's whole history (two years of
    daily massages are 11,000 cues), so the result is kept in the cache, under a key that
    changes whenever a massage or a cue of the baby does or the code that words it, and in the
    language it was worded in."""
    version = version or selectors.baby_history_version(baby)[0]
    key = f"history-insight:v1:{version}:{get_language()}:{_code_digest()}"
    insight = cache.get(key)
    if insight is None:
        counts = selectors.baby_insight_counts(baby)
        strokes, areas = insights.tally(
            counts["rows"],
            stroke_sessions=counts["stroke_sessions"],
            area_sessions=counts["area_sessions"],
            area_labels=counts["area_labels"],
        )
        insight = insights.build(
            sessions_with_cues=counts["sessions_with_cues"], strokes=strokes, areas=areas
        )
        cache.set(key, insight, INSIGHT_CACHE_SECONDS)
    return insight


def history_content(baby, page_number, *, version=None) -> str:
    """The family's history page (below the site's bar) as HTML, kept in the cache and drawn
    again only when something it shows may have changed: a massage or a cue of the baby (see
    `selectors.baby_history_version`), the baby's name or dates, the day, the time zone, the
    language or the page. Nothing is kept while a massage is under way (its length grows by the
    minute), nor for a page number that isn't a small number. `version`: the baby's
    `selectors.baby_history_version`, when already read."""
    version, running = version or selectors.baby_history_version(baby)
    keep = not running and (page_number is None or PAGE_NUMBER.fullmatch(page_number))
    if keep:
        shown = (
            version,
            baby.name,
            baby.birth_date,
            baby.due_date,
            timezone.localdate(),
            timezone.get_current_timezone_name(),
            get_language(),
            page_number,
            _code_digest(),
        )
        key = "history-content:v1:" + hashlib.sha256(repr(shown).encode()).hexdigest()
        content = cache.get(key)
        if content is not None:
            return content
    context = history_page(baby, page_number, version=version)
    content = render_to_string(HISTORY_CONTENT, context)
    if keep:
        cache.set(key, content, HISTORY_CACHE_SECONDS)
    return content


def history_page(baby, page_number, *, version=None) -> dict:
    """A baby's massages page by page, the last weeks as charts, and the insight so far."""
    page = Paginator(selectors.baby_sessions(baby), SESSIONS_PER_PAGE).get_page(page_number)
    page.object_list = selectors.with_cue_counts(page.object_list)
    weeks = [charts.WeekPoint(**row) for row in selectors.baby_weeks(baby, weeks=TREND_WEEKS)]
    insight = _insight(baby, version)
    week_sessions = sum(w.sessions for w in weeks)
    return {
        "baby": baby,
        "page": page,
        "weeks": weeks,
        "weeks_with_cues": [w for w in weeks if w.cues],
        "trend_sessions": week_sessions,
        "sessions_chart": charts.weekly_sessions_svg(
            weeks,
            title=_("Massages per week"),
            description=_("%(n)d massages over the last %(weeks)d weeks, one bar a week.")
            % {"n": week_sessions, "weeks": TREND_WEEKS},
            id_prefix="weekly-sessions",
        ),
        "share_chart": charts.weekly_share_svg(
            weeks,
            title=_("Share of cues that were signs of enjoying, per week"),
            description=_(
                "One point a week, from 0 to 100 percent; weeks without cues have no point."
            ),
            id_prefix="weekly-share",
        ),
        "insight": insight,
        "insight_progress": [i < insight.sessions for i in range(insight.needed)],
    }
