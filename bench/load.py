#!/usr/bin/env python
"""The load benchmark (`make bench`): the key pages under gunicorn and wrk, at 1x and 10x data.

For each scale it seeds a SQLite database of its own (bench/.data/load-<N>x.sqlite3, kept for
the next run), starts gunicorn with the production settings (bench/settings.py: massage.settings
plus one bench-only page) on 127.0.0.1, and a bare Django project (bench/bare_settings.py) with
the same flags, and drives each key request with wrk (bench/wrk.lua). In one run it reports per
request: req/s, p50/p95/p99 latency, the gunicorn workers' CPU ms per request, SQL queries per
request, and the ratio to two references run before and after the pages: the bare project's
"ok" and the site's own minimal logged-in request (`bench/ok/`). Then the tables as Markdown,
1x and 10x side by side.

    .venv/bin/python bench/load.py                  # both scales, 8 s per request
    BENCH_DURATION=30 .venv/bin/python bench/load.py --scales 1
    .venv/bin/python bench/load.py --reseed --json bench/.data/load.json

Details and results: docs/PERFORMANCE.md, bench/README.md.
"""

import argparse
import json
import os
import platform
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from datetime import datetime, timedelta
from datetime import time as clock
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
DATA = BENCH / ".data"
LUA = BENCH / "wrk.lua"
BARE_PORT, SITE_PORT = 8401, 8402
WORKERS = 2
# What 1x is; 10x multiplies each of these, except the babies with two years of daily history:
# 3x at most (30 at 10x), or seeding 10x would take over ten minutes. A baby's own history
# stays two years at every scale.
FAMILIES = 300
TWO_YEAR_BABIES = 10
LINKED_FAMILIES = 200
FAMILIES_PER_CLASS = 50
RECORDING_FAMILIES = 40  # running massages the player, cue and progress requests go to
DAYS = 730
CUES_PER_LONG_SESSION = 15
CUES_PER_SHORT_SESSION = 10
PASSWORD = "bench-load-password"
MARKER = "Load bench: seeded"
PARENT_EMAIL = "load-parent-0@example.com"
INSTRUCTOR_EMAIL = "load-instructor@example.com"
ROUTINE = "full-routine"

# The key requests, in the order they run (the references go before and after them).
PAGES = [
    ("log-in page", "login"),
    ("Today", "today"),
    ("library", "library"),
    ("routine detail", "routine"),
    ("player page", "player"),
    ("cue POST", "cue"),
    ("progress POST", "progress"),
    ("session review", "review"),
    ("baby history", "history"),
    ("CSV export", "csv"),
    ("instructor dashboard", "dashboard"),
]


# Seeding and the request list: run in a child process with Django set up on one scale's db ----


def django_env(scale):
    return dict(
        os.environ,
        DJANGO_SETTINGS_MODULE="bench.settings",
        DATABASE_URL=f"sqlite:///{DATA / f'load-{scale}x.sqlite3'}",
        PYTHONPATH=str(ROOT),
    )


def prepare(scale, reseed, out):
    """Migrate, seed (once), collect static files, log the users in and write the requests."""
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    from massage.models import Family

    call_command("migrate", interactive=False, verbosity=0)
    call_command("load_library", verbosity=0)
    if reseed or not Family.objects.filter(name=MARKER).exists():
        if Family.objects.exists():
            raise SystemExit(f"{DATA}: remove the old load-{scale}x database to seed it again.")
        started = time.perf_counter()
        seed(scale)
        print(f"  seeded {scale}x in {time.perf_counter() - started:.0f} s", flush=True)
    out.write_text(json.dumps(requests_for(scale), indent=1))


