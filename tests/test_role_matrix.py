"""The permission matrix: every URL of the site by every kind of visitor, in one table.

ROWS holds one row per request worth making (a URL name, its method, its arguments and the POST
data that succeeds for someone allowed), each with the status every role gets. The URL names come
from the resolver (the walk of tests/test_every_url.py), so a new URL without a row fails
`test_every_url_has_a_row`, naming it.

The roles, in one world (`build_world`):

- anonymous;
- parent and caregiver of the family (a baby and her twin, an ended massage with a cue, a
  running one with a cue, an invitation, a reminder each, a note from their instructor);
- other_parent: a parent of another family;
- instructor_practice, instructor_cues, instructor_everything: instructors linked to the family,
  whose latest consent shares practice only, practice and cues, everything;
- instructor_revoked: linked, shared practice, then the family stopped sharing;
- instructor_unlinked: an instructor who does not teach the family (the family asked to join one
  of their classes, and their invitation to a class is waiting to be opened);
- staff: `is_staff`, neither a member nor an instructor.

instructor_practice is "the teacher": their class holds the family, they assigned their own
routine to it, wrote it a note, and own the routine and steps the studio rows edit.

The expected statuses say what is right, and the app does it: anonymous → the login page (the
player's JSON saves → 401); a family's pages → its members (403 for a caregiver where only parents
may act), 404 for everyone else, nothing revealed; instructors' pages → 403 for anyone who is not
an instructor, 404 for another instructor's rows; an instructor's view of a family → 404 unless it
shares at least the scope the page needs. A refused request (and any GET) changes nothing, and a
refusal to someone who does not know the family never names it.

Where the app disagrees with what is right, the row says so in `known_bugs` (what the app answers,
and why that is wrong): the case is an expected failure, and fails outright once the app is fixed,
so the row is set right. The world is built once and every case runs in a savepoint of it.
"""

import json
import uuid
from dataclasses import dataclass, field
from datetime import time, timedelta
from types import SimpleNamespace
from urllib.parse import parse_qs, urlsplit

import pytest
from django.apps import apps
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from cues import services as cue_services
from cues.icons import sprite_version
from cues.models import CueEvent
from massage.models import Consent, Family, InstructorLink, JoinRequest, Membership, Scope
from massage.models.teaching import scopes_at_least
from massage.services import teaching as teaching_services
from massage.services.families import invitation_create
from sessions.models import Outcome
from tests.factories import (
    PASSWORD,
    BabyFactory,
    CueEventFactory,
    InstructorFactory,
    MassageSessionFactory,
    ReminderFactory,
    RoutineFactory,
    StepFactory,
    UserFactory,
    routine_with_areas,
)
from tests.test_every_url import project_url_names

MEMBERS = ("parent", "caregiver")
INSTRUCTOR_SCOPES = {
    "instructor_practice": Scope.PRACTICE,
    "instructor_cues": Scope.CUES,
    "instructor_everything": Scope.EVERYTHING,
}
INSTRUCTORS = (*INSTRUCTOR_SCOPES, "instructor_revoked", "instructor_unlinked")
NOT_INSTRUCTORS = ("parent", "caregiver", "other_parent", "staff")
ROLES = ("anonymous", *MEMBERS, "other_parent", *INSTRUCTORS, "staff")
# Roles that know nothing of the family: what they are refused must not name it.
STRANGERS = ("anonymous", "other_parent", "instructor_unlinked", "instructor_revoked", "staff")

LOGIN = "login"  # a redirect to the login page
JSON = {"HTTP_ACCEPT": "application/json"}
FAMILY_NAME = "Lindqvist-Okafor family"


# -- Ways of writing a row's statuses --------------------------------------------------------------


def _statuses(base: dict, overrides: dict) -> dict:
    unknown = set(overrides) - set(ROLES)
    assert not unknown, f"not roles: {unknown}"
    return base | overrides


def everyone(status, **overrides):
    """Anyone, logged in or not."""
    return _statuses(dict.fromkeys(ROLES, status), overrides)


def logged_in(status, **overrides):
    """Anyone logged in; anonymous to the login page."""
    return everyone(status, **({"anonymous": LOGIN} | overrides))


def family(status, *, caregiver=None, **overrides):
    """The family's own data: its members; 404 for anyone else, whoever they are."""
    base = dict.fromkeys(ROLES, 404) | {"anonymous": LOGIN, "parent": status}
    base["caregiver"] = status if caregiver is None else caregiver
    return _statuses(base, overrides)


