"""Charts for the review pages, drawn on the server as inline SVG (no JavaScript, no canvas).

Every chart is a pure function of plain data and returns safe markup. The SVG has no viewBox:
horizontal positions are percentages of the chart's width and vertical ones are pixels, so a chart
fills a phone or a tablet while its text and marks keep their size. Shapes that can't take
percentages (the triangles) are drawn once in ``<defs>`` around the origin and placed with
``<use x="..%">``. The session timeline's geometry is worked out here (``timeline``) and its markup
is the template partial ``templates/cues/partials/timeline.html``, which escapes every text.

Under the strict Content-Security-Policy there is no ``style=""`` and no ``<style>``: colours come
from CSS classes in ``static/css/review.css`` (which use the app's colour variables, so night mode
follows), with presentation attributes as a fallback. Engagement and disengagement never differ by
colour alone: engagement is a circle above the line, disengagement a triangle below it; a potent
cue is a large filled mark, a subtle one a small hollow mark.

Each chart is ``role="img"`` with a ``<title>`` and a ``<desc>``; the page shows the same numbers in
a table beside it.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from django.template.loader import render_to_string
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from massage.formats import DAY_MONTH

# Fallback colours (the classes in review.css override them with the app's variables).
ENGAGE_FILL = "#2f7368"
BREAK_FILL = "#b4643c"
BAND_FILL = "#efe9df"
LINE = "#ddd4c7"
INK_SOFT = "#5f5a63"

__all__ = [
    "Band",
    "Mark",
    "WeekPoint",
    "clock",
    "massage_times",
    "place_marks",
    "timeline",
    "timeline_svg",
    "weekly_sessions_svg",
    "weekly_share_svg",
]


def _pct(share: float) -> str:
    """A share of the width (0..1) as an SVG percentage, kept inside a small margin."""
    share = min(max(share, 0.0), 1.0)
    return f"{(MARGIN + share * (100 - 2 * MARGIN)):.2f}%"


def _num(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


MARGIN = 2.0  # percent of the width kept free on each side, for the marks' halves


def clock(seconds: float) -> str:
    """'0:00', '2:05', '1:02:05': a time into a massage."""
    seconds = max(round(seconds), 0)
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}:{minutes:02d}:{secs:02d}"
    return f"{minutes}:{secs:02d}"


# --- The session timeline ----------------------------------------------------------------------


@dataclass(frozen=True)
class Band:
    """One step of the session along the time axis."""

    key: object  # what cues name their step by (the step id)
    number: int  # its place in the session, from 1
    label: str  # e.g. "Tummy circles · Tummy"
    seconds: float  # time spent on it
    skipped: bool = False


@dataclass(frozen=True)
class Mark:
    """One cue to draw."""

    key: object  # the step it was logged on, or None
    seconds: float  # wall-clock seconds into the session
    engaging: bool
    potent: bool
    label: str  # e.g. "Smiling · 1:05 · Legs"


@dataclass(frozen=True)
class _Placed:
    band: Band
    t0: float  # massage time where it starts
    t1: float
    x0: float  # share of the width where it starts
    x1: float


SKIP_SHARE = 0.035  # width given to a skipped step
MIN_SHARE = 0.02  # the narrowest a step that was done is drawn


def _layout(bands: Sequence[Band]) -> list[_Placed]:
    """Bands side by side: done steps as wide as their time, skipped ones a narrow slot."""
    if not bands:
        return []
    total = sum(b.seconds for b in bands if not b.skipped)
    raw = []
    for band in bands:
        if band.skipped:
            raw.append(SKIP_SHARE)
        elif total > 0:
            raw.append(max(band.seconds / total, MIN_SHARE))
        else:
            raw.append(MIN_SHARE)
    scale = 1 / sum(raw)
    placed, t, x = [], 0.0, 0.0
    for band, share in zip(bands, raw, strict=True):
        width = share * scale
        seconds = 0.0 if band.skipped else band.seconds
        placed.append(_Placed(band, t, t + seconds, x, x + width))
        t += seconds
        x += width
    return placed


def _x_of_time(placed: Sequence[_Placed], t: float, total: float) -> float:
    """Where massage time `t` falls on the width, through the bands (skipped ones hold no time)."""
    if not placed:
        return t / total if total > 0 else 0.0
    for p in placed:
        if p.band.skipped:
            continue
        if t <= p.t1:
            span = p.t1 - p.t0
            if span <= 0:
                return p.x0
            return p.x0 + (max(t, p.t0) - p.t0) / span * (p.x1 - p.x0)
    return 1.0


EDGE_SECONDS = 1.0  # a cue is kept this far inside its step's band, so it sits on that step


def massage_times(bands: Sequence[Band], marks: Sequence[Mark], *, fallback_total: float = 0):
    """Each mark's time on the timeline's clock: massage time, the time spent on the steps.

    A cue knows its wall-clock time; steps know only the time spent on them (a pause adds to the
    clock but not to any step). So the steps are walked in order, keeping how far the wall clock
    has run ahead of the steps; a step's cues are moved back by that, and when a pause made them
    come later than the step lasted, they are spread over the step keeping their order and their
    relative spacing. Every cue so stays inside the step it was logged on. A cue on a skipped
    step is at the time that step was passed; one whose step isn't drawn goes by its wall-clock
    time. With no steps at all, massage time is the wall clock.

    The review's list of cues shows these times, so it and the timeline agree.
    """
    placed = _layout(bands)
    total = sum(p.t1 - p.t0 for p in placed) or fallback_total
    if not placed and total <= 0:
        total = max((m.seconds for m in marks), default=0)
    times = [min(max(mark.seconds, 0.0), total) for mark in marks]
    on_step: dict[object, list[int]] = {}
    for index, mark in enumerate(marks):
        on_step.setdefault(mark.key, []).append(index)
    ahead = 0.0  # how far the wall clock has run ahead of massage time
    for p in placed:
        indexes = on_step.get(p.band.key, [])
        if p.band.skipped:
            for index in indexes:
                times[index] = p.t0
            continue
        if not indexes:
            continue
        seen = [marks[index].seconds - ahead for index in indexes]
        lo, hi = min(p.t0, *seen), max(p.t1, *seen)
        edge = min(EDGE_SECONDS, (p.t1 - p.t0) / 4)
        for index, t in zip(indexes, seen, strict=True):
            t = p.t0 + (t - lo) / (hi - lo) * (p.t1 - p.t0) if hi > lo else (p.t0 + p.t1) / 2
            times[index] = min(max(t, p.t0 + edge), p.t1 - edge)
        ahead += max(hi - p.t1, 0.0)
    return times


def place_marks(
    bands: Sequence[Band], marks: Sequence[Mark], *, fallback_total: float = 0, times=None
):
    """Each mark's share of the width (0..1): where its massage time is on the time axis.

    `times` are the marks' massage times (see `massage_times`, which is asked when they aren't
    given). A cue on a skipped step sits in the middle of that step's slot.
    """
    placed = _layout(bands)
    total = sum(p.t1 - p.t0 for p in placed) or fallback_total
    if not placed and total <= 0:
        total = max((m.seconds for m in marks), default=0) or 1
    if times is None:
        times = massage_times(bands, marks, fallback_total=fallback_total)
    by_key = {p.band.key: p for p in placed}
    result = []
    for mark, t in zip(marks, times, strict=True):
        p = by_key.get(mark.key)
        if p is None:
            result.append(_x_of_time(placed, t, total))
        elif p.band.skipped or p.t1 <= p.t0:
            result.append((p.x0 + p.x1) / 2)
        else:  # within its own band, even at the band's edge
            result.append(p.x0 + (t - p.t0) / (p.t1 - p.t0) * (p.x1 - p.x0))
    return result


def _tick_step(total: float) -> int:
    for step in (15, 30, 60, 120, 300, 600, 900, 1800, 3600):
        if total / step <= 6:
            return step
    return 7200


LEVEL = 17  # px between stacked marks
BAND_H = 28
MAX_LEVELS = 6
CLOSE = 0.035  # marks nearer than this share of the width stack instead of overlapping


def _stack(xs: list[tuple[int, float]]) -> dict[int, int]:
    """Give each mark (index, x) a level so that close marks sit one above the other."""
    last: list[float] = []
    levels = {}
    for index, x in sorted(xs, key=lambda item: item[1]):
        for level, seen in enumerate(last):
            if x - seen >= CLOSE:
                last[level] = x
                levels[index] = level
                break
        else:
            if len(last) < MAX_LEVELS:
                last.append(x)
                levels[index] = len(last) - 1
            else:  # a crowd: put it on the level that has been free the longest
                level = min(range(len(last)), key=lambda i: last[i])
                last[level] = x
                levels[index] = level
    return levels


TIMELINE_TEMPLATE = "cues/partials/timeline.html"

# The marks' shapes, by valence and strength: e(ngagement) or d(isengagement), p(otent) or s(ubtle).
_SHAPES = {(True, True): "ep", (True, False): "es", (False, True): "dp", (False, False): "ds"}


def _drawn_mark(mark: Mark, x: float, y: float) -> dict:
    classes = "tl-mark " + ("tl-engage" if mark.engaging else "tl-break")
    classes += " tl-potent" if mark.potent else " tl-subtle"
    colour = ENGAGE_FILL if mark.engaging else BREAK_FILL
    return {
        "label": mark.label,
        "shape": _SHAPES[mark.engaging, mark.potent],
        "x": _pct(x),
        "y": _num(y),
        "classes": classes,
        "fill": colour if mark.potent else "none",
        "stroke": colour,
    }


def timeline(
    *,
    bands: Sequence[Band],
    marks: Sequence[Mark],
    title: str,
    description: str = "",
    fallback_total: float = 0,
    times: Sequence[float] | None = None,
    axis_label: str = "",
    id_prefix: str = "tl",
) -> dict:
    """Where everything on the timeline goes, as the partial `TIMELINE_TEMPLATE` draws it.

    Positions are ready to write: horizontal ones as percentages of the width, vertical ones in
    pixels. The arguments are those of `timeline_svg`.
    """
    placed = _layout(bands)
    total = sum(p.t1 - p.t0 for p in placed) or fallback_total
    xs = place_marks(bands, marks, fallback_total=fallback_total, times=times)
    if not placed and total <= 0:
        total = max((m.seconds for m in marks), default=0) or 60
    engage = [(i, x) for i, (m, x) in enumerate(zip(marks, xs, strict=True)) if m.engaging]
    brk = [(i, x) for i, (m, x) in enumerate(zip(marks, xs, strict=True)) if not m.engaging]
    up, down = _stack(engage), _stack(brk)
    up_levels = max(up.values(), default=0) + 1
    down_levels = max(down.values(), default=0) + 1

    top = 12 + up_levels * LEVEL
    band_y = top
    axis_y = band_y + BAND_H / 2
    below = band_y + BAND_H + 4
    ticks_y = below + down_levels * LEVEL + 16
    height = ticks_y + 8 + (18 if axis_label else 0)

    # The bands (steps) on the axis; a skipped one gets a cross through its slot, so "skipped"
    # doesn't rest on a dashed line alone, and one wide enough its number.
    drawn_bands = []
    gap = 0.002
    for index, p in enumerate(placed):
        x0, x1 = p.x0 + gap, p.x1 - gap
        width = max(x1 - x0, 0.001) * (100 - 2 * MARGIN)
        tip = (
            _("%(n)d. %(step)s · skipped") % {"n": p.band.number, "step": p.band.label}
            if p.band.skipped
            else _("%(n)d. %(step)s · %(from)s to %(to)s")
            % {"n": p.band.number, "step": p.band.label, "from": clock(p.t0), "to": clock(p.t1)}
        )
        drawn_bands.append(
            {
                "tip": tip,
                "css": "tl-band-skipped" if p.band.skipped else f"tl-band tl-band-{index % 2}",
                "skipped": p.band.skipped,
                "x": _pct(x0),
                "y": _num(band_y),
                "width": f"{width:.2f}",
                "height": BAND_H,
                "fill": "none" if p.band.skipped else BAND_FILL,
                "number": p.band.number if p.x1 - p.x0 >= 0.05 else None,
                "text_x": _pct((p.x0 + p.x1) / 2),
                "text_y": _num(axis_y + (5 if p.band.skipped else 4)),
            }
        )

    # Cues: engagement above the band, disengagement below it.
    drawn_marks = []
    for index, (mark, x) in enumerate(zip(marks, xs, strict=True)):
        y = band_y - 10 - up[index] * LEVEL if mark.engaging else below + 8 + down[index] * LEVEL
        drawn_marks.append(_drawn_mark(mark, x, y))

    # Time ticks along the bottom, in minutes of massage.
    ticks = []
    step = _tick_step(total)
    t = 0
    while t <= total + 0.5:
        x = _x_of_time(placed, t, total)
        ticks.append(
            {
                "x": _pct(x),
                "y1": _num(ticks_y - 14),
                "y2": _num(ticks_y - 10),
                "label_y": _num(ticks_y + 2),
                "anchor": "start" if x < 0.04 else "end" if x > 0.96 else "middle",
                "label": clock(t),
            }
        )
        t += step

    return {
        "id": id_prefix,
        "title": title,
        "description": description,
        "height": _num(height),
        "colours": {"line": LINE, "ink": INK_SOFT},
        "axis": {"x1": _pct(0), "x2": _pct(1), "y": _num(axis_y)},
        "bands": drawn_bands,
        "marks": drawn_marks,
        "ticks": ticks,
        "axis_label": axis_label,
        "axis_label_at": {"x": _pct(0), "y": _num(ticks_y + 20)},
    }


def timeline_svg(
    *,
    bands: Sequence[Band],
    marks: Sequence[Mark],
    title: str,
    description: str = "",
    fallback_total: float = 0,
    times: Sequence[float] | None = None,
    axis_label: str = "",
    id_prefix: str = "tl",
) -> SafeString:
    """The session along a time axis: steps as bands, cues as marks above and below it.

    `times` are the marks' massage times, as `massage_times` gives them; `axis_label` names the
    clock the axis counts, under its ticks. The geometry is `timeline`'s, the markup the partial's.
    """
    chart = timeline(
        bands=bands,
        marks=marks,
        title=title,
        description=description,
        fallback_total=fallback_total,
        times=times,
        axis_label=axis_label,
        id_prefix=id_prefix,
    )
    return render_to_string(TIMELINE_TEMPLATE, {"chart": chart})


# --- The weekly trends -------------------------------------------------------------------------


@dataclass(frozen=True)
class WeekPoint:
    start: date  # the Monday the week begins on
    sessions: int
    engaging: int
    disengaging: int

    @property
    def cues(self) -> int:
        return self.engaging + self.disengaging

    @property
    def share(self) -> float | None:
        """Share of the week's cues that were engagement cues; None for a week without cues."""
        return self.engaging / self.cues if self.cues else None


