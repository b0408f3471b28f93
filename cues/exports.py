"""The family's data to take away: CSV rows, a JSON document and a baby's printable report.

Every function takes a family or a baby that the caller has already found through the user's
scoped selectors (``massage.selectors.family_of`` / ``baby_of``) and reads only that family's
rows. Undone cues never appear: cues are always read through ``CueEvent.objects.logged()``.

The reads run a fixed number of queries whatever the amount of data: one per table, grouped in
Python (what ``prefetch_related`` does, without building a model instance for each of the
thousands of cues), and the CSV streams both of its queries in chunks.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from django.db.models import (
    CharField,
    Count,
    ExpressionWrapper,
    F,
    FloatField,
    IntegerField,
    OuterRef,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from cues.models import CUES, CueEvent, Response, Valence
from massage.content import page_language
from massage.labels import choice_labels
from massage.models import Consent, Step
from sessions.models import BabyState, MassageSession, Outcome, StepVisit
from sessions.readiness import ReadinessForm

EXPORT_FORMAT = "gentle-hands-family-export"
EXPORT_VERSION = 1
CHUNK_SIZE = 2000

# The CSV: one row per cue, with its massage's columns repeated; a massage without cues still
# has one row, with the cue columns empty. The family page documents each column.
SESSION_COLUMNS = [
    "session_id",
    "baby",
    "routine",
    "started_at",
    "ended_at",
    "outcome",
    "outcome_label",
    "end_reason",
    "baby_state",
    "baby_state_label",
    "readiness",
    "massage_seconds",
    "steps_done",
    "steps_skipped",
    "counted_as_massage",
    "session_note",
]
# Each code column keeps its stable code; the *_label beside it says it in the family's language.
CUE_COLUMNS = [
    "cue",
    "cue_label",
    "valence",
    "valence_label",
    "potent",
    "body_area",
    "body_area_label",
    "stroke",
    "cue_at",
    "seconds_into_session",
    "recorded_by",
    "cue_note",
    "response",
    "response_label",
]
CSV_COLUMNS = SESSION_COLUMNS + CUE_COLUMNS

# A spreadsheet treats a cell starting with one of these as a formula (CSV injection, OWASP).
FORMULA_TRIGGERS = frozenset("=+-@\t\r")


def safe_cell(value):
    """A text cell a spreadsheet will show as text: formula-like text gets a leading quote."""
    if isinstance(value, str) and value[:1] in FORMULA_TRIGGERS:
        return "'" + value
    return value


def safe_row(cells) -> list:
    return [safe_cell(cell) for cell in cells]


def export_filename(family, extension: str, today: date | None = None) -> str:
    today = today or timezone.localdate()
    name = slugify(family.name) or "family"
    return f"gentle-hands-{name}-{today.isoformat()}.{extension}"


def _local(moment: datetime | None, zone=None) -> str:
    """ISO 8601 in the site's time zone, with its offset ("" for no time)."""
    if moment is None:
        return ""
    return moment.astimezone(zone or timezone.get_current_timezone()).isoformat("T", "seconds")


@dataclass(frozen=True)
class Labels:
    """Every code's words in one language, looked up once per export rather than once per row."""

    language: str
    cue: dict
    valence: dict
    body_area: dict
    outcome: dict
    baby_state: dict
    response: dict

    @classmethod
    def of(cls, language: str | None = None) -> "Labels":
        language = language or page_language()
        with translation.override(language):
            return cls(
                language=language,
                cue={kind: str(info.label) for kind, info in CUES.items()},
                valence=dict(choice_labels(Valence)),
                body_area=dict(choice_labels(Step.BodyArea)),
                outcome=dict(choice_labels(Outcome)),
                baby_state=dict(choice_labels(BabyState)),
                response=dict(choice_labels(Response)),
            )


def _label(labels: dict, code) -> str:
    """A code's words ("" for no code; the code itself for one the labels don't know)."""
    return labels.get(code, code) if code else ""


def _person(display_name, email) -> str:
    """How a member is named in the exports: as User.__str__ does, empty once they're gone."""
    return display_name or email or ""


# Per-session sums of the step visits, as subqueries so they never multiply with other joins.