def parents(status, **overrides):
    """A change only the family's parents may make: 403 for its caregiver."""
    return family(status, caregiver=403, **overrides)


def instructors(status, **overrides):
    """A page of an instructor's own: every instructor; 403 for anyone who is not one."""
    base = dict.fromkeys(ROLES, status) | dict.fromkeys(NOT_INSTRUCTORS, 403)
    return _statuses(base | {"anonymous": LOGIN}, overrides)


def owned_by(owner, status, **overrides):
    """An instructor's own row (routine, class, invitation): 404 for every other instructor."""
    return instructors(404, **({owner: status} | overrides))


def shared(least, status, **overrides):
    """The family as its instructors see it: those whose consent shares at least `least`."""
    opened = scopes_at_least(least)
    base = instructors(404)
    for role, scope in INSTRUCTOR_SCOPES.items():
        if scope in opened:
            base[role] = status
    return _statuses(base, overrides)


# -- The table -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    name: str
    method: str
    args: object  # world → the URL's arguments
    expect: dict  # role → status, or LOGIN
    data: object = None  # world → POST data
    json: bool = False  # asks for JSON, as the player's background saves do
    json_body: bool = False  # sends `data` as a JSON body (the outbox's batch), not a form
    # Roles that are let through but change nothing (e.g. anonymous opening an invitation).
    unchanged: frozenset = field(default_factory=frozenset)
    label: str = ""
    # role → (what the app answers, why that is wrong), where it disagrees with `expect`
    known_bugs: dict = field(default_factory=dict)

    @property
    def id(self):
        return f"{self.name}-{self.method}" + (f"-{self.label}" if self.label else "")


def GET(name, args, expect, **kw):
    return Row(name, "get", args, expect, **kw)


def POST(name, args, data, expect, **kw):
    if "unchanged" in kw and kw["unchanged"] == "all":
        kw["unchanged"] = frozenset(ROLES)
    return Row(name, "post", args, expect, data=data, **kw)


def no_args(w):
    return []


def nothing(w):
    return {}


def _family(w):
    return [w.family.pk]


def _baby(w):
    return [w.baby.pk]


def _ended(w):
    return [w.ended.pk]


def _running(w):
    return [w.running.pk]


def _draft(w):
    return [w.draft.pk]


def _step(w):
    return [w.step.pk]


def _class(w):
    return [w.tuesday.pk]


def _teaching_invitation(w):
    return [w.teaching_invitation.pk]


def routine_form(w):
    return {
        "title_en": "Calm evenings",
        "summary_en": "Slow strokes.",
        "min_age_months": 0,
        "max_age_months": 12,
        "cautions_en": "",
    }


def step_form(w):
    return {
        "body_area": "legs",
        "stroke_en": "Long glide",
        "instruction_en": "Glide slowly from the thigh to the ankle.",
        "motion": "glide_toward_feet",
        "seconds": 30,
    }


def birth_date():
    return (timezone.localdate() - timedelta(weeks=6)).isoformat()


def outbox_cue(w):
    """A cue in the running massage as the phone's outbox sends it."""
    return {
        "type": "cue",
        "id": str(uuid.uuid4()),
        "session": w.running.pk,
        "step": w.steps[0].pk,
        "kind": "smiling",
        "at": timezone.now().isoformat(),
    }


# Who has no family of which they are a parent (class codes and invitations answer them 403).
NO_FAMILY_TO_MANAGE = ("caregiver", *INSTRUCTORS, "staff")

READY = {
    "health": "well",
    "vaccination": "no",
    "skin": "clear",
    "feed": "over_30",
    "state": "quiet_alert",
}