def seed(scale):
    from django.contrib.auth.hashers import make_password
    from django.db import transaction
    from django.utils import timezone

    from cues.models import CUES, CueEvent, Valence
    from massage.content import texts_by_language
    from massage.models import (
        Assignment,
        Baby,
        Consent,
        Family,
        InstructorLink,
        InstructorProfile,
        Membership,
        Routine,
        Scope,
        TeachingClass,
        User,
    )
    from sessions.models import BabyState, MassageSession, Outcome, StepVisit

    rng = random.Random(20260601 + scale)
    today = timezone.localdate()
    now = timezone.now()
    password = make_password(PASSWORD)  # hashed once: 3,000 hashes would take minutes
    routine = Routine.objects.get(slug=ROUTINE, author=None)
    steps = list(routine.steps.order_by("order"))
    engaging = [kind for kind, info in CUES.items() if info.valence == Valence.ENGAGEMENT]
    disengaging = [kind for kind, info in CUES.items() if info.valence != Valence.ENGAGEMENT]
    outcomes = [Outcome.COMPLETED] * 14 + [Outcome.BABY_LED_END] * 4 + [Outcome.INTERRUPTED]
    families_count = FAMILIES * scale
    long_babies = TWO_YEAR_BABIES * min(scale, 3)

    with transaction.atomic():
        families = Family.objects.bulk_create(
            Family(name=f"Load family {index}") for index in range(families_count)
        )
        users, memberships = [], []
        for index in range(families_count):
            users.append(
                User(
                    email=f"load-parent-{index}@example.com",
                    display_name=f"Parent {index}",
                    password=password,
                )
            )
            if index % 5 < 2:
                users.append(
                    User(
                        email=f"load-caregiver-{index}@example.com",
                        display_name=f"Grandparent {index}",
                        password=password,
                    )
                )
        users = User.objects.bulk_create(users, batch_size=1000)
        by_email = {user.email: user for user in users}
        parents = []
        for index, family in enumerate(families):
            parent = by_email[f"load-parent-{index}@example.com"]
            parents.append(parent)
            memberships.append(Membership(user=parent, family=family, role="parent"))
            caregiver = by_email.get(f"load-caregiver-{index}@example.com")
            if caregiver:
                memberships.append(Membership(user=caregiver, family=family, role="caregiver"))
        Membership.objects.bulk_create(memberships, batch_size=1000)

        babies = []
        for index, family in enumerate(families):
            if index < long_babies:
                born = today - timedelta(days=DAYS + 20)
            else:
                born = today - timedelta(days=rng.randrange(14, 400))
            babies.append(Baby(family=family, name=f"Baby {index}", birth_date=born))
            if index % 4 == 3:
                babies.append(Baby(family=family, name=f"Twin {index}", birth_date=born))
        babies = Baby.objects.bulk_create(babies, batch_size=1000)
        parent_of = {family.pk: parents[index] for index, family in enumerate(families)}

        def days_for(index, baby):
            if index < long_babies and baby.name.startswith("Baby"):
                return list(range(DAYS, 0, -1))
            weeks = rng.randrange(0, 7)
            return sorted(rng.sample(range(1, weeks * 7 + 1), weeks * 3), reverse=True)

        sessions = []
        for index, baby in enumerate(babies):
            family_index = int(baby.name.split()[1])
            for day in days_for(family_index, baby):
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
                        started_by=parent_of[baby.family_id],
                        started_at=started_at,
                        last_activity_at=started_at + timedelta(minutes=10),
                        ended_at=started_at + timedelta(minutes=10),
                        state_at_start=BabyState.QUIET_ALERT,
                        readiness={"health": "well", "feed": "over_30", "state": "quiet_alert"},
                        outcome=outcome,
                        end_reason="Turned away" if outcome == Outcome.BABY_LED_END else "",
                        note="Calm, liked the legs." if index % 4 == 0 else "",
                        current_step=steps[-1],
                    )
                )
        print(f"  {len(sessions):,} sessions…", flush=True)
        for start in range(0, len(sessions), 20_000):
            chunk = MassageSession.objects.bulk_create(sessions[start : start + 20_000])
            visits, cues = [], []
            for session in chunk:
                long = session.baby.birth_date < today - timedelta(days=DAYS)
                count = CUES_PER_LONG_SESSION if long else CUES_PER_SHORT_SESSION
                for position, step in enumerate(steps):
                    skipped = session.outcome != Outcome.COMPLETED and position >= len(steps) - 2
                    visits.append(
                        StepVisit.of(
                            session,
                            step,
                            seconds=0 if skipped else rng.uniform(40, 75),
                            skipped=skipped,
                            started_at=session.started_at + timedelta(seconds=70 * position),
                        )
                    )
                for seconds in sorted(rng.uniform(1, 70 * len(steps)) for _ in range(count)):
                    step = steps[min(int(seconds // 70), len(steps) - 1)]
                    kind = rng.choice(engaging if rng.random() < 0.7 else disengaging)
                    cues.append(
                        CueEvent.on_step(
                            session,
                            step,
                            kind,
                            session.started_at + timedelta(seconds=seconds),
                            recorded_by=session.started_by,
                            undone_at=now if rng.random() < 0.02 else None,
                        )
                    )
            StepVisit.objects.bulk_create(visits, batch_size=5000)
            CueEvent.objects.bulk_create(cues, batch_size=5000)
            print(f"  … {start + len(chunk):,} sessions, with visits and cues", flush=True)

        instructor = User.objects.create_user(
            INSTRUCTOR_EMAIL, PASSWORD, display_name="Ines Load", is_instructor=True
        )
        InstructorProfile.objects.create(user=instructor, practice_name="Load Bench Massage")
        linked = families[: LINKED_FAMILIES * scale]
        links = InstructorLink.objects.bulk_create(
            InstructorLink(instructor=instructor, family=family) for family in linked
        )
        # Mixed consent: most share practice and cues; some practice only, some everything,
        # some have stopped (the first family, the measured one, shares cues).
        scopes = [Scope.CUES] * 4 + [Scope.PRACTICE] * 3 + [Scope.EVERYTHING] * 2 + [Scope.REVOKED]
        Consent.objects.bulk_create(
            Consent(
                link=link,
                scope=Scope.CUES if index == 0 else scopes[index % len(scopes)],
                changed_by=parent_of[link.family_id],
                changed_at=now - timedelta(days=rng.randrange(1, 60)),
            )
            for index, link in enumerate(links)
        )
        monday = today - timedelta(days=today.weekday())
        for number, start in enumerate(range(0, len(links), FAMILIES_PER_CLASS)):
            teaching_class = TeachingClass.objects.create(
                instructor=instructor,
                name=f"Class {number + 1}",
                starts_on=today - timedelta(weeks=2),
                meets_on=number % 7,
            )
            teaching_class.links.add(*links[start : start + FAMILIES_PER_CLASS])
            Assignment.objects.create(
                instructor=instructor,
                routine=routine,
                teaching_class=teaching_class,
                note="Three times a week, and stop when your baby turns away.",
                times_per_week=3,
                starts_on=monday,
            )
        Family.objects.create(name=MARKER)


def requests_for(scale):
    """Logged-in cookies, running massages, the URL of each request and its SQL queries."""
    from django.conf import settings
    from django.db import connection
    from django.middleware.csrf import _get_new_csrf_string
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse
    from django.utils import timezone

    from cues.models import CueEvent
    from massage.models import Baby, Family, Routine, User
    from sessions import services
    from sessions.models import MassageSession, Outcome

    csrf = _get_new_csrf_string()

    def cookie_for(user):
        client = Client()
        client.force_login(user)
        session = client.cookies[settings.SESSION_COOKIE_NAME].value
        return f"{settings.SESSION_COOKIE_NAME}={session}; {settings.CSRF_COOKIE_NAME}={csrf}"

    parent = User.objects.get(email=PARENT_EMAIL)
    instructor = User.objects.get(email=INSTRUCTOR_EMAIL)
    baby = Baby.objects.filter(family__memberships__user=parent).order_by("pk").first()
    family = baby.family
    review = baby.sessions.filter(cues__isnull=False).order_by("-started_at").distinct().first()
    routine = Routine.objects.get(slug=ROUTINE, author=None)
    steps = list(routine.steps.order_by("order"))

    # Running massages in other families (the linked ones are left alone: the measured family's
    # Today and the dashboard stay as seeded), each with its parent's own login.
    recording = []
    first = LINKED_FAMILIES * scale
    others = Family.objects.exclude(name=MARKER).order_by("pk")
    for other in others[first : first + RECORDING_FAMILIES]:
        other_baby = other.babies.order_by("pk").first()
        user = other.memberships.get(role="parent").user
        MassageSession.objects.filter(baby=other_baby, ended_at__isnull=True).update(
            ended_at=timezone.now(), outcome=Outcome.INTERRUPTED
        )
        running = services.session_start(
            baby=other_baby,
            routine=routine,
            user=user,
            answers={"state": "quiet_alert", "health": "well"},
            excluded_step_ids=[],
        )
        recording.append((running, cookie_for(user)))
    step = steps[0].pk
    visits = json.dumps({str(step): [12.5, False]})
    cue_body = f"client_id={{uuid}}&kind={{kind}}&step={step}"
    progress_body = f"seq={{seq}}&step={step}&elapsed=12.5&visits=" + urlencode({"v": visits})[2:]

    parent_cookie, instructor_cookie = cookie_for(parent), cookie_for(instructor)

    def one(method, path, cookie, body=""):
        return [[method, path, cookie, body, 0]]

    player = [
        ["GET", reverse("sessions:session-player", args=[s.pk]), c, "", 0] for s, c in recording
    ]
    cues = [["POST", reverse("cues:cue-create", args=[s.pk]), c, cue_body, 0] for s, c in recording]
    progress = [
        ["POST", reverse("sessions:session-progress", args=[s.pk]), c, progress_body, 0]
        for s, c in recording
    ]
    targets = {
        "ok": one("GET", reverse("bench-ok"), parent_cookie),
        "login": one("GET", reverse("account_login"), ""),
        "today": one("GET", reverse("today"), parent_cookie),
        "library": one("GET", reverse("massage:routine-list"), parent_cookie),
        "routine": one("GET", reverse("massage:routine-detail", args=[ROUTINE]), parent_cookie),
        "player": player,
        "cue": cues,
        "progress": progress,
        "review": one("GET", reverse("cues:session-review", args=[review.pk]), parent_cookie),
        "history": one("GET", reverse("cues:baby-history", args=[baby.pk]), parent_cookie),
        "csv": one("GET", reverse("cues:export-csv", args=[family.pk]), parent_cookie),
        "dashboard": one("GET", reverse("cues:teaching-dashboard"), instructor_cookie),
    }

    # Queries per request, with the test client against the same database: the second of two
    # requests (the first fills the per-process caches, as a warm worker has them).
    queries = {}
    for name, lines in targets.items():
        method, path, cookie, body, _ = lines[0]
        client = Client()
        for part in cookie.split("; ") if cookie else []:
            key, value = part.split("=", 1)
            client.cookies[key] = value
        counts = []
        for _ in range(2):
            filled = body.replace("{uuid}", str(uuid.uuid4())).replace("{kind}", "smiling")
            filled = filled.replace("{seq}", str(len(counts) + 1))
            with CaptureQueriesContext(connection) as captured:
                if method == "GET":
                    response = client.get(path, secure=True)
                    if response.streaming:
                        b"".join(response.streaming_content)
                else:
                    response = client.post(
                        path,
                        filled,
                        content_type="application/x-www-form-urlencoded",
                        secure=True,
                        headers={"accept": "application/json"},
                    )
            counts.append(len(captured))
        queries[name] = {"queries": counts[-1], "status": response.status_code}
    # The progress numbers the database has now, so wrk's first post of each massage is newer.
    seqs = dict(
        MassageSession.objects.filter(pk__in=[s.pk for s, _ in recording]).values_list(
            "pk", "progress_seq"
        )
    )
    for line, (running, _) in zip(progress, recording, strict=True):
        line[4] = seqs[running.pk]
    return {
        "targets": targets,
        "queries": queries,
        "csrf": csrf,
        "data": {
            "families": Family.objects.exclude(name=MARKER).count(),
            "babies": Baby.objects.count(),
            "sessions": MassageSession.objects.count(),
            "cues": CueEvent.objects.count(),
            "linked_families": instructor.teaching_links.count(),
            "history_sessions": baby.sessions.count(),
        },
    }


# Running gunicorn and wrk --------------------------------------------------------------------


def ensure_wrk():
    if shutil.which("wrk"):
        return
    if os.geteuid() == 0 and shutil.which("apt-get"):
        print("wrk is missing: installing Debian's package (apt-get install -y wrk)…", flush=True)
        subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], check=False)
        if shutil.which("wrk"):
            return
    raise SystemExit(
        "The benchmark needs wrk, the HTTP load tool. Install it with "
        "`sudo apt-get install wrk` (Debian and Ubuntu), or `brew install wrk`, then run again."
    )


def start_gunicorn(app, port, env):
    command = [
        str(ROOT / ".venv" / "bin" / "gunicorn"),
        app,
        f"--bind=127.0.0.1:{port}",
        f"--workers={WORKERS}",
        "--worker-class=sync",
        "--log-level=warning",
        "--timeout=60",
        # Other gunicorns may run on this machine: none shares the one control socket per user.
        "--no-control-socket",
    ]
    server = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)
    opener = urllib.request.build_opener(NoRedirect)
    for _ in range(300):
        if server.poll() is not None:
            raise SystemExit(f"gunicorn for {app} stopped at start (code {server.returncode}).")
        try:
            opener.open(f"http://127.0.0.1:{port}/bench/ok/", timeout=1).read()
        except urllib.error.HTTPError:
            break  # it answers (the site redirects to HTTPS or to log in)
        except OSError:
            time.sleep(0.1)
            continue
        break
    else:
        stop(server)
        raise SystemExit(f"gunicorn for {app} did not answer on port {port}.")
    return server


