"""Fuzzing: every URL the resolver knows, sent random and malformed requests by Hypothesis.

Each URL name (outside accounts/ and admin/, as in tests/test_every_url.py) is a test, once as a
family's parent and once as an instructor, in the world of tests/test_role_matrix.py plus a
stranger: a family that neither of them has anything to do with, with its own instructor and a row
in every table that holds a family's data. A new URL is fuzzed without editing this file: its
arguments come from its converters and names, its fields from the forms on the pages that
point at it (harvested once from the HTML: names, and the values their options offer), the role
matrix's valid data, and every field name of the project's forms.

- The URL's arguments: ids of the user's own family, the stranger's ids, and odd ones (0, 2**63,
  10**30, signs, spaces, NUL, Unicode digits, invalid UUIDs); tokens and class codes are only
  ever the user's own (anyone holding one may use it, so a stranger's would let them in).
- GET with an odd query string; POST with form data (multipart or urlencoded: the project's field
  names and random ones, with wrong types, huge and odd Unicode strings, NUL bytes, overflowing
  numbers and dates, invalid UUIDs, other families' ids, nested or non-object JSON, thousands of
  fields), mostly the URL's own form filled in as a browser would, then fields left out and a
  third spoiled (kind-aware: JSON of another shape or nested past the parser's limit for a field
  holding JSON, dates out of range for a date); JSON bodies, objects or not; bodies of odd
  content types; with and without `HX-Request`, `Accept: application/json` and garbage in the
  htmx headers and cookies.
- Every answer is below 500 (an exception in the view fails the test with its traceback, and
  streamed answers are read to their end), and no row of the stranger's changes.

Each example runs in a savepoint that is rolled back, so every request starts from the same world.
The "ci" profile (the default) is derandomized, with a small budget per URL and user; run the
"long" one by hand for a deeper search: `HYPOTHESIS_PROFILE=long pytest tests/test_fuzz.py`.
"""

import json
import os
import re
import string
from datetime import timedelta
from html.parser import HTMLParser
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import quote, urlencode, urlsplit

import pytest
from django import forms
from django.apps import apps
from django.conf import settings as django_settings
from django.db import connection, transaction
from django.db.models import Q
from django.test import Client
from django.urls import (
    NoReverseMatch,
    Resolver404,
    get_resolver,
    resolve,
    reverse,
)
from django.urls.resolvers import RoutePattern
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cues import services as cue_services
from cues.models import CueEvent
from massage.models import (
    Consent,
    Family,
    HiddenAssignment,
    InstructorLink,
    JoinRequest,
    Membership,
    Scope,
    User,
)
from massage.services import teaching as teaching_services
from massage.services.families import invitation_create
from sessions.models import Outcome, ReminderSent
from tests import test_role_matrix as matrix
from tests.factories import (
    BabyFactory,
    CueEventFactory,
    InstructorFactory,
    MassageSessionFactory,
    ReminderFactory,
    RoutineFactory,
    StepFactory,
    StepVisitFactory,
    UserFactory,
    routine_with_areas,
)
from tests.test_every_url import _walk

# -- Hypothesis's profiles -----------------------------------------------------------------------

_QUIET = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example]
# CI: the same examples every run, no example database, no deadline (the machine is busy).
settings.register_profile(
    "ci",
    max_examples=10,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=_QUIET,
)
# By hand: a new search each run, remembering what failed in .hypothesis/.
settings.register_profile("long", max_examples=400, deadline=None, suppress_health_check=_QUIET)
PROFILE = settings.get_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

USERS = {"parent": "parent", "instructor": "instructor_practice"}  # role in the matrix's world

# -- The URLs, from the resolver -----------------------------------------------------------------


ROUTES = {name: (route, pattern) for name, route, pattern in _walk(get_resolver().url_patterns)}


def _route_kinds(pattern):
    return {name: kind or "str" for kind, name in re.findall(r"<(?:(\w+):)?(\w+)>", str(pattern))}


def _url(name, values):
    route, pattern = ROUTES[name]
    if isinstance(pattern, RoutePattern):
        path = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: quote(str(values[m.group(1)]), safe=""), route)
        return "/" + path
    try:
        return reverse(name, kwargs=values)
    except NoReverseMatch:
        return reverse(name, kwargs={key: "routines/1/missing.webp" for key in values})


# -- What a request may hold, from the project's code --------------------------------------------

APPS = ("massage", "sessions", "cues")