ROWS = [
    # The site -------------------------------------------------------------------------------------
    GET("massage:landing", no_args, logged_in(302, anonymous=200)),  # logged in: to Today
    POST("massage:theme-set", no_args, lambda w: {"theme": "dark"}, everyone(302), unchanged="all"),
    # The language switch: a cookie for everyone, and the account's language for the signed-in.
    POST(
        "massage:language-set",
        no_args,
        lambda w: {"language": "es", "next": "/"},
        everyone(302),
        unchanged=frozenset({"anonymous"}),
    ),
    GET("today", no_args, logged_in(200)),
    # Uploads are not served through Django unless SERVE_MEDIA is set (it isn't in the tests).
    GET("media", lambda w: ["routines/1/missing.webp"], everyone(404)),
    # The load balancer's health check: the same for everyone, and it reads no session.
    GET("healthz", no_args, everyone(200)),
    # Installing the site (the manifest, the service worker) and the page it shows offline.
    GET("manifest", no_args, everyone(200)),
    GET("service-worker", no_args, everyone(200)),
    GET("offline", no_args, everyone(200)),
    # One's own account -------------------------------------------------------------------------
    GET("massage:account", no_args, logged_in(200)),
    POST("massage:account", no_args, lambda w: {"display_name": "Sam"}, logged_in(302)),
    GET("massage:account-delete", no_args, logged_in(200)),
    POST("massage:account-delete", no_args, lambda w: {"password": PASSWORD}, logged_in(302)),
    GET("massage:family-create", no_args, logged_in(200)),
    POST("massage:family-create", no_args, lambda w: {"name": "New family"}, logged_in(302)),
    # Anyone may open an instructor profile (a parent may teach too), and so become an instructor.
    GET("massage:instructor-profile", no_args, logged_in(200)),
    POST(
        "massage:instructor-profile",
        no_args,
        lambda w: {"practice_name": "Calm hands", "credential": "CIMI", "bio": ""},
        logged_in(302),
    ),
    # The family --------------------------------------------------------------------------------
    GET("massage:family-detail", _family, family(200)),
    GET("massage:family-update", _family, parents(200)),
    POST("massage:family-update", _family, lambda w: {"name": "Renamed"}, parents(302)),
    GET("massage:family-delete", _family, parents(200)),
    POST("massage:family-delete", _family, lambda w: {"confirm_name": FAMILY_NAME}, parents(302)),
    GET("massage:family-leave", _family, family(200)),
    # The only parent may not leave (409); the caregiver may.
    POST("massage:family-leave", _family, nothing, family(409, caregiver=302)),
    GET("massage:baby-create", _family, parents(200)),
    POST(
        "massage:baby-create",
        _family,
        lambda w: {"name": "Newborn", "birth_date": birth_date()},
        parents(302),
    ),
    GET("massage:baby-update", _baby, parents(200)),
    POST(
        "massage:baby-update",
        _baby,
        lambda w: {"name": "Renamed", "birth_date": birth_date()},
        parents(302),
    ),
    GET("massage:baby-delete", _baby, parents(200)),
    POST("massage:baby-delete", _baby, nothing, parents(302)),
    GET("massage:invitation-create", _family, parents(200)),
    POST(
        "massage:invitation-create",
        _family,
        lambda w: {"role": "caregiver", "email": "nan@example.com"},
        parents(201),
    ),
    POST(
        "massage:invitation-revoke",
        lambda w: [w.family.pk, w.invitation.pk],
        nothing,
        parents(302),
    ),
    POST(
        "massage:member-remove",
        lambda w: [w.family.pk, w.caregiver_membership.pk],
        nothing,
        parents(302),
    ),
    # The invitation link admits whoever holds it; a member is told they are in already.
    GET("massage:invitation-accept", lambda w: [w.token], everyone(200)),
    POST(
        "massage:invitation-accept",
        lambda w: [w.token],
        nothing,
        everyone(302, anonymous=200, parent=409, caregiver=409),  # anonymous: asked to log in
        unchanged=frozenset({"anonymous"}),
    ),
    # "No, thanks": forgets the link in this browser only.
    POST(
        "massage:invitation-decline", lambda w: [w.token], nothing, everyone(302), unchanged="all"
    ),
    # The family and its instructors ------------------------------------------------------------
    POST(
        "massage:assignment-hide",
        lambda w: [w.family.pk, w.assignment.pk],
        nothing,
        family(302),
    ),
    POST(
        "massage:consent-change",
        lambda w: [w.family.pk, w.links["instructor_practice"].pk],
        lambda w: {"scope": "practice_and_cues"},
        parents(302),
    ),
    POST(
        "massage:join-request-withdraw",
        lambda w: [w.family.pk, w.join_request.pk],
        nothing,
        parents(302),
    ),
    # An instructor's invitation (instructor_unlinked's): any logged-in person may open it; only a
    # family's parent can take it up.
    GET("massage:class-join", lambda w: [w.teaching_token], logged_in(200)),
    POST(
        "massage:class-join",
        lambda w: [w.teaching_token],
        lambda w: {"family": w.family.pk, "scope": "practice"},
        # As for a class's code: no family to join for, 403; another family's parent, 422.
        logged_in(403, parent=302, other_parent=422),
    ),
    # A class's code: anyone logged in may look it up; a family's parent asks to join with it.
    GET("massage:class-code-find", no_args, logged_in(200)),
    GET("massage:class-code", lambda w: [w.saturday.join_code], logged_in(200)),
    POST(
        "massage:class-code",
        lambda w: [w.saturday.join_code],
        lambda w: {"family": w.family.pk, "scope": "practice", "message": "Hello"},
        # No family to ask for: 403; another family's parent naming this one: 422.
        logged_in(403, parent=302, other_parent=422),
    ),
    # The routine library -----------------------------------------------------------------------
    GET("massage:routine-list", no_args, everyone(200)),
    GET("massage:routine-detail", lambda w: [w.routine.slug], everyone(200)),
    GET("massage:routine-print", lambda w: [w.routine.slug], everyone(200)),
    # The teacher's own routine, assigned to the family: the family and its author see it.
    GET(
        "massage:routine-detail",
        lambda w: [w.assigned.slug],
        family(200, anonymous=404, instructor_practice=200),
        label="assigned",
    ),
    GET(
        "massage:routine-print",
        lambda w: [w.assigned.slug],
        family(200, anonymous=404, instructor_practice=200),
        label="assigned",
    ),
    # A draft: its author only.
    GET(
        "massage:routine-detail",
        lambda w: [w.draft.slug],
        owned_by("instructor_practice", 200, anonymous=404, **dict.fromkeys(NOT_INSTRUCTORS, 404)),
        label="draft",
    ),
    POST("massage:routine-duplicate", lambda w: [w.routine.slug], nothing, instructors(302)),
    POST(
        "massage:routine-duplicate",
        lambda w: [w.draft.slug],
        nothing,
        owned_by("instructor_practice", 302),
        label="draft",
    ),
    # The studio: the teacher's draft routine and its steps --------------------------------------
    GET("massage:studio", no_args, instructors(200)),
    GET("massage:routine-create", no_args, instructors(200)),
    POST("massage:routine-create", no_args, routine_form, instructors(302)),
    GET("massage:routine-edit", _draft, owned_by("instructor_practice", 200)),
    GET("massage:routine-update", _draft, owned_by("instructor_practice", 200)),
    POST("massage:routine-update", _draft, routine_form, owned_by("instructor_practice", 302)),
    GET("massage:routine-preview", _draft, owned_by("instructor_practice", 200)),
    POST("massage:routine-publish", _draft, nothing, owned_by("instructor_practice", 302)),
    GET("massage:routine-delete", _draft, owned_by("instructor_practice", 200)),
    POST("massage:routine-delete", _draft, nothing, owned_by("instructor_practice", 302)),
    GET("massage:step-create", _draft, owned_by("instructor_practice", 200)),
    POST("massage:step-create", _draft, step_form, owned_by("instructor_practice", 302)),
    GET("massage:step-update", _step, owned_by("instructor_practice", 200)),
    POST("massage:step-update", _step, step_form, owned_by("instructor_practice", 302)),
    GET("massage:step-delete", _step, owned_by("instructor_practice", 200)),
    POST("massage:step-delete", _step, nothing, owned_by("instructor_practice", 302)),
    POST(
        "massage:step-move",
        _step,
        lambda w: {"direction": "down"},
        owned_by("instructor_practice", 302),
    ),
    # Teaching: invitations, classes, assignments -----------------------------------------------
    GET("massage:teaching-invitations", no_args, instructors(200)),
    POST(
        "massage:teaching-invitations",
        no_args,
        lambda w: {"email": "next-family@example.com"},
        instructors(302),
    ),
    POST(
        "massage:teaching-invitation-resend",
        _teaching_invitation,
        nothing,
        owned_by("instructor_unlinked", 302),
    ),
    POST(
        "massage:teaching-invitation-revoke",
        _teaching_invitation,
        nothing,
        owned_by("instructor_unlinked", 302),
    ),
    GET("massage:teaching-classes", no_args, instructors(200)),
    POST(
        "massage:teaching-classes",
        no_args,
        lambda w: {"name": "Sundays", "starts_on": timezone.localdate().isoformat(), "meets_on": 6},
        instructors(302),
    ),
    GET("massage:teaching-class", _class, owned_by("instructor_practice", 200)),
    # No box ticked: the class is emptied.
    POST("massage:teaching-class", _class, nothing, owned_by("instructor_practice", 302)),
    POST("massage:teaching-class-archive", _class, nothing, owned_by("instructor_practice", 302)),
    POST("massage:teaching-class-code", _class, nothing, owned_by("instructor_practice", 302)),
    POST(
        "massage:join-request-approve",
        lambda w: [w.tuesday.pk, w.other_join_request.pk],
        nothing,
        owned_by("instructor_practice", 302),
    ),
    POST(
        "massage:join-request-decline",
        lambda w: [w.tuesday.pk, w.other_join_request.pk],
        nothing,
        owned_by("instructor_practice", 302),
    ),
    # A copy of a routine for one family the instructor teaches (while it shares anything).
    GET("massage:routine-adapt", _family, shared(Scope.PRACTICE, 200)),
    POST(
        "massage:routine-adapt",
        _family,
        lambda w: {"routine": w.routine.pk},
        shared(Scope.PRACTICE, 302),
    ),
    GET("massage:teaching-assignments", no_args, instructors(200)),
    # For the teacher's family: another instructor can't choose it (422).
    POST(
        "massage:teaching-assignments",
        no_args,
        lambda w: {
            "routine": w.routine.pk,
            "target": f"family-{w.links['instructor_practice'].pk}",
            "times_per_week": 2,
            "starts_on": timezone.localdate().isoformat(),
        },
        instructors(422, instructor_practice=302),
    ),
    # What an instructor sees of the families they teach -----------------------------------------
    GET("cues:teaching-dashboard", no_args, instructors(200)),
    GET("cues:teaching-family", _family, shared(Scope.PRACTICE, 200)),
    GET("cues:teaching-session", lambda w: [w.family.pk, w.ended.pk], shared(Scope.CUES, 200)),
    GET(
        "cues:teaching-baby-history",
        lambda w: [w.family.pk, w.baby.pk],
        shared(Scope.CUES, 200),
    ),
    POST(
        "cues:teaching-note",
        _family,
        lambda w: {"text": "Well done"},
        shared(Scope.PRACTICE, 302),
    ),
    POST(
        "cues:teaching-session-note",
        lambda w: [w.family.pk, w.ended.pk],
        lambda w: {"text": "Well done"},
        shared(Scope.CUES, 302),
    ),
    # The family's reply to its instructor's note.
    POST("cues:note-reply", lambda w: [w.note.pk], lambda w: {"text": "Thank you!"}, family(302)),
    # Massage sessions: every member records them ------------------------------------------------
    GET("sessions:session-start", lambda w: [w.twin.pk, w.routine.slug], family(200)),
    POST(
        "sessions:session-start",
        lambda w: [w.twin.pk, w.routine.slug],
        lambda w: READY,
        family(302),
    ),
    GET("sessions:session-player", _running, family(200)),
    # The player for a massage started on the phone with no network: nothing is stored.
    GET(
        "sessions:session-offline-player",
        lambda w: [w.twin.pk, w.routine.slug],
        family(200),
    ),
    # The cue icons' sprite: the same file for everyone.
    GET("cues:cue-icons", lambda w: [sprite_version()], everyone(200)),
    GET("cues:cue-icons", lambda w: ["old"], everyone(302), label="old"),
    # A routine's step pictures: those who may see the routine; an old version is sent on to
    # the current one (tests/sessions/test_player_figures.py fetches that one).
    GET("sessions:routine-figures", lambda w: [w.routine.pk, "old"], everyone(302)),
    GET(
        "sessions:routine-figures",
        lambda w: [w.assigned.pk, "old"],
        family(302, anonymous=404, instructor_practice=302),
        label="assigned",
    ),
    GET(
        "sessions:routine-figures",
        lambda w: [w.draft.pk, "old"],
        owned_by("instructor_practice", 302, anonymous=404, **dict.fromkeys(NOT_INSTRUCTORS, 404)),
        label="draft",
    ),
    POST(
        "sessions:session-progress",
        _running,
        lambda w: {
            "seq": 1,
            "step": w.steps[1].pk,
            "elapsed": 2,
            "visits": f'{{"{w.steps[0].pk}": [30, false]}}',
        },
        family(204, anonymous=401),
        json=True,
    ),
    POST(
        "sessions:session-step",
        _running,
        lambda w: {"step": w.steps[0].pk, "action": "next"},
        family(302),
    ),
    GET("sessions:session-finish", _running, family(200)),
    POST(
        "sessions:session-finish",
        _running,
        lambda w: {"outcome": "baby_led_end", "reason": "cried"},
        family(302),
    ),
    GET("sessions:session-summary", _ended, family(200)),
    POST("sessions:session-note", _ended, lambda w: {"note": "Loved it"}, family(302)),
    # Each member's own reminder.
    GET("sessions:reminder-edit", _family, family(200)),
    POST(
        "sessions:reminder-edit",
        _family,
        lambda w: {"weekdays": ["1", "4"], "time": "07:15", "time_zone": "UTC"},
        family(302),
    ),
    POST("sessions:reminder-off", _family, nothing, family(302)),
    # A reminder mail's unsubscribe link: its token is the key, no login.
    GET("sessions:reminder-unsubscribe", lambda w: [w.reminder_token], everyone(200)),
    POST("sessions:reminder-unsubscribe", lambda w: [w.reminder_token], nothing, everyone(200)),
    # Cues: the player's saves (JSON), the review, the history, the exports -----------------------
    POST(
        "cues:cue-create",
        _running,
        lambda w: {"client_id": str(uuid.uuid4()), "kind": "smiling", "step": w.steps[0].pk},
        family(201, anonymous=401),
        json=True,
    ),
    POST(
        "cues:cue-undo",
        lambda w: [w.running.pk, w.fresh_cue.client_id],
        nothing,
        family(200, anonymous=401),
        json=True,
    ),
    POST(
        "cues:cue-respond",
        lambda w: [w.running.pk, w.fresh_cue.client_id],
        lambda w: {"response": "comfort"},
        family(200, anonymous=401),
        json=True,
    ),
    POST(
        "cues:cue-note",
        lambda w: [w.ended.pk, w.ended_cue.client_id],
        lambda w: {"note": "She loved the leg strokes"},
        family(302),
    ),
    # The phone's outbox in one request: anyone logged in may send one, and only items for the
    # family's own massages are stored (the others are refused, item by item, in a 200).
    POST(
        "cues:outbox-sync",
        no_args,
        lambda w: {"items": [outbox_cue(w)]},
        logged_in(200, anonymous=401),
        json=True,
        json_body=True,
        unchanged=frozenset(ROLES) - set(MEMBERS),
    ),
    GET("cues:session-review", _ended, family(200)),
    GET("cues:baby-history", _baby, family(200)),
    GET("cues:baby-report", _baby, family(200)),
    GET("cues:export-csv", _family, family(200)),
    GET("cues:export-json", _family, family(200)),
]


