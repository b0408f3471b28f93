#!/usr/bin/env python
"""Time the pages that read a baby's whole history, on two years of daily massages.

Loads (once) a family whose baby has a massage every day for two years (730 sessions, a visit
per step, about 20,000 cues, a few of them taken back) into a database of its own, then fetches
each page several times with Django's test Client, logged in as the parent, and prints the
median and the slowest time, the number of SQL queries and the size of each answer.

    .venv/bin/python bench/history_and_export.py      # SQLite, test-artifacts/bench.sqlite3
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/gentle_hands_bench \\
        .venv/bin/python bench/history_and_export.py  # PostgreSQL (the database is created)

Options: --runs N (timed runs per page, default 7), --reload (build the data again),
--json FILE (also write the results as JSON). See bench/README.md.
"""

import argparse
import json
import logging
import os
import platform
import random
import statistics
import sys
import time
import warnings
from datetime import datetime, timedelta
from datetime import time as clock
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE = ROOT / "test-artifacts" / "bench.sqlite3"

DAYS = 730
TARGET_CUES = 20_000
UNDONE_EVERY = 50  # one cue in fifty is taken back (and must not be counted)
FAMILY_NAME = "Bench family"
PARENT_EMAIL = "bench-parent@example.com"
CAREGIVER_EMAIL = "bench-caregiver@example.com"
AREAS = ["legs", "feet", "tummy", "chest", "arms", "hands", "face", "back"]
MOTIONS = {"tummy": "circle_clockwise", "chest": "outward", "face": "smile"}


def set_up_django():
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{DEFAULT_DATABASE}")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
    DEFAULT_DATABASE.parent.mkdir(exist_ok=True)
    create_postgres_database(os.environ["DATABASE_URL"])
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)