def _form_classes():
    import cues.forms  # noqa: F401  (their forms are found as subclasses)
    import massage.forms  # noqa: F401
    import sessions.forms  # noqa: F401

    found, stack = [], [forms.BaseForm]
    while stack:
        cls = stack.pop()
        stack.extend(cls.__subclasses__())
        if cls.__module__.split(".")[0] in APPS and cls.__module__ != "massage.account_forms":
            found.append(cls)
    return found


def _fields_and_choices():
    names, choices = set(), set()
    for form in _form_classes():
        for name, field in form.base_fields.items():
            names.add(name)
            if isinstance(field, forms.ChoiceField) and not isinstance(
                field, forms.ModelChoiceField
            ):
                for value, label in field.choices:
                    if isinstance(label, list | tuple):  # a group
                        choices.update(str(inner) for inner, _label in label)
                    else:
                        choices.add(str(value))
    return sorted(names), sorted(choices - {""})


def _names_read_from_requests():
    """Every name the views read straight from request.GET, request.POST or the cookies."""
    read = re.compile(r"request\.(?:GET|POST|COOKIES)(?:\.get|\.getlist)?[(\[]\s*\"(\w+)\"")
    root = Path(__file__).resolve().parent.parent
    names = set()
    for app in APPS:
        for source in (root / app).rglob("*.py"):
            names.update(read.findall(source.read_text()))
    return sorted(names)


FIELD_NAMES, CHOICES = _fields_and_choices()
REQUEST_NAMES = _names_read_from_requests()
NAMES = sorted({*FIELD_NAMES, *REQUEST_NAMES, "csrfmiddlewaretoken", "_method", "id", "pk"})


class _FormFields(HTMLParser):
    """The forms of a page: (action, method, {field name: values seen}) for each."""

    def __init__(self):
        super().__init__()
        self.forms, self._fields, self._select = [], None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            action = attrs.get("action") or attrs.get("hx-post") or ""
            self._fields = {}
            self.forms.append((action, (attrs.get("method") or "get").lower(), self._fields))
        elif self._fields is None or attrs.get("name") == "csrfmiddlewaretoken":
            return  # outside a form, or the CSRF token (the test client doesn't check it)
        elif tag in ("input", "button", "textarea") and attrs.get("name"):
            self._fields.setdefault(attrs["name"], set()).add(attrs.get("value") or "")
        elif tag == "select" and attrs.get("name"):
            self._select = attrs["name"]
            self._fields.setdefault(self._select, set())
        elif tag == "option" and self._select:
            self._fields[self._select].add(attrs.get("value") or "")

    def handle_endtag(self, tag):
        if tag == "form":
            self._fields = None
        elif tag == "select":
            self._select = None


def harvest_forms(w):
    """URL name → {field: values}, from every form on the pages the fuzzing users see: each
    URL is sent its own form's fields (and the values its options offer) as well as others."""
    found = {}
    for role in USERS.values():
        client = Client()
        client.force_login(w.users[role])
        for name in URL_NAMES:
            rows = [row for row in ROWS_BY_NAME.get(name, []) if row.method == "get"]
            urls = [reverse(name, args=row.args(w)) for row in rows] if rows else []
            for url in urls:
                response = client.get(url)
                if response.streaming or "html" not in response.get("Content-Type", ""):
                    continue
                parser = _FormFields()
                parser.feed(response.content.decode())
                for action, method, fields in parser.forms:
                    try:
                        target = resolve(urlsplit(action).path or url).view_name
                    except Resolver404:
                        continue
                    known = found.setdefault((target, method), {})
                    for field, values in fields.items():
                        known.setdefault(field, set()).update(values)
    return {
        key: {field: sorted(values) for field, values in sorted(fields.items())}
        for key, fields in found.items()
    }


# -- The world: the role matrix's, and a stranger --------------------------------------------------