# -- The world -----------------------------------------------------------------------------------


def build_world():
    now = timezone.now()
    today = timezone.localdate()
    users = {"anonymous": None}
    parent = users["parent"] = UserFactory(display_name="Robin")
    caregiver = users["caregiver"] = UserFactory(display_name="Nan")
    the_family = Family.objects.create(name=FAMILY_NAME)
    Membership.objects.create(user=parent, family=the_family, role=Membership.Role.PARENT)
    caregiver_membership = Membership.objects.create(
        user=caregiver, family=the_family, role=Membership.Role.CAREGIVER
    )
    baby = BabyFactory(family=the_family, name="Mia")
    twin = BabyFactory(family=the_family, name="Noor")  # no massage running: one can start

    routine = routine_with_areas(["legs", "arms", "back"])
    ended = MassageSessionFactory(
        baby=baby, routine=routine, started_by=parent, started_at=now - timedelta(days=1)
    )
    ended_cue = CueEventFactory(session=ended, kind="cooing", recorded_by=parent)
    ended.finish(outcome=Outcome.COMPLETED, at=ended.started_at + timedelta(minutes=12))
    running = MassageSessionFactory(
        baby=baby, routine=routine, started_by=parent, started_at=now - timedelta(minutes=3)
    )
    fresh_cue = CueEventFactory(session=running, kind="crying", recorded_by=caregiver)
    invitation, token = invitation_create(family=the_family, invited_by=parent, email="g@x.org")
    reminder = ReminderFactory(user=parent, family=the_family)
    ReminderFactory(user=caregiver, family=the_family)

    other_parent = users["other_parent"] = UserFactory(display_name="Alex")
    other_family = Family.objects.create(name="Other family")
    Membership.objects.create(user=other_parent, family=other_family, role=Membership.Role.PARENT)
    BabyFactory(family=other_family, name="Leo")

    links = {}
    for role, scope in INSTRUCTOR_SCOPES.items():
        users[role] = InstructorFactory()
        links[role] = InstructorLink.objects.create(instructor=users[role], family=the_family)
        Consent.objects.create(link=links[role], scope=scope, changed_by=parent)
    users["instructor_revoked"] = InstructorFactory()
    revoked = InstructorLink.objects.create(
        instructor=users["instructor_revoked"], family=the_family
    )
    Consent.objects.create(link=revoked, scope=Scope.PRACTICE, changed_by=parent)
    Consent.objects.create(link=revoked, scope=Scope.REVOKED, changed_by=parent)
    unlinked = users["instructor_unlinked"] = InstructorFactory()
    users["staff"] = UserFactory(is_staff=True)

    # The teacher: a class with the family in it, and the other family asking to join it; a draft
    # in the studio; their own routine assigned to the family; a note to it.
    teacher = users["instructor_practice"]
    tuesday = teaching_services.class_create(
        instructor=teacher, name="Tuesday mornings", starts_on=today, meets_on=1
    )
    tuesday.links.add(links["instructor_practice"])
    other_join_request = JoinRequest.objects.create(
        teaching_class=tuesday, family=other_family, requested_by=other_parent, scope=Scope.CUES
    )
    draft = RoutineFactory(author=teacher, published=False)
    step = StepFactory(routine=draft)
    StepFactory(routine=draft)
    assigned = routine_with_areas(["legs", "tummy"], author=teacher, published=True)
    assignment = teaching_services.assignment_create(
        instructor=teacher,
        routine=assigned,
        family=the_family,
        times_per_week=3,
        starts_on=today,
        suggested_weekdays=1 << 0,
        suggested_time=time(18, 0),
    )
    note = cue_services.note_write(
        instructor=teacher, family=the_family, session=ended, text="Lovely work"
    )

    # The instructor who does not teach the family: their invitation to a class, waiting to be
    # opened; a class the family asked to join, and another it may ask to join.
    tokens = []
    teaching_invitation, _mailed = teaching_services.invitation_send(
        instructor=unlinked, email="family@example.com", url_for=tokens.append
    )
    friday = teaching_services.class_create(
        instructor=unlinked, name="Friday", starts_on=today, meets_on=4
    )
    join_request = JoinRequest.objects.create(
        teaching_class=friday, family=the_family, requested_by=parent, scope=Scope.PRACTICE
    )
    saturday = teaching_services.class_create(
        instructor=unlinked, name="Saturday", starts_on=today, meets_on=5
    )

    return SimpleNamespace(
        users=users,
        family=the_family,
        caregiver_membership=caregiver_membership,
        baby=baby,
        twin=twin,
        routine=routine,
        steps=list(routine.steps.order_by("order")),
        ended=ended,
        ended_cue=ended_cue,
        running=running,
        fresh_cue=fresh_cue,
        invitation=invitation,
        token=token,
        reminder_token=reminder.token,
        links=links,
        tuesday=tuesday,
        other_join_request=other_join_request,
        draft=draft,
        step=step,
        assigned=assigned,
        assignment=assignment,
        note=note,
        teaching_invitation=teaching_invitation,
        teaching_token=tokens[0],
        join_request=join_request,
        saturday=saturday,
    )