def _week_label(start: date) -> str:
    return date_format(start, DAY_MONTH)


# The weekly charts keep their left edge for the percent labels, so no point or bar (the latest
# week's, at the right, included) ever sits on a label. Both charts share it, so a week's bar and
# its point stand one above the other.
PLOT_LEFT = 12.0  # percent of the width; "100%" fits in it on the narrowest phone
LABEL_GAP = 1.5  # percent between a label's end and the plot
_PLOT_SPAN = 100 - PLOT_LEFT - MARGIN


def _plot_pct(share: float) -> str:
    """A share of the weekly plot's width (0..1) as an SVG percentage of the chart's width."""
    return f"{PLOT_LEFT + min(max(share, 0.0), 1.0) * _PLOT_SPAN:.2f}%"


def _slot(index: int, count: int) -> tuple[float, float]:
    """A week's slot on the width: its centre and its width (shares)."""
    width = 1 / count
    return (index + 0.5) * width, width


def _week_labels(weeks: Sequence[WeekPoint], y: float) -> list[SafeString]:
    """A date under every third week, counted back from the latest."""
    parts = []
    for index, week in enumerate(weeks):
        if (len(weeks) - 1 - index) % 3:
            continue
        centre, _w = _slot(index, len(weeks))
        parts.append(
            format_html(
                '<text class="chart-label" x="{}" y="{}" text-anchor="middle" fill="{}">{}</text>',
                _plot_pct(centre),
                _num(y),
                INK_SOFT,
                _week_label(week.start),
            )
        )
    return parts