def build_stranger(w):
    """A family neither fuzzing user has anything to do with, its own instructor, and a row in
    every table that holds a family's data."""
    now = timezone.now()
    today = timezone.localdate()
    parent = UserFactory(display_name="Stranger")
    caregiver = UserFactory(display_name="Stranger's nan")
    family = Family.objects.create(name="Stranger family")
    Membership.objects.create(user=parent, family=family, role=Membership.Role.PARENT)
    caregiver_membership = Membership.objects.create(
        user=caregiver, family=family, role=Membership.Role.CAREGIVER
    )
    baby = BabyFactory(family=family, name="Stranger baby")
    ended = MassageSessionFactory(
        baby=baby, routine=w.routine, started_by=parent, started_at=now - timedelta(days=2)
    )
    StepVisitFactory(session=ended)
    ended_cue = CueEventFactory(session=ended, kind="smiling", recorded_by=parent)
    ended.finish(outcome=Outcome.COMPLETED, at=ended.started_at + timedelta(minutes=10))
    running = MassageSessionFactory(
        baby=baby, routine=w.routine, started_by=parent, started_at=now - timedelta(minutes=2)
    )
    fresh_cue = CueEventFactory(session=running, kind="crying", recorded_by=caregiver)
    invitation, _token = invitation_create(family=family, invited_by=parent, email="s@x.org")
    reminder = ReminderFactory(user=parent, family=family)
    ReminderSent.objects.create(
        reminder=reminder, slot_date=today - timedelta(days=1), slot_time=reminder.time
    )

    teacher = InstructorFactory(display_name="Stranger's teacher")
    link = InstructorLink.objects.create(instructor=teacher, family=family)
    Consent.objects.create(link=link, scope=Scope.EVERYTHING, changed_by=parent)
    their_class = teaching_services.class_create(
        instructor=teacher, name="Stranger class", starts_on=today, meets_on=2
    )
    their_class.links.add(link)
    next_class = teaching_services.class_create(
        instructor=teacher, name="Stranger's next class", starts_on=today, meets_on=3
    )
    join_request = JoinRequest.objects.create(
        teaching_class=next_class, family=family, requested_by=parent, scope=Scope.CUES
    )
    their_routine = routine_with_areas(["legs", "tummy"], author=teacher, published=True)
    assignment = teaching_services.assignment_create(
        instructor=teacher, routine=their_routine, family=family, times_per_week=2, starts_on=today
    )
    hidden = teaching_services.assignment_create(
        instructor=teacher, routine=their_routine, family=family, times_per_week=1, starts_on=today
    )
    HiddenAssignment.objects.create(assignment=hidden, family=family)
    note = cue_services.note_write(
        instructor=teacher, family=family, session=ended, text="Lovely, stranger"
    )
    draft = RoutineFactory(author=teacher, published=False)
    step = StepFactory(routine=draft)
    tokens = []
    teaching_invitation, _mailed = teaching_services.invitation_send(
        instructor=teacher, email="stranger-next@example.com", url_for=tokens.append
    )
    return SimpleNamespace(
        users=[parent, caregiver, teacher],
        family=family,
        caregiver_membership=caregiver_membership,
        baby=baby,
        ended=ended,
        ended_cue=ended_cue,
        running=running,
        fresh_cue=fresh_cue,
        invitation=invitation,
        link=link,
        classes=[their_class, next_class],
        join_request=join_request,
        routine=their_routine,
        assignment=assignment,
        note=note,
        draft=draft,
        step=step,
        teaching_invitation=teaching_invitation,
    )


def argument_values(w):
    """URL argument name → values to try: the users' own ids and the stranger's (never the
    stranger's tokens or codes: they are keys)."""
    s = w.stranger
    return {
        "family_id": [w.family.pk, s.family.pk],
        "baby_id": [w.baby.pk, w.twin.pk, s.baby.pk],
        "invitation_id": [w.invitation.pk, w.teaching_invitation.pk, s.invitation.pk],
        "member_id": [w.caregiver_membership.pk, s.caregiver_membership.pk],
        "token": [w.token, w.teaching_token, w.reminder_token],
        "slug": [w.routine.slug, w.assigned.slug, w.draft.slug, s.routine.slug, s.draft.slug],
        "class_id": [w.tuesday.pk, w.saturday.pk, *(c.pk for c in s.classes)],
        "request_id": [w.other_join_request.pk, w.join_request.pk, s.join_request.pk],
        "link_id": [*(link.pk for link in w.links.values()), s.link.pk],
        "assignment_id": [w.assignment.pk, s.assignment.pk],
        "routine_id": [w.draft.pk, w.assigned.pk, w.routine.pk, s.draft.pk, s.routine.pk],
        "step_id": [w.step.pk, w.steps[0].pk, s.step.pk],
        "session_id": [w.running.pk, w.ended.pk, s.running.pk, s.ended.pk],
        "client_id": [w.fresh_cue.client_id, w.ended_cue.client_id, s.fresh_cue.client_id],
        "code": [w.saturday.join_code, w.tuesday.join_code],
        "note_id": [w.note.pk, s.note.pk],
        "path": ["routines/1/missing.webp"],
    }