@pytest.fixture(scope="module")
def shared_world(django_db_setup, django_db_blocker):
    """The world, built once for the module inside a transaction that is rolled back at its end.

    Each test runs in a savepoint of it (pytest-django's `db`), rolled back after the test: every
    case starts from this same world, whatever the one before changed.
    """
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        world = build_world()
        world.initial = snapshot()
    yield world
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)


@pytest.fixture
def world(shared_world, db):
    # Undo works for seconds after a cue is logged: the running massage's cue was logged just now.
    CueEvent.objects.filter(pk=shared_world.fresh_cue.pk).update(created_at=timezone.now())
    return shared_world


SNAPSHOT_APPS = ("massage", "massage_sessions", "cues")
# Columns left out: logging in sets the last login, and `world` moves when a cue was logged.
SNAPSHOT_SKIPS = {"massage.User": {"last_login"}, "cues.CueEvent": {"created_at"}}


def _snapshot_queries():
    quote = connection.ops.quote_name
    for label in SNAPSHOT_APPS:
        for model in apps.get_app_config(label).get_models(include_auto_created=True):
            meta = model._meta
            skip = SNAPSHOT_SKIPS.get(meta.label, set())
            columns = [f.column for f in meta.concrete_fields if f.name not in skip]
            yield (
                meta.label,
                (
                    f"SELECT {', '.join(map(quote, columns))} FROM {quote(meta.db_table)} "
                    f"ORDER BY {quote(meta.pk.column)}"
                ),
            )


