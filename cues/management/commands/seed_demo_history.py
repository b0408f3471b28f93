"""Give the demo families four or five weeks of past massages with cues, so the history, review
and instructor's pages have something to show.

Only for the demo families (created by `seed_demo`), and only once: a baby that already has
sessions is left alone. The patterns are made up but plausible, fixed and counted back from
today (the details come from a random generator seeded with the baby's name, so every run makes
the same weeks):

- The Demo Family massages most evenings; legs and feet go down well, the tummy is sometimes too
  much, and one evening ends early, led by the baby.
- The Okafors (sharing practice only) keep to the class's routine three or four mornings a week,
  and their baby enjoys it.
- The Bergs (sharing everything) massaged often, then their last three massages were baby-led
  ends at the tummy, and they have not massaged for nine days: the instructor's page flags both.
  They write a few notes.
"""

import random
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from cues.models import CueEvent
from cues.services import baby_led_reason
from massage.content import texts_by_language
from massage.management.commands.seed_demo import BERGS, DEMO_FAMILY, OKAFORS
from massage.models import Baby, Membership, Routine
from sessions.models import BabyState, MassageSession, Outcome, StepVisit

DAYS = 28
HAPPY = ["smiling", "eye_contact", "cooing", "smooth_movements", "looking_at_face"]
UNSETTLED = ["frowning", "squirming", "turning_away", "looking_away"]
# How likely a step on each area is to draw a happy or an unsettled cue.
AREA_MOOD = {
    "legs": (0.6, 0.05),
    "feet": (0.6, 0.05),
    "hands": (0.4, 0.05),
    "arms": (0.35, 0.1),
    "back": (0.3, 0.1),
    "chest": (0.2, 0.15),
    "face": (0.15, 0.3),
    "tummy": (0.1, 0.4),
    "whole_body": (0.3, 0.05),
}
READY = {
    "health": "well",
    "vaccination": "no",
    "skin": "clear",
    "feed": "over_30",
    "state": BabyState.QUIET_ALERT,
}


@dataclass(frozen=True)
class Plan:
    """How a family's last weeks went: the days it massaged (counted back from today), at what
    hour, the days its baby ended the massage, and the notes it wrote (by day)."""

    days_ago: tuple[int, ...]
    hour: int = 18
    baby_led: frozenset[int] = frozenset()
    routine: str = ""  # a library routine it keeps to; else any that fits the baby's age
    cheer: float = 0.0  # added to the chance of a happy cue on each step
    notes: dict[int, str] = field(default_factory=dict)


def _most_evenings(rng) -> Plan:
    """The Demo Family's four weeks: most days, and one baby-led end."""
    baby_led_day = DAYS // 3
    days = tuple(d for d in range(DAYS, 0, -1) if d == baby_led_day or rng.random() >= 0.3)
    return Plan(days_ago=days, baby_led=frozenset({baby_led_day}))


PLANS = {
    DEMO_FAMILY: _most_evenings,
    OKAFORS: lambda _rng: Plan(
        days_ago=(33, 31, 29, 26, 24, 22, 19, 17, 15, 12, 10, 8, 5, 3, 1),
        hour=10,
        routine="newborn-first-touch",
        cheer=0.2,
    ),
    BERGS: lambda _rng: Plan(
        days_ago=(34, 32, 30, 27, 25, 23, 20, 18, 16, 13, 11, 9),
        hour=19,
        baby_led=frozenset({13, 11, 9}),
        notes={
            30: "She loved the leg strokes tonight, lots of smiles.",
            20: "Tried a little oil on her feet; she kicked happily.",
            13: "She cried as soon as we got to her tummy, so we stopped and cuddled.",
            9: "The tummy was too much again. We'll wait a bit before trying.",
        },
    ),
}


