"""Give the demo family four weeks of past massages with cues, so its history has something to show.

Only for the demo family (created by `seed_demo`), and only once: a baby that already has sessions
is left alone. The pattern is made up but plausible: legs and feet go down well, the tummy is
sometimes too much, and one evening ends early, led by the baby.
"""

import random
from datetime import datetime, time, timedelta

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from cues.models import CueEvent
from cues.services import baby_led_reason
from massage.models import Baby, Routine, User
from sessions.models import BabyState, MassageSession, Outcome, StepVisit

DEMO_FAMILY = "The Demo Family"
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


class Command(BaseCommand):
    help = "Add four weeks of demo massages with cues to the demo family (once)."

    @transaction.atomic
    def handle(self, *args, **options):
        parent = User.objects.filter(email="parent@example.com").first()
        babies = Baby.objects.filter(family__name=DEMO_FAMILY)
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
            count = _seed_baby(baby, routines, parent, random.Random(baby.pk))
            self.stdout.write(f"Demo history: {count} massages for {baby.name}.")


def _seed_baby(baby, routines, parent, rng) -> int:
    today = timezone.localdate()
    made = 0
    baby_led_day = DAYS // 3
    for days_ago in range(DAYS, 0, -1):
        baby_led = days_ago == baby_led_day
        if rng.random() < 0.3 and not baby_led:
            continue  # not every day
        routine = rng.choice(routines)
        if baby_led:
            with_tummy = [r for r in routines if any(s.body_area == "tummy" for s in r.steps.all())]
            routine = with_tummy[0] if with_tummy else routine
        day = today - timedelta(days=days_ago)
        started = timezone.make_aware(datetime.combine(day, time(18, rng.randint(0, 50))))
        _seed_session(baby, routine, parent, started, rng, baby_led=baby_led)
        made += 1
    return made


def _seed_session(baby, routine, parent, started, rng, baby_led):
    steps = list(routine.steps.all())
    session = MassageSession.objects.create(
        baby=baby,
        routine=routine,
        routine_title=routine.title,
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
    session.finish(outcome=outcome, reason=reason, at=session.last_activity_at)