def _open_svg(css: str, height: float, id_prefix: str, title: str, description: str):
    return [
        format_html(
            '<svg class="chart {}" role="img" width="100%" height="{}" '
            'aria-labelledby="{}-title {}-desc" xmlns="http://www.w3.org/2000/svg">',
            css,
            _num(height),
            id_prefix,
            id_prefix,
        ),
        format_html('<title id="{}-title">{}</title>', id_prefix, title),
        format_html('<desc id="{}-desc">{}</desc>', id_prefix, description),
    ]


CHART_H = 120  # the plotting height of the weekly charts
CHART_TOP = 18


def weekly_sessions_svg(
    weeks: Sequence[WeekPoint], *, title: str, description: str = "", id_prefix: str = "wk"
) -> SafeString:
    """Massages per week as bars, the count written over each bar."""
    count = len(weeks)
    base = CHART_TOP + CHART_H
    height = base + 24
    top_value = max([w.sessions for w in weeks] + [3])
    parts = _open_svg("weekly-sessions", height, id_prefix, title, description)
    parts.append(
        format_html(
            '<line class="chart-base" x1="{}" x2="{}" y1="{}" y2="{}" stroke="{}"/>',
            _plot_pct(0),
            _plot_pct(1),
            base,
            base,
            LINE,
        )
    )
    for index, week in enumerate(weeks):
        centre, width = _slot(index, count)
        bar_w = width * 0.62
        h = week.sessions / top_value * CHART_H
        tip = ngettext(
            "Week of %(week)s: %(n)d massage", "Week of %(week)s: %(n)d massages", week.sessions
        ) % {"week": _week_label(week.start), "n": week.sessions}
        parts.append(format_html("<g><title>{}</title>", tip))
        if week.sessions:
            parts.append(
                format_html(
                    '<rect class="chart-bar" x="{}" y="{}" width="{}%" height="{}" rx="3" '
                    'fill="{}"/>'
                    '<text class="chart-value" x="{}" y="{}" text-anchor="middle" fill="{}">'
                    "{}</text>",
                    _plot_pct(centre - bar_w / 2),
                    _num(base - h),
                    f"{bar_w * _PLOT_SPAN:.2f}",
                    _num(h),
                    ENGAGE_FILL,
                    _plot_pct(centre),
                    _num(base - h - 5),
                    INK_SOFT,
                    week.sessions,
                )
            )
        else:
            # An empty week is still a slot the eye can find: a short dash on the base line.
            parts.append(
                format_html(
                    '<rect class="chart-empty" x="{}" y="{}" width="{}%" height="2" fill="{}"/>',
                    _plot_pct(centre - bar_w / 4),
                    base - 3,
                    f"{bar_w / 2 * _PLOT_SPAN:.2f}",
                    LINE,
                )
            )
        parts.append(mark_safe("</g>"))
    parts.extend(_week_labels(weeks, base + 17))
    parts.append(mark_safe("</svg>"))
    return mark_safe("".join(parts))