class Command(BaseCommand):
    help = "Add a few weeks of demo massages with cues to the demo families (once)."

    @transaction.atomic
    def handle(self, *args, **options):
        babies = (
            Baby.objects.filter(family__name__in=PLANS)
            .select_related("family")
            .order_by("family__name", "pk")
        )
        if not babies:
            self.stdout.write("Demo history: there is no demo family yet (run seed_demo first).")
        for baby in babies:
            if baby.sessions.exists():
                self.stdout.write(f"Demo history: {baby.name} already has massages, left as is.")
                continue
            routines = [
                r
                for r in Routine.objects.filter(author=None, published=True).prefetch_related(
                    "steps"
                )
                if r.fits_age(baby.age_in_months())
            ]
            if not routines:
                self.stdout.write(f"Demo history: no library routine fits {baby.name}'s age.")
                continue
            rng = random.Random(f"{baby.family.name}: {baby.name}")
            plan = PLANS[baby.family.name](rng)
            parent = _first_parent(baby.family)
            count = _seed_baby(baby, plan, routines, parent, rng)
            self.stdout.write(f"Demo history: {count} massages for {baby.name}.")


def _first_parent(family):
    membership = (
        Membership.objects.filter(family=family, role=Membership.Role.PARENT)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    return membership.user if membership else None


def _seed_baby(baby, plan, routines, parent, rng) -> int:
    today = timezone.localdate()
    kept_to = [r for r in routines if r.slug == plan.routine]
    with_tummy = [r for r in routines if any(s.body_area == "tummy" for s in r.steps.all())]
    for days_ago in plan.days_ago:
        baby_led = days_ago in plan.baby_led
        routine = kept_to[0] if kept_to else rng.choice(routines)
        if baby_led and with_tummy and not kept_to:
            routine = with_tummy[0]
        day = today - timedelta(days=days_ago)
        started = timezone.make_aware(datetime.combine(day, time(plan.hour, rng.randint(0, 50))))
        _seed_session(
            baby,
            routine,
            parent,
            started,
            rng,
            baby_led=baby_led,
            cheer=plan.cheer,
            note=plan.notes.get(days_ago, ""),
        )
    return len(plan.days_ago)


def _seed_session(baby, routine, parent, started, rng, *, baby_led, cheer=0.0, note=""):
    steps = list(routine.steps.all())
    session = MassageSession.objects.create(
        baby=baby,
        routine=routine,
        routine_title=routine.title,
        routine_titles=texts_by_language(routine, "title"),
        started_by=parent,
        started_at=started,
        last_activity_at=started,
        state_at_start=BabyState.QUIET_ALERT,
        readiness=READY,
        current_step=steps[0],
    )
    clock = 3.0
    visits, cues = [], []
    outcome, reason = Outcome.COMPLETED, ""
    # The baby-led evening ends at the tummy, or a few steps in when the routine has none.
    stop_at = next((s for s in steps if s.body_area == "tummy"), steps[min(3, len(steps) - 1)])
    for step in steps:
        happy, unsettled = AREA_MOOD.get(step.body_area, (0.2, 0.1))
        happy += cheer
        skipped = step.optional and rng.random() < 0.3 and not (baby_led and step == stop_at)
        seconds = 0 if skipped else step.duration_seconds
        visits.append(
            StepVisit.of(
                session,
                step,
                seconds=seconds,
                skipped=skipped,
                started_at=started + timedelta(seconds=clock),
            )
        )
        if not skipped:
            roll = rng.random()
            kind = None
            if baby_led and step == stop_at:
                kind = "crying"
            elif roll < unsettled:
                kind = rng.choice(UNSETTLED)
            elif roll < unsettled + happy:
                kind = rng.choice(HAPPY)
            if kind:
                at = clock + rng.uniform(0, max(seconds, 1))
                moment = started + timedelta(seconds=at)
                cues.append(CueEvent.on_step(session, step, kind, moment, recorded_by=parent))
            if kind == "crying":
                outcome, reason = Outcome.BABY_LED_END, baby_led_reason(cues[-1])
                clock += seconds
                break
        clock += seconds
    StepVisit.objects.bulk_create(visits)
    CueEvent.objects.bulk_create(cues)
    session.last_activity_at = started + timedelta(seconds=clock)
    session.save(update_fields=["last_activity_at"])
    session.finish(outcome=outcome, reason=reason, note=note or None, at=session.last_activity_at)