def _visits(**filters):
    return StepVisit.objects.filter(session=OuterRef("pk"), **filters).order_by().values("session")


def _massage_seconds():
    """Time spent massaging: the steps done, as the session summary counts it."""
    total = _visits(skipped=False).annotate(total=Sum("seconds")).values("total")
    return Coalesce(Subquery(total, output_field=FloatField()), Value(0.0))


def _visit_count(**filters):
    count = _visits(**filters).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(count, output_field=IntegerField()), Value(0))


def with_visit_totals(sessions):
    return sessions.with_counted().annotate(
        massage_seconds=_massage_seconds(),
        steps_done=_visit_count(skipped=False, seconds__gt=0),
        steps_skipped=_visit_count(skipped=True),
    )


def _family_sessions(family):
    return MassageSession.objects.filter(baby__family=family)


def _family_cues(family):
    return CueEvent.objects.logged().filter(session__baby__family=family)


# The cue fields both exports write (each adds the few it needs besides).
CUE_FIELDS = (
    "kind",
    "valence",
    "potent",
    "body_area",
    "stroke",
    "at",
    "seconds_into_session",
    "recorded_by__display_name",
    "recorded_by__email",
    "note",
    "response",
)


# CSV ------------------------------------------------------------------------------------------


# The safety check's questions in the order it asks them (PostgreSQL's jsonb forgets the order).
READINESS_ORDER = {name: index for index, name in enumerate(ReadinessForm.base_fields)}


def _readiness_text(answers) -> str:
    """The safety check's answers as "question=answer; ...", in the order they were asked."""
    if not isinstance(answers, dict):
        return ""
    keys = sorted(answers, key=lambda key: (READINESS_ORDER.get(key, len(READINESS_ORDER)), key))
    return "; ".join(f"{key}={answers[key]}" for key in keys)


def _session_cells(session, zone, labels: Labels) -> list:
    return [
        session["pk"],
        session["baby__name"],
        session["routine_title"],
        _local(session["started_at"], zone),
        _local(session["ended_at"], zone),
        session["outcome"],
        _label(labels.outcome, session["outcome"]),
        session["end_reason"],
        session["state_at_start"],
        _label(labels.baby_state, session["state_at_start"]),
        _readiness_text(session["readiness"]),
        round(session["massage_seconds"]),
        session["steps_done"],
        session["steps_skipped"],
        "yes" if session["counted"] else "no",
        session["note"],
    ]


# The CSV reads its cues as tuples, not dicts (there are thousands): these fields, in this order.
CSV_CUE_FIELDS = (
    "session_id",
    "session_start",
    "kind",
    "valence",
    "potent_stored",
    "body_area",
    "stroke",
    "at_stored",
    "seconds_into_session",
    "recorded_by__display_name",
    "recorded_by__email",
    "note",
    "response",
)
(
    SESSION_ID,
    SESSION_START,
    KIND,
    VALENCE,
    POTENT,
    BODY_AREA,
    STROKE,
    AT,
    SECONDS_INTO_SESSION,
    RECORDER_NAME,
    RECORDER_EMAIL,
    NOTE,
    RESPONSE,
) = range(len(CSV_CUE_FIELDS))


def _cue_cells(cue, zone, labels: Labels) -> list:
    """One cue's cells. Only text a person typed (and the labels, from the translations) can
    start like a formula: codes, yes/no, times and numbers never do, so they skip `safe_cell`."""
    kind = cue[KIND]
    return [
        kind,
        safe_cell(labels.cue.get(kind, kind)),
        cue[VALENCE],
        safe_cell(_label(labels.valence, cue[VALENCE])),
        "yes" if cue[POTENT] else "no",
        cue[BODY_AREA],
        safe_cell(_label(labels.body_area, cue[BODY_AREA])),
        safe_cell(cue[STROKE]),
        _local(_aware(cue[AT]), zone),
        round(cue[SECONDS_INTO_SESSION], 1),
        safe_cell(_person(cue[RECORDER_NAME], cue[RECORDER_EMAIL])),
        safe_cell(cue[NOTE]),
        cue[RESPONSE],
        safe_cell(_label(labels.response, cue[RESPONSE])),
    ]