@pytest.fixture(scope="module")
def fuzz_world(django_db_setup, django_db_blocker):
    """The world, built once for the module in a transaction rolled back at its end."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        world = matrix.build_world()
        world.stranger = build_stranger(world)
        world.arguments = argument_values(world)
        world.ids = sorted(
            {v for values in world.arguments.values() for v in values if isinstance(v, int)}
        )
        world.stranger_rows = StrangerRows(world)
        with transaction.atomic():
            world.forms = harvest_forms(world)
            transaction.set_rollback(True)
    yield world
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)


# -- The stranger's rows -------------------------------------------------------------------------

SNAPSHOT_APPS = ("massage", "massage_sessions", "cues", "account")


def _owner_lookups(model, depth=4):
    """Lookups from `model` along its foreign keys to a Family or a User (an owner)."""
    found = []
    if model in (Family, User):
        found.append(("pk", model))

    def walk(current, prefix, seen, left):
        for field in current._meta.concrete_fields:
            if not (field.many_to_one or field.one_to_one):
                continue
            target, lookup = field.related_model, prefix + field.name
            if target in (Family, User):
                found.append((lookup, target))
            elif left > 1 and target not in seen:
                walk(target, lookup + "__", seen | {target}, left - 1)

    walk(model, "", {model}, depth)
    return found


class StrangerRows:
    """Every row of the stranger's (its family's, its members' and its instructor's), and a quick
    way to tell whether a request changed any.

    A row is the stranger's when a chain of foreign keys leads from it to the stranger's family
    or to one of its people. Looking for such chains in every table is slow, so after each
    request the rows found at first are read back by their primary keys (every table in one
    query), and a table is searched again only when it has grown (primary keys are never reused:
    Django's SQLite tables are AUTOINCREMENT, PostgreSQL's come from sequences).
    """

    def __init__(self, w):
        owners = {Family: [w.stranger.family.pk], User: [user.pk for user in w.stranger.users]}
        self.tables = []  # (model, the stranger's rows, their columns)
        for label in SNAPSHOT_APPS:
            for model in apps.get_app_config(label).get_models(include_auto_created=True):
                lookups = _owner_lookups(model)
                if not lookups:
                    continue
                owned = Q()
                for lookup, owner in lookups:
                    owned |= Q(**{f"{lookup}__in": owners[owner]})
                skip = matrix.SNAPSHOT_SKIPS.get(model._meta.label, set())
                pk = model._meta.pk
                columns = [pk] + [
                    f for f in model._meta.concrete_fields if f.name not in skip and f != pk
                ]
                rows = model._base_manager.filter(
                    pk__in=model._base_manager.filter(owned).values("pk")
                )
                self.tables.append((model, rows.order_by("pk"), columns))
        self.initial = {
            model._meta.label: list(rows.values_list(*(f.attname for f in columns)))
            for model, rows, columns in self.tables
        }
        self._sizes_sql = self._sizes_query()
        self._rows_sql = self._rows_query()
        self.sizes = self._fetch(self._sizes_sql)
        self.rows = self._fetch(self._rows_sql)

    def _sizes_query(self):
        """Each table's number of rows and highest primary key."""
        quote = connection.ops.quote_name
        return " UNION ALL ".join(
            f"SELECT {n}, COUNT(*), MAX({quote(model._meta.pk.column)}) "
            f"FROM {quote(model._meta.db_table)}"
            for n, (model, _rows, _columns) in enumerate(self.tables)
        )

    def _rows_query(self):
        """The stranger's rows as text, read back by their primary keys, every table at once."""
        quote = connection.ops.quote_name
        width = max(len(columns) for _model, _rows, columns in self.tables)
        parts = []
        for n, (model, _rows, columns) in enumerate(self.tables):
            pks = [row[0] for row in self.initial[model._meta.label]]
            if not pks:
                continue
            texts = [f"CAST({quote(f.column)} AS TEXT)" for f in columns]
            texts += ["NULL"] * (width - len(texts))
            listed = ", ".join(str(int(pk)) for pk in pks)
            parts.append(
                f"SELECT {n}, {', '.join(texts)} FROM {quote(model._meta.db_table)} "
                f"WHERE {quote(model._meta.pk.column)} IN ({listed})"
            )
        return " UNION ALL ".join(parts) + " ORDER BY 1, 2"

    def _fetch(self, sql):
        with connection.cursor() as cursor:
            cursor.execute(sql)
            return cursor.fetchall()

    def changed(self) -> list[str]:
        """The tables where a row of the stranger's is not as it was."""
        changed = set()
        if self._fetch(self._rows_sql) != self.rows:
            changed.add("(a row of the stranger's changed or went)")
        sizes = self._fetch(self._sizes_sql)
        for (n, *before), (_n, *now) in zip(self.sizes, sizes, strict=True):
            if before != now:  # rows were added or deleted: search the table again
                model, rows, columns = self.tables[n]
                label = model._meta.label
                if list(rows.values_list(*(f.attname for f in columns))) != self.initial[label]:
                    changed.add(label)
        return sorted(changed)