def snapshot():
    """Every row of every table of the project's apps (many-to-many ones too), to tell whether
    a request changed anything."""
    rows = {}
    with connection.cursor() as cursor:
        for label, sql in _snapshot_queries():
            cursor.execute(sql)
            rows[label] = cursor.fetchall()
    return rows


def _changed_tables(before, after):
    return sorted(label for label in before if before[label] != after[label])


# -- The tests -----------------------------------------------------------------------------------

CASES = [pytest.param(row, role, id=f"{row.id}-{role}") for row in ROWS for role in ROLES]


@pytest.mark.parametrize(("row", "role"), CASES)
def test_role_matrix(client, world, row, role):
    expected = row.expect[role]
    user = world.users[role]
    if user is not None:
        client.force_login(user)
    url = reverse(row.name, args=row.args(world))
    headers = JSON if row.json else {}
    if row.method == "get":
        response = client.get(url, **headers)
    elif row.json_body:
        body = json.dumps(row.data(world))
        response = client.post(url, body, content_type="application/json", **headers)
    else:
        response = client.post(url, row.data(world), **headers)
    status = response.status_code
    where = f"{row.method.upper()} {url} as {role}"

    # Where the app is known to be wrong (the row's known_bugs), what it answers is checked.
    answered = row.known_bugs[role][0] if role in row.known_bugs else expected
    if answered == LOGIN:
        assert status == 302, f"{where}: {status}, not sent to log in"
        to = urlsplit(response.url)
        assert to.path == reverse("account_login"), f"{where}: to {response.url}"
        assert parse_qs(to.query)["next"] == [url], f"{where}: to {response.url}"
    else:
        assert status in (answered, expected), f"{where}: {status}, expected {expected}"
        if status == 302:
            assert not response.url.startswith(reverse("account_login")), where
        if status == 401:
            assert "log in again" in response.json()["error"], where

    refused = answered == LOGIN or answered >= 400
    changed = _changed_tables(world.initial, snapshot())
    if refused or row.method == "get" or role in row.unchanged:
        assert changed == [], f"{where} changed {changed}"
    else:
        assert changed, f"{where} was let through but changed nothing"
    if refused and role in STRANGERS:
        body = b"".join(response) if response.streaming else response.content
        assert FAMILY_NAME.encode() not in body, f"{where} names the family"

    if role in row.known_bugs:
        assert status != expected, f"{where}: fixed, answers {expected}: take it out of known_bugs"
        pytest.xfail(f"known bug: {row.known_bugs[role][1]}")