NO_CUE = [""] * len(CUE_COLUMNS)


def _as_stored(field):
    """A column as the database driver hands it over, without Django's conversion of each value
    (on SQLite, for a datetime: a naive one in UTC). The CSV converts the cue's time itself,
    once, and only compares the massages' start times with each other; Django's converters
    took about a third of the export's time on SQLite."""
    return ExpressionWrapper(F(field), output_field=CharField())  # CharField: no converter


def _aware(moment):
    """A stored time as `_as_stored` reads it, as an aware datetime (naive ones are UTC, as
    Django stores them when USE_TZ is on)."""
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def family_csv_rows(family, chunk_size: int = CHUNK_SIZE, language: str | None = None):
    """The header, then one row per cue (or per massage without cues), oldest massage first;
    the labels in ``language`` (the page's, read by the view: the rows stream out after it
    returns), the active one when not given.

    Two queries, both read in chunks and walked side by side (a merge join), so a family's
    whole history streams out in constant memory.
    """
    sessions = (
        with_visit_totals(_family_sessions(family))
        .annotate(start_key=_as_stored("started_at"))
        .order_by("started_at", "pk")
        .values(
            "pk",
            "start_key",
            "started_at",
            "baby__name",
            "routine_title",
            "ended_at",
            "outcome",
            "end_reason",
            "state_at_start",
            "readiness",
            "note",
            "massage_seconds",
            "steps_done",
            "steps_skipped",
            "counted",
        )
    )
    cues = (
        _family_cues(family)
        .annotate(
            session_start=_as_stored("session__started_at"),
            at_stored=_as_stored("at"),
            potent_stored=_as_stored("potent"),
        )
        .order_by("session__started_at", "session_id", "at", "pk")
        .values_list(*CSV_CUE_FIELDS)
    )
    zone, labels = timezone.get_current_timezone(), Labels.of(language)
    yield CSV_COLUMNS
    cue_stream = cues.iterator(chunk_size=chunk_size)
    cue = next(cue_stream, None)
    for session in sessions.iterator(chunk_size=chunk_size):
        key = (session["start_key"], session["pk"])
        # Cues of a massage started after the first query ran have no session row: pass them.
        while cue is not None and (cue[SESSION_START], cue[SESSION_ID]) < key:
            cue = next(cue_stream, None)
        session_cells = safe_row(_session_cells(session, zone, labels))
        had_cues = False
        while cue is not None and cue[SESSION_ID] == session["pk"]:
            yield session_cells + _cue_cells(cue, zone, labels)
            had_cues = True
            cue = next(cue_stream, None)
        if not had_cues:
            yield session_cells + NO_CUE


# JSON -----------------------------------------------------------------------------------------


def _choice(labels: dict, value):
    """{"code": ..., "label": ...} for a choice, or None when the field is empty."""
    if not value:
        return None
    return {"code": value, "label": _label(labels, value)}