# -- Strategies ----------------------------------------------------------------------------------

ODD_STRINGS = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "\t\r\n",
    "\u202eevil",
    "\ufeff",
    "\u0000\u0001\u001f\u007f",
    "\U0001d573\U0001d58a\U0001d591\U0001d591\U0001d594",  # Fraktur letters
    "🧸" * 40,
    "Z̤͔ͧ̑̓ä͖̭̈̇lͮ̒ͫǧ̗͚̚o̙̔ͮ̇͐̇",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "%00",
    "%",
    "../../etc/passwd",
    "null",
    "None",
    "true",
    "[]",
    "{}",
    "NaN",
    "nan",
    "inf",
    "-Infinity",
    "-0",
    "1e309",
    "1e-400",
    "0x10",
    "1_000",
    "٣",
    "²",
    "9" * 400,
    str(2**31),
    str(2**63 - 1),
    str(2**63),
    str(-(2**63) - 1),
    str(2**64),
    str(10**30),
    "-1",
    "0",
    "1.5",
    "9999-12-31",
    "0001-01-01",
    "0000-00-00",
    "2024-02-30",
    "10000-01-01",
    "-0001-01-01",
    "9999-12-31T23:59:59+14:00",
    "0001-01-01T00:00:00-14:00",
    "2024-01-01T00:00:00+99:00",
    "24:00",
    "23:59:60",
    "99:99",
    "-01:00",
    "00000000-0000-0000-0000-000000000000",
    "not-a-uuid",
    "ZZZZZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZZZZZZZZZ",
    "family-",
    "family-x",
    "class-" + "9" * 30,
    "baby-0",
]

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=10)
    | st.sampled_from(ODD_STRINGS),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)


def deep(levels):
    """JSON nested `levels` deep, built at once (drawn element by element it would be too large
    for Hypothesis, which then throws the example away)."""
    return "[" * levels + "]" * levels


# The extremes, the first of each list the simplest (Hypothesis starts there and shrinks to it):
# dates at the calendar's edges (a date arithmetic on them overflows), nesting past the JSON
# parser's recursion limit, numbers past 64 bits.
EDGE_DATES = ["9999-12-31", "0001-01-01", "9999-12-31T23:59:59", "0001-01-01T00:00:00"]
EDGE_NESTING = [3000, 5000, 1000, 9999]
EDGE_NUMBERS = [str(2**63), "9" * 400, "-1", "1e309"]
EDGE_TEXTS = ["\x00", "9" * 400, "🧸" * 40, ""]
EDGES = len(EDGE_DATES)
NESTING = st.sampled_from([*EDGE_NESTING, 1, 2, 50, 999])
EXTREME_DATES = st.sampled_from([*EDGE_DATES, "10000-01-01", "0000-00-00"])


def _weighted(*pairs):
    """one_of with weights: (weight, strategy) pairs, each strategy listed weight times (one_of
    picks a branch evenly), so an extreme is drawn often without filtering anything."""
    return st.one_of([strategy for weight, strategy in pairs for _ in range(weight)])


@st.composite
def field_values(draw, w):
    """One value of a field: wrong types, odd strings, ids of anyone, JSON of any shape."""
    text = draw(
        _weighted(
            (3, st.sampled_from(ODD_STRINGS)),
            (3, EXTREME_DATES),
            (3, NESTING.map(deep)),  # nested JSON, past the parser's recursion limit too
            (1, st.sampled_from(CHOICES)),
            (1, st.sampled_from(w.ids).map(str)),
            (1, st.text(max_size=30)),
            (1, st.text(alphabet=st.characters(codec="utf-8"), max_size=30)),
            (1, st.integers().map(str)),
            (1, st.floats(allow_nan=True, allow_infinity=True).map(str)),
            (1, st.dates().map(lambda d: d.isoformat())),
            (1, st.datetimes().map(lambda d: d.isoformat())),
            (1, st.times().map(str)),
            (1, st.uuids().map(str)),
            (1, st.sampled_from(w.ids).map(lambda pk: f"family-{pk}")),
            (1, json_values.map(json.dumps)),
            (
                1,
                st.dictionaries(  # step times, for the player's progress
                    st.sampled_from([str(pk) for pk in w.ids]) | st.text(max_size=4),
                    json_values,
                    max_size=4,
                ).map(json.dumps),
            ),
            (
                1,
                st.builds(  # huge
                    lambda piece, times: piece * times,
                    st.sampled_from(["x", "é", "🧸", "\x00", "a b"])
                    | st.text(min_size=1, max_size=3),
                    st.integers(1000, 60_000),
                ),
            ),
        )
    )
    return text