URL_NAMES = project_url_names()
ROW_NAMES = {row.name for row in ROWS}


@pytest.mark.parametrize("name", URL_NAMES)
def test_every_url_has_a_row(name):
    assert name in ROW_NAMES, f"{name} has no row: add it to ROWS in tests/test_role_matrix.py"


def test_every_row_names_every_role_and_a_url_of_the_site():
    for row in ROWS:
        assert set(row.expect) == set(ROLES), row.id
        assert row.name in URL_NAMES, f"{row.id}: no such URL (left out of the walk?)"
        assert row.method in {"get", "post"}, row.id
        assert (row.data is None) == (row.method == "get"), row.id
    ids = [row.id for row in ROWS]
    assert len(ids) == len(set(ids)), "two rows with the same id: give one a label"


def test_the_roles_are_who_the_table_says(world):
    """Each role is who the table says it is, so no status is right for the wrong reason."""
    w = world
    users = w.users
    assert set(users) == set(ROLES)
    members = {m.user_id: m.role for m in Membership.objects.filter(family=w.family)}
    assert members == {users["parent"].pk: "parent", users["caregiver"].pk: "caregiver"}
    scopes = {
        link.instructor_id: link.scope
        for link in InstructorLink.objects.with_scope().filter(family=w.family)
    }
    assert scopes == {
        users["instructor_practice"].pk: "practice",
        users["instructor_cues"].pk: "practice_and_cues",
        users["instructor_everything"].pk: "everything",
        users["instructor_revoked"].pk: "revoked",
    }
    for role in INSTRUCTORS:
        assert users[role].is_instructor, role
    for role in NOT_INSTRUCTORS:
        assert not users[role].is_instructor, role
    assert users["staff"].is_staff and not Membership.objects.filter(user=users["staff"]).exists()
    assert not any(users[role].is_staff for role in ROLES if role not in ("anonymous", "staff"))
    assert _changed_tables(w.initial, snapshot()) == []  # each case starts from the same world