def weekly_share_svg(
    weeks: Sequence[WeekPoint], *, title: str, description: str = "", id_prefix: str = "sh"
) -> SafeString:
    """The share of engagement cues per week as a line of points; weeks without cues leave a gap.

    Points are circles with a ring, so the line reads without colour; the grid is labelled in
    percent left of the plot, beside each line.
    """
    count = len(weeks)
    base = CHART_TOP + CHART_H
    height = base + 24
    parts = _open_svg("weekly-share", height, id_prefix, title, description)
    for level in (0, 50, 100):
        y = base - level / 100 * CHART_H
        parts.append(
            format_html(
                '<line class="chart-grid{}" x1="{}" x2="{}" y1="{}" y2="{}" stroke="{}"/>'
                '<text class="chart-label chart-axis-label" x="{}" y="{}" text-anchor="end" '
                'fill="{}">{}%</text>',
                " chart-base" if level == 0 else "",
                _plot_pct(0),
                _plot_pct(1),
                _num(y),
                _num(y),
                LINE,
                f"{PLOT_LEFT - LABEL_GAP:.2f}%",
                _num(y + 4),
                INK_SOFT,
                level,
            )
        )
    points = []
    for index, week in enumerate(weeks):
        centre, _w = _slot(index, count)
        share = week.share
        points.append(None if share is None else (centre, base - share * CHART_H))
    for a, b in itertools.pairwise(points):
        if a and b:
            parts.append(
                format_html(
                    '<line class="chart-line" x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" '
                    'stroke-width="2.5" stroke-linecap="round"/>',
                    _plot_pct(a[0]),
                    _num(a[1]),
                    _plot_pct(b[0]),
                    _num(b[1]),
                    ENGAGE_FILL,
                )
            )
    for week, point in zip(weeks, points, strict=True):
        if point is None:
            continue
        tip = _("Week of %(week)s: %(share)d%% of %(n)d cues were enjoying") % {
            "week": _week_label(week.start),
            "share": round(week.share * 100),
            "n": week.cues,
        }
        parts.append(
            format_html(
                '<g><title>{}</title><circle class="chart-point" cx="{}" cy="{}" r="5" '
                'fill="{}" stroke="{}" stroke-width="2.5"/></g>',
                tip,
                _plot_pct(point[0]),
                _num(point[1]),
                ENGAGE_FILL,
                ENGAGE_FILL,
            )
        )
    parts.extend(_week_labels(weeks, base + 17))
    parts.append(mark_safe("</svg>"))
    return mark_safe("".join(parts))