def _kind(field, value):
    """What a field holds, from its value and name: json, date, number or text."""
    text = value if isinstance(value, str) else ""
    try:
        if isinstance(json.loads(text), dict | list):
            return "json"
    except ValueError:
        pass
    if re.fullmatch(r"\d{4}-\d\d-\d\d.*", text) or re.search(r"date|_on$|_at$", field):
        return "date"
    if re.fullmatch(r"-?\d+(\.\d+)?", text):
        return "number"
    return "text"


def at_edge(field, value, edge):
    """The field's value at the example's edge (`edge` indexes each kind's extremes): the
    same extreme for every field of a kind, so that a form's two dates are both 9999-12-31."""
    kind = _kind(field, value)
    if kind == "json":
        return deep(EDGE_NESTING[edge])
    if kind == "date":
        return EDGE_DATES[edge]
    if kind == "number":
        return EDGE_NUMBERS[edge]
    return EDGE_TEXTS[edge]


def spoiled(w, field, value):
    """A value of the same kind gone wrong: JSON of another shape or nested past the parser's
    limit for a field that holds JSON, a date out of any range for a date, and so on."""
    kind = _kind(field, value)
    if kind == "json":
        keys = json.loads(value) or ["1"]
        return _weighted(
            (2, NESTING.map(deep)),
            (1, json_values.map(json.dumps)),
            (1, st.sampled_from([json.dumps({key: {"a": [1]} for key in keys}), "[]", "1"])),
        )
    if kind == "date":
        return _weighted((3, EXTREME_DATES), (1, st.dates().map(lambda d: d.isoformat())))
    if kind == "number":
        return st.sampled_from([*EDGE_NUMBERS, "0", "nan", "-0"])
    return st.sampled_from(ODD_STRINGS)


@st.composite
def form_data(draw, w, fields, valid):
    """Form fields: mostly the URL's own form filled in as a browser would (`fields`: name →
    values its pages offer) or its valid data from the role matrix, several fields spoiled at
    once; sometimes thousands of fields; always a few of any name.

    A form's bugs often need two fields wrong together (a birth date at the calendar's end and
    a due date after it), so in half the examples every field present is set to the same edge
    of its kind (the simplest example: all of them), in the others some are left out and a
    third spoiled, each its own way."""
    # Hypothesis starts from the smallest choices: the commonest shape is 0, the rarest 19.
    shape = draw(st.integers(0, 19))
    if shape == 19:  # thousands of fields
        count = draw(st.integers(django_settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1, 3000))
        return {f"field{n}": "x" for n in range(count)}
    values = field_values(w) | st.lists(field_values(w), min_size=0, max_size=3)
    data = {}
    if shape < 15 and (fields or valid):
        mode = draw(st.integers(0, 3))  # 0 and 1: to one edge, 2 and 3: each its own way
        edge = draw(st.integers(0, EDGES - 1))
        for field, offered in fields.items():
            if mode == 0 or draw(st.integers(0, 4)) != 4:  # else left out
                data[field] = draw(st.sampled_from(offered)) if offered else ""
        if valid and (not data or draw(st.booleans())):
            data.update(valid)
        for field in sorted(data):
            if mode == 0 or (mode == 1 and draw(st.booleans())):
                data[field] = at_edge(field, data[field], edge)
            elif mode > 1 and not draw(st.integers(0, 2)):  # a third spoiled
                data[field] = draw(spoiled(w, field, data[field]) | values)
    names = st.sampled_from(NAMES) | st.text(min_size=1, max_size=12)
    data.update(draw(st.dictionaries(names, values, max_size=2 if data else 6)))
    return data


ODD_CONTENT_TYPES = [
    "text/plain",
    "application/octet-stream",
    "multipart/form-data",
    "multipart/form-data; boundary=",
    "multipart/form-data; boundary=xyz",
    "application/x-www-form-urlencoded; charset=nonsense",
    "application/x-www-form-urlencoded; charset=utf-16",
    "application/json; charset=latin-1",
    "",
]

HEADER_VALUES = st.sampled_from(
    ["true", "false", "", "\x00", "é", "x" * 3000, "javascript:alert(1)", "http://evil.example/"]
)