def family_document(family, language: str | None = None) -> dict:
    """Everything the family recorded, as one JSON-ready dict, in five queries.

    family → babies → sessions (with their step visits and cues). Times are ISO 8601 with the
    site's UTC offset; choices carry both their stable code and their label, in ``language``
    (the page's; the active one when not given), named at the top as "language".
    """
    zone, words = timezone.get_current_timezone(), Labels.of(language)
    labels, responses = words.cue, words.response
    members = [
        {"name": str(membership.user), "role": membership.role}
        for membership in family.memberships.select_related("user").order_by("joined_at", "pk")
    ]
    babies = list(
        family.babies.order_by("birth_date", "pk").values("pk", "name", "birth_date", "due_date")
    )
    sessions = _family_sessions(family).with_counted().order_by("started_at", "pk")
    sessions = sessions.values(
        "pk",
        "baby_id",
        "client_id",
        "routine_title",
        "routine__slug",
        "started_at",
        "ended_at",
        "started_by__display_name",
        "started_by__email",
        "state_at_start",
        "readiness",
        "outcome",
        "end_reason",
        "note",
        "counted",
    )
    visits_by_session = defaultdict(list)
    visits = (
        StepVisit.objects.filter(session__baby__family=family)
        .order_by("session_id", "order", "pk")
        .values("session_id", "order", "body_area", "stroke", "started_at", "seconds", "skipped")
    )
    for visit in visits:
        visits_by_session[visit["session_id"]].append(
            {
                "order": visit["order"],
                "body_area": visit["body_area"],
                "body_area_label": _label(words.body_area, visit["body_area"]),
                "stroke": visit["stroke"],
                "started_at": _local(visit["started_at"], zone),
                "seconds": round(visit["seconds"], 1),
                "skipped": visit["skipped"],
            }
        )
    cues_by_session = defaultdict(list)
    cues = (
        _family_cues(family)
        .order_by("session_id", "at", "pk")
        .values("session_id", "client_id", "step__order", *CUE_FIELDS)
    )
    for cue in cues:
        cues_by_session[cue["session_id"]].append(
            {
                "id": str(cue["client_id"]),
                "kind": cue["kind"],
                "label": labels.get(cue["kind"], cue["kind"]),
                "valence": cue["valence"],
                "valence_label": _label(words.valence, cue["valence"]),
                "potent": cue["potent"],
                "step": cue["step__order"],
                "body_area": cue["body_area"],
                "body_area_label": _label(words.body_area, cue["body_area"]),
                "stroke": cue["stroke"],
                "at": _local(cue["at"], zone),
                "seconds_into_session": round(cue["seconds_into_session"], 1),
                "recorded_by": _person(cue["recorded_by__display_name"], cue["recorded_by__email"]),
                "note": cue["note"],
                "response": {"code": cue["response"], "label": responses[cue["response"]]}
                if cue["response"] in responses
                else None,
            }
        )
    sessions_by_baby = defaultdict(list)
    for session in sessions:
        visits = visits_by_session.pop(session["pk"], [])
        sessions_by_baby[session["baby_id"]].append(
            {
                "id": session["pk"],
                "client_id": str(session["client_id"]),
                "routine": session["routine_title"],
                "routine_slug": session["routine__slug"],
                "started_at": _local(session["started_at"], zone),
                "ended_at": _local(session["ended_at"], zone) or None,
                "started_by": _person(
                    session["started_by__display_name"], session["started_by__email"]
                ),
                "baby_state": session["state_at_start"],
                "baby_state_label": _label(words.baby_state, session["state_at_start"]),
                "readiness": session["readiness"],
                "outcome": _choice(words.outcome, session["outcome"]),
                "end_reason": session["end_reason"],
                "note": session["note"],
                "massage_seconds": round(sum(v["seconds"] for v in visits if not v["skipped"])),
                # False for a session ended before any step was done: not in the history.
                "counted_as_massage": session["counted"],
                "step_visits": visits,
                "cues": cues_by_session.pop(session["pk"], []),
            }
        )
    return {
        "format": EXPORT_FORMAT,
        "version": EXPORT_VERSION,
        "exported_at": _local(timezone.now()),
        "language": words.language,
        "family": {"name": family.name, "members": members},
        "instructors": _instructor_consents(family, zone),
        "babies": [
            {
                "id": baby["pk"],
                "name": baby["name"],
                "birth_date": baby["birth_date"].isoformat(),
                "due_date": baby["due_date"].isoformat() if baby["due_date"] else None,
                "sessions": sessions_by_baby.get(baby["pk"], []),
            }
            for baby in babies
        ],
    }


def _instructor_consents(family, zone) -> list[dict]:
    """Each instructor the family linked to, with every choice of what they may see."""
    consents = (
        Consent.objects.filter(link__family=family)
        .order_by("link", "changed_at", "pk")
        .values(
            "link",
            "link__instructor__display_name",
            "link__instructor__email",
            "scope",
            "changed_at",
            "changed_by__display_name",
            "changed_by__email",
        )
    )
    links: dict[int, dict] = {}
    for row in consents:
        link = links.setdefault(
            row["link"],
            {
                "instructor": _person(
                    row["link__instructor__display_name"], row["link__instructor__email"]
                ),
                "consent": [],
            },
        )
        link["consent"].append(
            {
                "scope": row["scope"],
                "changed_at": _local(row["changed_at"], zone),
                "changed_by": _person(row["changed_by__display_name"], row["changed_by__email"]),
            }
        )
    for link in links.values():
        link["shares"] = link["consent"][-1]["scope"]
    return list(links.values())