def stop(server):
    if server.poll() is None:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def workers_of(server):
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == server.pid:
                pids.append(int(entry.name))
    return pids


def cpu_seconds(pids):
    """User plus system CPU time of these processes, from /proc/<pid>/stat."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # a worker that has gone (restarted) adds nothing
        total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15)
    return total / ticks


def smoke(port, lines, csrf):
    """One request of each kind, by urllib, before wrk: it must answer as expected."""
    method, path, cookie, body, seq = lines[0]
    data = None
    headers = {"X-Forwarded-Proto": "https", "Cookie": cookie}
    if method == "POST":
        body = body.replace("{uuid}", str(uuid.uuid4())).replace("{kind}", "smiling")
        data = body.replace("{seq}", str(seq + 1)).encode()
        headers |= {
            "Content-Type": "application/x-www-form-urlencoded",
            "Accept": "application/json",
            "X-CSRFToken": csrf,
            "Origin": f"https://127.0.0.1:{port}",
        }
        lines[0][4] = seq + 1
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}", data=data, headers=headers, method=method
    )
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(request, timeout=60) as response:
            response.read()
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def run_wrk(port, lines, csrf, seconds, args, server):
    with tempfile.TemporaryDirectory() as folder:
        spec, out = Path(folder) / "spec.tsv", Path(folder) / "out.json"
        spec.write_text("".join("\t".join(str(field) for field in line) + "\n" for line in lines))
        env = dict(
            os.environ,
            BENCH_SPEC=str(spec),
            BENCH_OUT=str(out),
            BENCH_CSRF=csrf,
            BENCH_ORIGIN=f"https://127.0.0.1:{port}",
            BENCH_THREADS=str(args.threads),
        )
        command = [
            "wrk",
            f"-t{args.threads}",
            f"-c{args.connections}",
            f"-d{seconds}s",
            "--timeout=30s",
            "--latency",
            f"-s{LUA}",
            f"http://127.0.0.1:{port}",
        ]
        pids = workers_of(server)
        before = cpu_seconds(pids)
        subprocess.run(command, env=env, check=True, stdout=subprocess.DEVNULL)
        cpu = cpu_seconds(pids) - before
        result = json.loads(out.read_text())
    # POSTs move their lines on: the next run continues the progress numbers.
    if lines and lines[0][0] == "POST":
        for line in lines:  # no line got more than all the requests
            line[4] += result["requests"] + 1
    result["rps"] = result["requests"] / (result["duration_us"] / 1e6)
    result["cpu_ms"] = cpu * 1000 / max(result["requests"], 1)
    result["errors"] = sum(
        result[key] for key in ("connect_errors", "read_errors", "write_errors", "timeouts")
    )
    return result


def bench_scale(scale, args):
    print(f"\n{scale}x data: preparing the database…", flush=True)
    targets_file = DATA / f"load-{scale}x-requests.json"
    command = [sys.executable, str(Path(__file__)), "--prepare", str(scale)]
    if args.reseed:
        command.append("--reseed")
    subprocess.run([*command, "--out", str(targets_file)], env=django_env(scale), check=True)
    prepared = json.loads(targets_file.read_text())
    targets, csrf = prepared["targets"], prepared["csrf"]

    bare_env = dict(os.environ, DJANGO_SETTINGS_MODULE="bench.bare_settings", PYTHONPATH=str(ROOT))
    bare = start_gunicorn("django.core.wsgi:get_wsgi_application()", BARE_PORT, bare_env)
    site = start_gunicorn("massage.wsgi:application", SITE_PORT, django_env(scale))
    bare_line = [["GET", "/bench/ok/", "", "", 0]]
    plan = [("bare", "bare Django ok", bare, BARE_PORT, bare_line)]
    plan += [("ok", "minimal logged-in ok", site, SITE_PORT, targets["ok"])]
    plan += [(key, name, site, SITE_PORT, targets[key]) for name, key in PAGES]
    plan += [("ok", "minimal logged-in ok (after)", site, SITE_PORT, targets["ok"])]
    plan += [("bare", "bare Django ok (after)", bare, BARE_PORT, bare_line)]
    rows = []
    try:
        for key, name, server, port, lines in plan:
            status = smoke(port, lines, csrf)
            if status >= 300 or (key == "login" and status != 200):
                print(f"  {name}: answered {status}, not measured", flush=True)
                rows.append({"key": key, "name": name, "status": status})
                continue
            run_wrk(port, lines, csrf, 1, args, server)  # warm-up, not counted
            result = run_wrk(port, lines, csrf, args.duration, args, server)
            result |= {"key": key, "name": name, "status": status}
            result |= prepared["queries"].get(key, {"queries": 0}) if key != "bare" else {}
            rows.append(result)
            if not result["requests"]:
                print(f"  {name}: none finished in {args.duration} s", flush=True)
                continue
            print(
                f"  {name}: {result['rps']:.0f} req/s, p50 {result['p50_us'] / 1000:.1f} ms, "
                f"{result['cpu_ms']:.1f} CPU ms/req, {result['bad_status']} bad status, "
                f"{result['errors']} errors",
                flush=True,
            )
    finally:
        stop(site)
        stop(bare)
    return {"scale": scale, "data": prepared["data"], "rows": rows}


# The tables ----------------------------------------------------------------------------------


def references(rows):
    def mean(key):
        found = [row for row in rows if row["key"] == key and "rps" in row]
        if not found:
            return None
        return {
            "rps": sum(row["rps"] for row in found) / len(found),
            "cpu_ms": sum(row["cpu_ms"] for row in found) / len(found),
        }

    return mean("bare"), mean("ok")


NOTHING = "—"  # a cell with no number to give: nothing was measured or nothing finished


def cells(row, bare, ok):
    queries = str(row.get("queries", "")) if row["key"] != "bare" else "0"
    if "rps" not in row:
        return [f"answered {row.get('status')}, not measured", "", "", "", NOTHING, queries]
    if not row["requests"]:
        # No request finished within the run: a rate or a ratio would be a made-up number.
        # With no request to share it, the CPU column is the workers' whole time in the run.
        waited = f"none finished in {row['duration_us'] / 1e6:.0f} s"
        if row["timeouts"]:
            waited += f" ({row['timeouts']} timed out)"
        return [waited, "", "", "", f"{row['cpu_ms']:,.0f} in all", queries, NOTHING, NOTHING]
    slow_bare = f"{bare['rps'] / row['rps']:.1f}x" if bare else ""
    slow_ok = f"{ok['rps'] / row['rps']:.1f}x" if ok else ""
    bad = row["bad_status"] + row["errors"]
    return [
        # A slow page's few requests a second keep a decimal: "0" would read as none.
        (f"{row['rps']:.1f}" if row["rps"] < 10 else f"{row['rps']:,.0f}")
        + (f" ({bad} failed)" if bad else ""),
        f"{row['p50_us'] / 1000:.1f}",
        f"{row['p95_us'] / 1000:.1f}",
        f"{row['p99_us'] / 1000:.1f}",
        f"{row['cpu_ms']:.1f}",
        queries,
        slow_bare,
        slow_ok,
    ]


def compact_table(results):
    """The same, narrower: req/s, p95, CPU ms and the ratios, the scales side by side."""
    columns = ["request", "queries"]
    for result in results:
        s = result["scale"]
        columns += [f"req/s {s}x", f"p50/p95/p99 ms {s}x", f"CPU ms {s}x", f"x bare {s}x"]
        columns += [f"x ok {s}x"]
    lines = ["| " + " | ".join(columns) + " |", "| --- |" + " ---: |" * (len(columns) - 1)]
    refs = [references(result["rows"]) for result in results]
    for index, row in enumerate(results[0]["rows"]):
        queries = " / ".join(str(result["rows"][index].get("queries", "-")) for result in results)
        line = [row["name"], queries if row["key"] != "bare" else "0"]
        for result, (bare, ok) in zip(results, refs, strict=True):
            c = cells(result["rows"][index], bare, ok)
            c += [NOTHING] * (8 - len(c))
            line += [c[0], f"{c[1]} / {c[2]} / {c[3]}" if c[1] else NOTHING, c[4], c[6], c[7]]
        lines.append("| " + " | ".join(line) + " |")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scales", default=os.environ.get("BENCH_SCALES", "1,10"))
    parser.add_argument(
        "--duration",
        type=int,
        default=int(os.environ.get("BENCH_DURATION", "8")),
        help="seconds of wrk per request (BENCH_DURATION; default 8)",
    )
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--reseed", action="store_true", help="seed the databases again")
    parser.add_argument("--json", type=Path, help="also write the results to this file")
    parser.add_argument("--prepare", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.prepare:
        prepare(args.prepare, args.reseed, args.out)
        return

    ensure_wrk()
    DATA.mkdir(exist_ok=True)
    if args.reseed:
        for old in DATA.glob("load-*x.sqlite3*"):
            old.unlink()
    print("Collecting static files for the production settings…", flush=True)
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity=0"],
        cwd=ROOT,
        env=django_env(int(args.scales.split(",")[0])),
        check=True,
    )
    started = time.time()
    results = [bench_scale(int(scale), args) for scale in args.scales.split(",")]
    load = os.getloadavg()
    print(
        f"\nwrk -t{args.threads} -c{args.connections} -d{args.duration}s per request; gunicorn "
        f"{WORKERS} sync workers; {os.cpu_count()} CPUs; Python {platform.python_version()}; "
        f"{time.time() - started:.0f} s in all; load average {load[0]:.1f} {load[1]:.1f}"
    )
    for result in results:
        data = result["data"]
        print(
            f"{result['scale']}x: {data['families']:,} families, {data['babies']:,} babies, "
            f"{data['sessions']:,} massages, {data['cues']:,} cues; the instructor has "
            f"{data['linked_families']:,} linked families; the measured baby has "
            f"{data['history_sessions']:,} massages"
        )
    print("\n" + compact_table(results) + "\n")
    print(
        "x bare, x ok: how many times fewer requests per second than the bare Django project "
        "and than the site's minimal logged-in request (each the mean of its runs before and "
        "after the pages). queries: 1x / 10x."
    )
    if args.json:
        args.json.write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