@st.composite
def http_requests(draw, w, name, methods):
    """A request to the URL called `name`: (method, url, body, content_type, headers, cookies)."""
    values = {}
    for argument, kind in _route_kinds_for(name).items():
        known = w.arguments.get(argument) or (w.ids if kind in ("id", "int") else [])
        odd = _odd_arguments(kind)
        values[argument] = draw(st.sampled_from(known) | odd if known else odd)
    row = draw(st.sampled_from(ROWS_BY_NAME.get(name, [None])))
    if row is not None and draw(st.booleans()):
        url = reverse(name, args=row.args(w))  # the row's own arguments, known to exist
    else:
        url = _url(name, values)
    method = draw(st.sampled_from(methods))  # POST first and twice: writes break more
    headers = {}
    if draw(st.booleans()):
        headers["HTTP_HX_REQUEST"] = "true"
        if draw(st.booleans()):
            headers["HTTP_HX_TARGET"] = draw(HEADER_VALUES)
            headers["HTTP_HX_CURRENT_URL"] = draw(HEADER_VALUES)
            headers["HTTP_HX_BOOSTED"] = draw(HEADER_VALUES)
    if draw(st.booleans()):
        headers["HTTP_ACCEPT"] = "application/json"
    cookies = {}
    if draw(st.integers(0, 4)) == 0:
        printable = st.text(alphabet=string.ascii_letters + string.digits + "/_+-%", max_size=40)
        cookies = {"tz": draw(printable), "theme": draw(printable)}
    searched = w.forms.get((name, "get"), {})
    query = {
        field: draw(st.sampled_from(offered) | field_values(w)) if offered else ""
        for field, offered in searched.items()
        if draw(st.booleans())
    }
    query |= draw(
        st.dictionaries(
            st.sampled_from(NAMES) | st.text(min_size=1, max_size=8),
            field_values(w) | st.lists(field_values(w), max_size=3),
            max_size=4,
        )
    )
    if method in ("GET", "HEAD"):
        if query:
            url += "?" + urlencode(query, doseq=True)
        return SimpleNamespace(
            method=method, url=url, body=b"", content_type="", headers=headers, cookies=cookies
        )
    valid = row.data(w) if row is not None and row.data is not None else {}
    valid = {key: value if isinstance(value, list) else str(value) for key, value in valid.items()}
    fields = w.forms.get((name, "post"), {})
    encoding = draw(st.sampled_from(["urlencoded", "multipart", "urlencoded", "json", "odd"]))
    if encoding == "json":
        payload = draw(st.one_of(form_data(w, fields, valid), json_values, NESTING.map(deep)))
        body = payload if isinstance(payload, str) else json.dumps(payload)
        body, content_type = body.encode(), "application/json"
    elif encoding == "odd":
        body = draw(st.binary(max_size=200) | field_values(w).map(str.encode))
        content_type = draw(st.sampled_from(ODD_CONTENT_TYPES))
    else:
        data = draw(form_data(w, fields, valid))
        if encoding == "multipart":
            body, content_type = data, None
        else:
            body = urlencode(data, doseq=True).encode()
            content_type = "application/x-www-form-urlencoded"
    return SimpleNamespace(
        method=method,
        url=url,
        body=body,
        content_type=content_type,
        headers=headers,
        cookies=cookies,
    )


def _route_kinds_for(name):
    _route, pattern = ROUTES[name]
    if isinstance(pattern, RoutePattern):
        return _route_kinds(pattern)
    return {argument: "path" for argument in pattern.regex.groupindex}


def _odd_arguments(kind):
    if kind in ("id", "int"):
        numbers = ["0", "00", "-1", "+1", "1.0", "٣", " 1", "1" * 25]
        too_big = [str(2**63 - 1), str(2**63), "9" * 19, str(2**64), str(10**30)]
        return st.sampled_from(too_big) | st.sampled_from(numbers) | st.integers(0).map(str)
    if kind == "uuid":
        return st.uuids().map(str) | st.sampled_from(["not-a-uuid", "0" * 32, "A" * 36])
    if kind == "slug":
        return st.from_regex(r"[-a-zA-Z0-9_]{1,300}", fullmatch=True)
    # str and path: anything but a slash for str (a slash is another URL)
    no_slash = st.characters(exclude_characters="/")  # not filtered: nothing thrown away
    return st.text(no_slash, min_size=1, max_size=300) | st.sampled_from(
        ["\x00", "a\x00b", "x" * 5000, "..", "%2F", "é" * 50]
    )


ROWS_BY_NAME = {}
for _row in matrix.ROWS:
    ROWS_BY_NAME.setdefault(_row.name, []).append(_row)

# -- The test ------------------------------------------------------------------------------------

