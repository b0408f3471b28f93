import secrets
from datetime import time, timedelta

import factory
from allauth.account.models import EmailAddress
from django.utils import timezone

from cues.models import CueEvent
from massage.content import texts_by_language
from massage.models import Baby, Family, FocusTag, Membership, Routine, Step, User
from massage.services.library import next_step_order
from sessions.models import BabyState, MassageSession, Reminder, StepVisit

PASSWORD = "a-long-test-password"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    display_name = factory.Sequence(lambda n: f"User {n}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()

    @factory.post_generation
    def verified_email(obj, create, extracted, **kwargs):
        """The address is confirmed (log-in asks for that), unless `verified_email=False`."""
        if create and extracted is not False:
            EmailAddress.objects.create(user=obj, email=obj.email, primary=True, verified=True)


class FamilyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Family

    name = factory.Sequence(lambda n: f"Family {n}")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    family = factory.SubFactory(FamilyFactory)
    role = Membership.Role.PARENT


class BabyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Baby

    family = factory.SubFactory(FamilyFactory)
    name = factory.Sequence(lambda n: f"Baby {n}")
    birth_date = factory.LazyFunction(lambda: timezone.localdate() - timedelta(weeks=12))


class InstructorFactory(UserFactory):
    is_instructor = True


class RoutineFactory(factory.django.DjangoModelFactory):
    """A published library routine (no author) unless told otherwise."""

    class Meta:
        model = Routine
        skip_postgeneration_save = True

    slug = factory.Sequence(lambda n: f"routine-{n}")
    title = factory.Sequence(lambda n: f"Routine {n}")
    summary = "A calm routine for testing."
    min_age_months = 0
    max_age_months = 12
    uses_oil = False
    cautions = ""
    author = None
    published = True

    @factory.post_generation
    def focus(obj, create, extracted, **kwargs):
        """RoutineFactory(focus=["sleep"]) tags the routine (the tags exist from a migration)."""
        if create and extracted:
            obj.focus.set(FocusTag.objects.filter(slug__in=extracted))


class StepFactory(factory.django.DjangoModelFactory):
    """A timed step, numbered after the routine's last one."""

    class Meta:
        model = Step

    routine = factory.SubFactory(RoutineFactory)
    order = factory.LazyAttribute(lambda step: next_step_order(step.routine))
    body_area = "legs"
    stroke = factory.Sequence(lambda n: f"Stroke {n}")
    instruction = "Glide slowly from the thigh to the ankle."
    motion = "glide_toward_feet"
    seconds = 30
    repetitions = None
    seconds_per_repetition = None


class MassageSessionFactory(factory.django.DjangoModelFactory):
    """A running session of a routine with a baby, at the routine's first step.

    Give it a routine that already has its steps (the current step is read from it).
    """

    class Meta:
        model = MassageSession

    baby = factory.SubFactory(BabyFactory)
    routine = factory.SubFactory(RoutineFactory)
    routine_title = factory.LazyAttribute(lambda session: session.routine.title)
    routine_titles = factory.LazyAttribute(
        lambda session: texts_by_language(session.routine, "title") if session.routine else {}
    )
    started_by = None
    state_at_start = BabyState.QUIET_ALERT
    readiness = factory.LazyAttribute(
        lambda session: {
            "health": "well",
            "vaccination": "no",
            "skin": "clear",
            "feed": "over_30",
            "state": session.state_at_start,
        }
    )
    current_step = factory.LazyAttribute(
        lambda session: session.routine.steps.order_by("order").first()
    )


class StepVisitFactory(factory.django.DjangoModelFactory):
    """Time on a step of a session: the session's current step unless told otherwise."""

    class Meta:
        model = StepVisit

    session = factory.SubFactory(MassageSessionFactory)
    step = factory.LazyAttribute(lambda visit: visit.session.current_step)
    order = factory.LazyAttribute(lambda visit: visit.step.order)
    body_area = factory.LazyAttribute(lambda visit: visit.step.body_area)
    stroke = factory.LazyAttribute(lambda visit: visit.step.stroke)
    stroke_names = factory.LazyAttribute(lambda visit: texts_by_language(visit.step, "stroke"))
    seconds = 30


MOTION_FOR_AREA = {"tummy": "circle_clockwise", "chest": "outward", "face": "smile"}


def routine_with_areas(areas, **routine_fields):
    """A routine with one timed step per body area given, in that order."""
    routine = RoutineFactory(**routine_fields)
    for area in areas:
        StepFactory(
            routine=routine,
            body_area=area,
            motion=MOTION_FOR_AREA.get(area, "glide_toward_feet"),
            stroke=f"{area.title()} stroke {next_step_order(routine)}",
        )
    return routine


class CueEventFactory(factory.django.DjangoModelFactory):
    """A cue logged on the session's current step, a minute in."""

    class Meta:
        model = CueEvent

    session = factory.SubFactory(MassageSessionFactory)
    step = factory.LazyAttribute(lambda cue: cue.session.current_step)
    body_area = factory.LazyAttribute(lambda cue: cue.step.body_area if cue.step else "legs")
    stroke = factory.LazyAttribute(lambda cue: cue.step.stroke if cue.step else "Stroke")
    stroke_names = factory.LazyAttribute(
        lambda cue: texts_by_language(cue.step, "stroke") if cue.step else {}
    )
    kind = "smiling"
    seconds_into_session = 60
    at = factory.LazyAttribute(
        lambda cue: cue.session.started_at + timedelta(seconds=cue.seconds_into_session)
    )


class ReminderFactory(factory.django.DjangoModelFactory):
    """A reminder on Mondays and Thursdays at 18:00 in Europe/Berlin, on since long ago."""

    class Meta:
        model = Reminder

    user = factory.LazyAttribute(lambda reminder: reminder.family.memberships.first().user)
    family = factory.SubFactory(FamilyFactory)
    weekdays = (1 << 0) | (1 << 3)
    time = time(18, 0)
    time_zone = "Europe/Berlin"
    active_since = factory.LazyFunction(lambda: timezone.now() - timedelta(days=365))
    token = factory.Sequence(lambda n: f"reminder-token-{n:04d}-{secrets.token_urlsafe(16)}")