# The printable report -------------------------------------------------------------------------

REPORT_DEFAULT_DAYS = 28
REPORT_MAX_DAYS = 731  # two years, a leap day included
# Dates are kept between this and a year ahead (the view checks): sums of dates near year 1 or
# 9999 would overflow.
REPORT_EARLIEST = date(2000, 1, 1)
TOP_CUES_PER_AREA = 3


def default_report_range(today: date | None = None) -> tuple[date, date]:
    """The last four weeks, today included."""
    today = today or timezone.localdate()
    return today - timedelta(days=REPORT_DEFAULT_DAYS - 1), today


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


@dataclass
class AreaCues:
    area: str
    label: str
    engaging: int = 0
    disengaging: int = 0
    top: list = field(default_factory=list)  # (label, engaging, count), most seen first

    @property
    def total(self):
        return self.engaging + self.disengaging


@dataclass
class BabyReport:
    baby: object
    start: date
    end: date
    sessions: list
    outcomes: list  # (code, label, count) for the outcomes that happened, in Outcome order
    massage_seconds: float
    engaging: int
    disengaging: int
    areas: list  # AreaCues, in the body map's order, only areas with cues

    @property
    def session_count(self):
        return len(self.sessions)

    @property
    def days_with_massage(self):
        return len({timezone.localdate(session.started_at) for session in self.sessions})

    @property
    def cue_count(self):
        return self.engaging + self.disengaging


def baby_report(baby, start: date, end: date) -> BabyReport:
    """A baby's massages from start to end (both days included), summed up, in three queries.

    Like the history, it leaves out sessions ended before any step was done, and their cues.
    """
    window = {"started_at__gte": _start_of(start), "started_at__lt": _start_of(end + timedelta(1))}
    massages = MassageSession.objects.massages().filter(baby=baby, **window)
    sessions = list(with_visit_totals(massages).order_by("started_at", "pk"))
    cues = CueEvent.objects.logged().filter(session__in=massages)
    by_session = defaultdict(lambda: {Valence.ENGAGEMENT: 0, Valence.DISENGAGEMENT: 0})
    for row in cues.order_by().values("session_id", "valence").annotate(n=Count("pk")):
        by_session[row["session_id"]][row["valence"]] += row["n"]
    areas = {area: AreaCues(area, str(label)) for area, label in Step.BodyArea.choices}
    per_kind = cues.order_by().values("body_area", "kind").annotate(n=Count("pk"))
    for row in sorted(per_kind, key=lambda row: (-row["n"], str(CUES[row["kind"]].label))):
        area = areas.setdefault(row["body_area"], AreaCues(row["body_area"], row["body_area"]))
        info = CUES[row["kind"]]
        if info.engaging:
            area.engaging += row["n"]
        else:
            area.disengaging += row["n"]
        if len(area.top) < TOP_CUES_PER_AREA:
            area.top.append((info.label, info.engaging, row["n"]))
    outcome_counts = defaultdict(int)
    for session in sessions:
        counts = by_session[session.pk]
        session.engaging = counts[Valence.ENGAGEMENT]
        session.disengaging = counts[Valence.DISENGAGEMENT]
        outcome_counts[session.outcome] += 1
    outcomes = [
        (code, label, outcome_counts[code])
        for code, label in Outcome.choices
        if code in outcome_counts
    ]
    if outcome_counts.get(""):
        outcomes.append(("", _("Not finished"), outcome_counts[""]))
    return BabyReport(
        baby=baby,
        start=start,
        end=end,
        sessions=sessions,
        outcomes=outcomes,
        massage_seconds=sum(session.massage_seconds for session in sessions),
        engaging=sum(area.engaging for area in areas.values()),
        disengaging=sum(area.disengaging for area in areas.values()),
        areas=[area for area in areas.values() if area.total],
    )