URL_NAMES = sorted(ROUTES)


def _allowed_methods(client, w, name):
    """The methods the view answers, from the Allow header of its 405 to a PUT."""
    rows = ROWS_BY_NAME.get(name)
    url = reverse(name, args=rows[0].args(w)) if rows else _url(name, _first_arguments(w, name))
    response = client.put(url)
    if response.status_code != 405:
        return ["POST", "POST", "GET"]
    allowed = {method.strip() for method in response["Allow"].split(",")}
    allowed &= {"GET", "POST"}
    return ["POST", "POST", "GET"] if allowed == {"GET", "POST"} else sorted(allowed) or ["GET"]


def _first_arguments(w, name):
    return {
        argument: (w.arguments.get(argument) or w.ids)[0] for argument in _route_kinds_for(name)
    }


def _send(client, request):
    if request.method == "GET":
        response = client.get(request.url, **request.headers)
    elif request.content_type is None:
        response = client.post(request.url, request.body, **request.headers)
    else:
        response = client.generic(
            "POST", request.url, request.body, content_type=request.content_type, **request.headers
        )
    if response.streaming:
        b"".join(response.streaming_content)  # an export fails halfway through, if at all
    return response


@pytest.mark.parametrize("role", sorted(USERS))
@pytest.mark.parametrize("name", URL_NAMES)
def test_fuzz(fuzz_world, db, role, name):
    w = fuzz_world
    user = w.users[USERS[role]]
    # Undo works for seconds after a cue is logged: both running massages' cues were just now.
    CueEvent.objects.filter(pk__in=[w.fresh_cue.pk, w.stranger.fresh_cue.pk]).update(
        created_at=timezone.now()
    )
    login = Client()
    login.force_login(user)
    session_cookie = login.cookies[django_settings.SESSION_COOKIE_NAME].value
    methods = _allowed_methods(login, w, name)

    # Half the budget for a page that only answers GET, one and a half for a form or a save.
    budget = max(1, PROFILE.max_examples * (3 if "POST" in methods else 1) // 2)

    @settings(PROFILE, max_examples=budget)
    @given(request=http_requests(w, name, methods))
    def fuzz(request):
        client = Client()
        client.cookies[django_settings.SESSION_COOKIE_NAME] = session_cookie
        for key, value in request.cookies.items():
            client.cookies[key] = value
        with transaction.atomic():
            response = _send(client, request)
            assert response.status_code < 500, (request.method, request.url)
            changed = w.stranger_rows.changed()
            assert not changed, f"{request.method} {request.url} changed the stranger's {changed}"
            transaction.set_rollback(True)

    fuzz()


def test_every_url_is_fuzzed():
    assert {"today", "media", "cues:cue-create", "sessions:session-progress"} <= set(URL_NAMES)
    assert len(URL_NAMES) >= 70


def test_the_stranger_has_a_row_in_every_table_of_family_data(fuzz_world, db):
    """So that a request changing any of them would be seen."""
    empty = {label for label, rows in fuzz_world.stranger_rows.initial.items() if not rows}
    # Tables no family's data reaches: Django's groups and permissions, focus tags, allauth's
    # confirmation keys (sent mails), instructor profiles (the instructor's own, no family's).
    assert empty <= {
        "massage.Routine_focus",
        "massage.User_groups",
        "massage.User_user_permissions",
        "massage.InstructorProfile",
        "account.EmailAddress",
        "account.EmailConfirmation",
    }, empty


def test_a_change_to_any_row_of_the_strangers_is_seen(fuzz_world, db):
    w, s = fuzz_world, fuzz_world.stranger
    rows = w.stranger_rows
    assert rows.changed() == []
    changes = [
        lambda: Family.objects.filter(pk=s.family.pk).update(name="Renamed"),
        lambda: CueEvent.objects.filter(pk=s.ended_cue.pk).update(note="Changed"),
        lambda: s.invitation.delete(),
        lambda: CueEventFactory(session=s.running, recorded_by=w.users["parent"]),
        lambda: s.classes[0].links.remove(s.link),
        lambda: User.objects.filter(pk=s.users[2].pk).update(display_name="Someone else"),
    ]
    for change in changes:
        with transaction.atomic():
            change()
            assert rows.changed(), change
            transaction.set_rollback(True)
    with transaction.atomic():  # the users' own rows are theirs to change
        CueEventFactory(session=w.running, recorded_by=w.users["parent"])
        Family.objects.filter(pk=w.family.pk).update(name="Renamed")
        assert rows.changed() == []
        transaction.set_rollback(True)