def create_postgres_database(url):
    """CREATE DATABASE for a PostgreSQL URL whose database does not exist yet."""
    parts = urlsplit(url)
    if not parts.scheme.startswith("postgres"):
        return
    import psycopg
    from psycopg import sql

    name = parts.path.lstrip("/")
    server = parts._replace(path="/postgres").geturl()
    with psycopg.connect(server, autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if exists.fetchone() is None:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            print(f"Created the PostgreSQL database {name}.")


# The data ---------------------------------------------------------------------------------------


def find_or_load(reload=False):
    from cues.models import CueEvent
    from massage.models import Family

    family = Family.objects.filter(name=FAMILY_NAME).first()
    if family is not None and not reload:
        baby = family.babies.get()
        if baby.sessions.count() == DAYS and CueEvent.objects.filter(session__baby=baby).exists():
            return baby
    if family is not None:
        print("Removing the previous bench family…")
        family.delete()
    started = time.perf_counter()
    baby = load()
    print(f"Loaded the bench family in {time.perf_counter() - started:.1f} s.")
    return baby


def load():
    from django.db import transaction
    from django.utils import timezone

    from cues.models import CUES, CueEvent, Response, Valence
    from massage.content import texts_by_language
    from massage.models import Baby, Family, Membership, Routine, Step, User
    from sessions.models import BabyState, MassageSession, Outcome, StepVisit

    rng = random.Random(20240601)
    today = timezone.localdate()
    with transaction.atomic():
        parent = User.objects.filter(email=PARENT_EMAIL).first() or User.objects.create_user(
            PARENT_EMAIL, "bench-password", display_name="Bench parent"
        )
        caregiver = User.objects.filter(email=CAREGIVER_EMAIL).first() or User.objects.create_user(
            CAREGIVER_EMAIL, "bench-password", display_name="Bench grandparent"
        )
        family = Family.objects.create(name=FAMILY_NAME)
        Membership.objects.create(user=parent, family=family, role="parent")
        Membership.objects.create(user=caregiver, family=family, role="caregiver")
        baby = Baby.objects.create(
            family=family, name="Robin", birth_date=today - timedelta(days=DAYS + 20)
        )
        routine, _ = Routine.objects.get_or_create(
            slug="bench-routine",
            defaults={"title": "Bench routine", "summary": "Eight steps.", "published": True},
        )
        if not routine.steps.exists():
            Step.objects.bulk_create(
                Step(
                    routine=routine,
                    order=order,
                    body_area=area,
                    stroke=f"{area.title()} stroke",
                    instruction="Slowly.",
                    motion=MOTIONS.get(area, "glide_toward_feet"),
                    seconds=60,
                )
                for order, area in enumerate(AREAS, start=1)
            )
        steps = list(routine.steps.order_by("order"))

        outcomes = [Outcome.COMPLETED] * 14 + [Outcome.BABY_LED_END] * 4 + [Outcome.INTERRUPTED]
        sessions = []
        for day in range(DAYS, 0, -1):
            started_at = timezone.make_aware(
                datetime.combine(today - timedelta(days=day), clock(19, rng.randrange(60)))
            )
            outcome = rng.choice(outcomes)
            sessions.append(
                MassageSession(
                    baby=baby,
                    routine=routine,
                    routine_title=routine.title,
                    routine_titles=texts_by_language(routine, "title"),
                    started_by=parent if day % 3 else caregiver,
                    started_at=started_at,
                    last_activity_at=started_at + timedelta(minutes=10),
                    ended_at=started_at + timedelta(minutes=10),
                    state_at_start=BabyState.QUIET_ALERT,
                    readiness={"health": "well", "feed": "over_30", "state": "quiet_alert"},
                    outcome=outcome,
                    end_reason="Turned away and cried" if outcome == Outcome.BABY_LED_END else "",
                    note=f"Day {DAYS - day + 1}: calm, liked the legs." if day % 4 == 0 else "",
                    current_step=steps[-1],
                )
            )
        sessions = MassageSession.objects.bulk_create(sessions, batch_size=500)

        visits = []
        for session in sessions:
            for index, step in enumerate(steps):
                skipped = session.outcome != Outcome.COMPLETED and index >= 6
                visits.append(
                    StepVisit.of(
                        session,
                        step,
                        seconds=0 if skipped else rng.uniform(40, 75),
                        skipped=skipped,
                        started_at=session.started_at + timedelta(seconds=70 * index),
                    )
                )
        StepVisit.objects.bulk_create(visits, batch_size=2000)

        engaging = [kind for kind, info in CUES.items() if info.valence == Valence.ENGAGEMENT]
        disengaging = [kind for kind, info in CUES.items() if info.valence != Valence.ENGAGEMENT]
        per_session = [TARGET_CUES // DAYS] * DAYS
        for index in rng.sample(range(DAYS), TARGET_CUES - sum(per_session)):
            per_session[index] += 1
        cues = []
        for session, count in zip(sessions, per_session, strict=True):
            moments = sorted(rng.uniform(1, 560) for _ in range(count))
            for seconds in moments:
                step = steps[min(int(seconds // 70), len(steps) - 1)]
                kind = rng.choice(engaging if rng.random() < 0.7 else disengaging)
                cue = CueEvent.on_step(
                    session,
                    step,
                    kind,
                    session.started_at + timedelta(seconds=seconds),
                    recorded_by=parent if rng.random() < 0.8 else caregiver,
                    note="=so sweet" if rng.random() < 0.01 else "",
                    response=Response.COMFORT if kind == "crying" else "",
                    undone_at=timezone.now() if len(cues) % UNDONE_EVERY == 0 else None,
                )
                cues.append(cue)
        CueEvent.objects.bulk_create(cues, batch_size=2000)
    return baby


# The timing -------------------------------------------------------------------------------------


def pages(baby):
    from django.urls import reverse
    from django.utils import timezone

    from cues import exports

    busiest = max(
        baby.sessions.all()[:60], key=lambda session: session.cues.logged().count(), default=None
    )
    today = timezone.localdate()
    two_years = {"start": (today - timedelta(days=exports.REPORT_MAX_DAYS - 1)).isoformat()}
    return [
        ("baby history", reverse("cues:baby-history", args=[baby.pk]), {}),
        ("session review, busiest recent", reverse("cues:session-review", args=[busiest.pk]), {}),
        ("CSV export (whole stream)", reverse("cues:export-csv", args=[baby.family_id]), {}),
        ("JSON export", reverse("cues:export-json", args=[baby.family_id]), {}),
        ("report, last 4 weeks", reverse("cues:baby-report", args=[baby.pk]), {}),
        ("report, 2 years", reverse("cues:baby-report", args=[baby.pk]), two_years),
    ]


def fetch(client, url, params):
    response = client.get(url, params)
    if response.streaming:
        size = sum(len(chunk) for chunk in response.streaming_content)
    else:
        size = len(response.content)
    return response.status_code, size


def measure(client, url, params, runs):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:  # a first, untimed run: warms caches
        status, size = fetch(client, url, params)
    result = {"status": status, "queries": len(queries), "bytes": size}
    if status != 200:
        return result
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fetch(client, url, params)
        times.append((time.perf_counter() - started) * 1000)
    result |= {"median_ms": statistics.median(times), "max_ms": max(times), "runs": runs}
    return result


def describe_database():
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
            version = cursor.fetchone()[0]
        else:
            cursor.execute("select sqlite_version()")
            version = cursor.fetchone()[0]
    return f"{connection.vendor} {version}"


def counts(baby):
    from cues.models import CueEvent
    from sessions.models import StepVisit

    cues = CueEvent.objects.filter(session__baby=baby)
    return {
        "sessions": baby.sessions.count(),
        "visits": StepVisit.objects.filter(session__baby=baby).count(),
        "cues": cues.count(),
        "cues_logged": cues.logged().count(),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--reload", action="store_true", help="build the bench data again")
    parser.add_argument("--json", type=Path, help="also write the results to this file")
    args = parser.parse_args()

    warnings.filterwarnings("ignore", message="No directory at")
    set_up_django()
    # A page that fails is reported in the table; its traceback would only clutter the output.
    logging.getLogger("django.request").setLevel(logging.CRITICAL)
    import django
    from django.test import Client

    from massage.models import User

    baby = find_or_load(reload=args.reload)
    data = counts(baby)
    database = describe_database()
    print(
        f"{database}, Django {django.get_version()}, Python {platform.python_version()}, "
        f"{os.cpu_count()} CPUs"
    )
    print(
        f"{data['sessions']} sessions, {data['visits']} step visits, {data['cues']} cues "
        f"({data['cues'] - data['cues_logged']} taken back); {args.runs} timed runs per page\n"
    )
    client = Client()
    client.force_login(User.objects.get(email=PARENT_EMAIL))
    results = []
    print("| page | status | queries | size | median | max |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for name, url, params in pages(baby):
        try:
            result = measure(client, url, params, args.runs)
        except Exception as error:  # a page still being built must not stop the others
            result = {"status": "error", "error": f"{type(error).__name__}: {error}"}
        results.append({"page": name, "url": url, "params": params} | result)
        if "median_ms" in result:
            print(
                f"| {name} | {result['status']} | {result['queries']} | "
                f"{result['bytes'] / 1024:,.0f} KiB | {result['median_ms']:,.0f} ms | "
                f"{result['max_ms']:,.0f} ms |"
            )
        else:
            note = result.get("error") or f"{result['status']}: not available yet"
            print(f"| {name} | {note} | | | | |")
    if args.json:
        args.json.write_text(
            json.dumps({"database": database, "data": data, "results": results}, indent=2)
        )


if __name__ == "__main__":
    main()
