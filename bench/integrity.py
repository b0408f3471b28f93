#!/usr/bin/env python
"""Integrity under load (`make bench-integrity`): many parents at once, every cue stored once.

For each database (SQLite in WAL mode, then PostgreSQL) it seeds a database of its own with 50
families (a parent and a four-month-old baby each), serves the site with gunicorn (4 sync
workers, the production settings of bench/settings.py) on 127.0.0.1, and runs locust headless
with one simulated parent per family for 60 s (bench/integrity_locustfile.py): start a massage
through the readiness page, open the player, post progress and cues with fresh client ids,
send some cues again or twice at once, undo some, finish, start again.

Then it counts, in the database, the cue rows of the massages started during the run, and
compares them with what the server acknowledged to the parents. The run fails (exit 1) on any
5xx or request without an answer, any other unexpected status, or when the rows and the
acknowledgements differ in any way (count, ids, undos, a cue stored twice).

    .venv/bin/python bench/integrity.py                        # both databases, 60 s each
    INTEGRITY_SECONDS=10 .venv/bin/python bench/integrity.py   # a quick check
    .venv/bin/python bench/integrity.py --databases sqlite --users 20 --json out.json

Details and results: docs/PERFORMANCE.md ("Integrity under load"), bench/README.md.
"""

import argparse
import json
import os
import platform
import subprocess
import sys
import time
import urllib.error
import urllib.request
from datetime import timedelta
from pathlib import Path

# The gunicorn helpers of the load benchmark, beside this file (bench/ is on the path when it runs).
from load import NoRedirect, cpu_seconds, stop, workers_of

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
DATA = BENCH / ".data"
LOCUSTFILE = BENCH / "integrity_locustfile.py"
PORT = 8431
# bench/settings.py wants "bench" in the database's name, so it never runs on a real one.
DATABASES = {
    "sqlite": f"sqlite:///{DATA / 'integrity.sqlite3'}",
    "postgres": os.environ.get(
        "INTEGRITY_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/gh_integrity_bench"
    ),
}
FAMILY_PREFIX = "Integrity family "
# Routines for a baby of four months, taken in turn by the families.
ROUTINES = ["full-routine", "tummy-comfort", "face-and-chest-stuffy-nose"]
EXPECTED = {
    "readiness page": {200},
    "start massage": {302},
    "player": {200},
    "progress POST": {204},
    "cue POST": {200, 201},
    "cue POST, double": {200, 201},
    "cue POST, sent again": {200},
    "undo": {200},
    "finish": {302},
}


def django_env(database, sqlite_mode=None):
    env = dict(
        os.environ,
        DJANGO_SETTINGS_MODULE="bench.settings",
        DATABASE_URL=DATABASES[database],
        PYTHONPATH=str(ROOT),
    )
    if sqlite_mode and database == "sqlite":
        env |= {
            "DJANGO_SETTINGS_MODULE": "bench.integrity_settings",
            "INTEGRITY_SQLITE_MODE": sqlite_mode,
        }
    return env


# In a child process with Django set up on one database ----------------------------------------


def create_postgres_database(url):
    """Create the bench's PostgreSQL database when it is missing (never any other)."""
    from urllib.parse import urlsplit

    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    try:
        with psycopg.connect(admin, autocommit=True, connect_timeout=5) as connection:
            found = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            if found.fetchone() is None:
                connection.execute(f'CREATE DATABASE "{name}"')
    except psycopg.OperationalError as error:
        raise SystemExit(
            f"PostgreSQL is not reachable at {parts.hostname}:{parts.port or 5432} ({error}).\n"
            "Start it, point INTEGRITY_POSTGRES_URL at one, or run with --databases sqlite."
        ) from error


def prepare(database, users, out):
    """Migrate, seed the families once, close their running massages, write the spec."""
    if database == "postgres":
        create_postgres_database(DATABASES[database])
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import transaction
    from django.db.models import Max
    from django.middleware.csrf import _get_new_csrf_string
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    from cues.models import CueKind
    from massage.models import Baby, Family, Membership, User
    from sessions.models import MassageSession, Outcome

    call_command("migrate", interactive=False, verbosity=0)
    call_command("load_library", verbosity=0)
    have = Family.objects.filter(name__startswith=FAMILY_PREFIX).count()
    if have < users:
        with transaction.atomic():
            born = timezone.localdate() - timedelta(days=122)
            for index in range(have, users):
                family = Family.objects.create(name=f"{FAMILY_PREFIX}{index}")
                parent = User.objects.create_user(
                    f"integrity-parent-{index}@example.com",
                    None,  # no password: the run logs in by session cookie
                    display_name=f"Parent {index}",
                )
                Membership.objects.create(user=parent, family=family, role="parent")
                Baby.objects.create(family=family, name=f"Baby {index}", birth_date=born)
        print(f"  seeded {users - have} families", flush=True)
    families = Family.objects.filter(name__startswith=FAMILY_PREFIX)
    # A run stopped halfway leaves massages running; the start page would refuse a new one.
    MassageSession.objects.filter(baby__family__in=families, ended_at__isnull=True).update(
        ended_at=timezone.now(), outcome=Outcome.INTERRUPTED
    )
    csrf = _get_new_csrf_string()
    parents = []
    for index in range(users):
        family = families.get(name=f"{FAMILY_PREFIX}{index}")
        baby = family.babies.get()
        client = Client()
        client.force_login(family.memberships.get(role="parent").user)
        session = client.cookies[settings.SESSION_COOKIE_NAME].value
        slug = ROUTINES[index % len(ROUTINES)]
        parents.append(
            {
                "cookie": f"{settings.SESSION_COOKIE_NAME}={session}; "
                f"{settings.CSRF_COOKIE_NAME}={csrf}",
                "start": reverse("sessions:session-start", args=[baby.pk, slug]),
            }
        )
    from django.db import connection

    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            journal = cursor.execute("PRAGMA journal_mode").fetchone()[0]
        mode = settings.DATABASES["default"]["OPTIONS"].get("transaction_mode", "DEFERRED")
        print(f"  SQLite: journal mode {journal}, transaction mode {mode}", flush=True)
    spec = {
        "csrf": csrf,
        "kinds": list(CueKind.values),
        "last_session": MassageSession.objects.aggregate(last=Max("pk"))["last"] or 0,
        "parents": parents,
    }
    out.write_text(json.dumps(spec, indent=1))


def count_rows(database, spec_file, out):
    """What the database holds for the massages started during the run."""
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from cues.models import CueEvent
    from sessions.models import MassageSession

    spec = json.loads(spec_file.read_text())
    sessions = MassageSession.objects.filter(
        pk__gt=spec["last_session"], baby__family__name__startswith=FAMILY_PREFIX
    )
    cues = CueEvent.objects.filter(session__in=sessions)
    rows = list(cues.values_list("client_id", "undone_at"))
    out.write_text(
        json.dumps(
            {
                "sessions": sorted(sessions.values_list("pk", flat=True)),
                "ended": sessions.filter(ended_at__isnull=False).count(),
                "rows": len(rows),
                "cues": sorted(str(client_id) for client_id, _ in rows),
                "undone": sorted(str(client_id) for client_id, undone in rows if undone),
            }
        )
    )


# Running gunicorn and locust -------------------------------------------------------------------


def start_gunicorn(database, args, log):
    command = [
        str(ROOT / ".venv" / "bin" / "gunicorn"),
        "massage.wsgi:application",
        f"--bind=127.0.0.1:{PORT}",
        f"--workers={args.workers}",
        f"--worker-class={args.worker_class}",
        f"--threads={args.threads}",
        "--timeout=60",
        "--log-level=warning",
        # Other gunicorns may run on this machine: none shares the one control socket per user.
        "--no-control-socket",
    ]
    server = subprocess.Popen(
        command,
        cwd=ROOT,
        env=django_env(database, args.sqlite_mode),
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    opener = urllib.request.build_opener(NoRedirect)
    for _ in range(300):
        if server.poll() is not None:
            raise SystemExit(
                f"gunicorn stopped at start (code {server.returncode}); see {log.name}"
            )
        try:
            opener.open(f"http://127.0.0.1:{PORT}/bench/ok/", timeout=1).read()
        except urllib.error.HTTPError:
            return server  # it answers (a redirect to HTTPS or to log in)
        except OSError:
            time.sleep(0.1)
            continue
        return server
    stop(server)
    raise SystemExit(f"gunicorn did not answer on port {PORT}; see {log.name}")


def run_locust(database, spec_file, args):
    out = DATA / f"integrity-{database}-ledger.json"
    out.unlink(missing_ok=True)
    log = DATA / f"integrity-{database}-locust.log"
    command = [
        str(ROOT / ".venv" / "bin" / "locust"),
        f"--locustfile={LOCUSTFILE}",
        "--headless",
        f"--users={args.users}",
        f"--spawn-rate={args.users / 5:g}",  # all of them within 5 s
        f"--run-time={args.seconds}s",
        # The run waits this long for the requests in flight, so no answer goes unseen.
        "--stop-timeout=30",
        f"--host=http://127.0.0.1:{PORT}",
        "--only-summary",
        "--loglevel=WARNING",
    ]
    env = dict(os.environ, INTEGRITY_SPEC=str(spec_file), INTEGRITY_OUT=str(out))
    with log.open("w") as output:
        subprocess.run(command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT)
    if not out.exists():
        raise SystemExit(f"locust wrote no ledger; see {log}")
    return json.loads(out.read_text())


def served(args):
    threads = f" of {args.threads} threads" if args.worker_class == "gthread" else ""
    return f"{args.workers} {args.worker_class} workers{threads}"


def run_one(database, args):
    print(f"\n{database}: preparing the database…", flush=True)
    spec_file = DATA / f"integrity-{database}-spec.json"
    child = [sys.executable, str(Path(__file__)), "--child", database]
    subprocess.run(
        [*child, "prepare", "--users", str(args.users), "--file", str(spec_file)],
        env=django_env(database, args.sqlite_mode),
        check=True,
    )
    gunicorn_log = DATA / f"integrity-{database}-gunicorn.log"
    with gunicorn_log.open("w") as log:
        server = start_gunicorn(database, args, log)
        print(
            f"  gunicorn: {served(args)}; locust: {args.users} parents for {args.seconds} s…",
            flush=True,
        )
        try:
            workers = workers_of(server)
            before = cpu_seconds(workers)
            ledger = run_locust(database, spec_file, args)
            ledger["worker_cpu_s"] = cpu_seconds(workers) - before
        finally:
            stop(server)
    rows_file = DATA / f"integrity-{database}-rows.json"
    subprocess.run(
        [*child, "count", "--spec", str(spec_file), "--file", str(rows_file)],
        env=django_env(database, args.sqlite_mode),
        check=True,
    )
    stored = json.loads(rows_file.read_text())
    server_log = gunicorn_log.read_text(errors="replace")
    return judge(database, ledger, stored, server_log)


def judge(database, ledger, stored, server_log):
    """Compare the answers with the rows; every difference is a failure, and says so."""
    acknowledged, rows = set(ledger["acknowledged"]), set(stored["cues"])
    statuses = {}
    for name, by_status in ledger["statuses"].items():
        for status, number in by_status.items():
            statuses.setdefault(name, {})[int(status)] = number
    server_errors = sum(n for by in statuses.values() for s, n in by.items() if s >= 500)
    no_answer = sum(by.get(0, 0) for by in statuses.values())
    unexpected = {
        f"{name} {status}": number
        for name, by in statuses.items()
        for status, number in by.items()
        if 0 < status < 500 and status not in EXPECTED.get(name, set())
    }
    failures = []
    if server_errors:
        failures.append(f"{server_errors} answers were 5xx")
    if no_answer:
        failures.append(f"{no_answer} requests got no answer")
    if unexpected:
        failures.append(f"unexpected statuses: {unexpected}")
    if stored["rows"] != len(acknowledged):
        failures.append(f"{stored['rows']} cue rows, {len(acknowledged)} cues acknowledged")
    if acknowledged - rows:
        failures.append(f"{len(acknowledged - rows)} acknowledged cues are not in the database")
    if rows - acknowledged:
        failures.append(f"{len(rows - acknowledged)} cue rows were never acknowledged")
    if len(stored["cues"]) != len(rows):
        failures.append("a client id is stored more than once")
    if ledger["created_twice"]:
        failures.append(f"{len(ledger['created_twice'])} cues were answered 'created' twice")
    if ledger["never_created"]:
        failures.append(f"{len(ledger['never_created'])} acknowledged cues never said 'created'")
    if ledger["resent_created"]:
        failures.append(f"{ledger['resent_created']} cues sent again were stored anew")
    if set(ledger["undone"]) != set(stored["undone"]):
        failures.append(
            f"{len(ledger['undone'])} undos acknowledged, {len(stored['undone'])} cues undone"
        )
    if set(ledger["sessions"]) != set(stored["sessions"]):
        failures.append(
            f"{len(ledger['sessions'])} massages started, {len(stored['sessions'])} in the database"
        )
    if ledger["user_errors"]:
        failures.append(f"{ledger['user_errors']} errors inside the simulated parents")
    locked = server_log.count("django.db.utils.OperationalError: database is locked")
    if locked:
        failures.append(f"'database is locked' {locked} times in the server's log")
    return {
        "database": database,
        "ledger": {
            key: value
            for key, value in ledger.items()
            if not isinstance(value, list) and key != "problems"
        },
        "problems": ledger["problems"],
        "acknowledged": len(acknowledged),
        "rows": stored["rows"],
        "undone_acknowledged": len(ledger["undone"]),
        "undone_rows": len(stored["undone"]),
        "sessions_started": len(ledger["sessions"]),
        "sessions_in_database": len(stored["sessions"]),
        "sessions_ended": stored["ended"],
        "server_errors": server_errors,
        "no_answer": no_answer,
        "statuses": statuses,
        "locked": locked,
        "tracebacks": server_log.count("Traceback"),
        "failures": failures,
    }


# The report ------------------------------------------------------------------------------------


def milliseconds(numbers):
    return " / ".join(f"{numbers[key]:.0f}" for key in ("p50_ms", "p95_ms", "p99_ms"))


def other_statuses(statuses):
    """Answers other than 2xx, by status (the redirects of start and finish are expected)."""
    counted = {}
    for by in statuses.values():
        for status, number in by.items():
            if not 200 <= status < 300:
                counted[status] = counted.get(status, 0) + number
    if not counted:
        return "none"
    return ", ".join(
        f"{number:,} x {status or 'no answer'}" for status, number in sorted(counted.items())
    )


def summary_table(results):
    columns = ["", *(result["database"] for result in results)]
    lines = ["| " + " | ".join(columns) + " |", "| --- |" + " ---: |" * len(results)]

    def row(name, value):
        lines.append("| " + " | ".join([name, *(value(result) for result in results)]) + " |")

    total = lambda result: result["ledger"]["total"]  # noqa: E731
    row("requests", lambda r: f"{total(r)['requests']:,}")
    row("req/s", lambda r: f"{total(r)['rps']:.0f}")
    row("p50 / p95 / p99 ms, all requests", lambda r: milliseconds(total(r)))
    row(
        "gunicorn workers' CPU ms per request",
        lambda r: f"{r['ledger']['worker_cpu_s'] * 1000 / max(total(r)['requests'], 1):.1f}",
    )
    row("5xx", lambda r: str(r["server_errors"]))
    row("no answer", lambda r: str(r["no_answer"]))
    row("answers other than 2xx", lambda r: other_statuses(r["statuses"]))
    row(
        "massages started / in the database",
        lambda r: _pair(r, "sessions_started", "sessions_in_database"),
    )
    row("massages finished", lambda r: f"{r['ledger']['finished']:,}")
    row("**cues acknowledged**", lambda r: f"**{r['acknowledged']:,}**")
    row("**cue rows in the database**", lambda r: f"**{r['rows']:,}**")
    row("cues sent again (same client id)", lambda r: f"{r['ledger']['resent']:,}")
    row("cues sent twice at once", lambda r: f"{r['ledger']['doubled']:,}")
    row(
        "undos acknowledged / cues undone", lambda r: _pair(r, "undone_acknowledged", "undone_rows")
    )
    row("'database is locked' in the log", lambda r: str(r["locked"]))
    row("result", lambda r: "pass" if not r["failures"] else "**FAIL**")
    return "\n".join(lines)


def _pair(result, first, second):
    return f"{result[first]:,} / {result[second]:,}"


def request_table(results):
    names = list(EXPECTED)
    columns = ["request"]
    for result in results:
        columns += [f"count {result['database']}", f"p50 / p95 / p99 ms {result['database']}"]
    lines = ["| " + " | ".join(columns) + " |", "| --- |" + " ---: |" * (len(columns) - 1)]
    for name in names:
        line = [name]
        for result in results:
            numbers = result["ledger"]["requests"].get(name)
            line += [f"{numbers['requests']:,}", milliseconds(numbers)] if numbers else ["0", ""]
        lines.append("| " + " | ".join(line) + " |")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--databases", default=os.environ.get("INTEGRITY_DATABASES", "sqlite,postgres")
    )
    parser.add_argument(
        "--seconds",
        type=int,
        default=int(os.environ.get("INTEGRITY_SECONDS", "60")),
        help="how long locust runs on each database (INTEGRITY_SECONDS; default 60)",
    )
    parser.add_argument("--users", type=int, default=50, help="simulated parents (default 50)")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--worker-class", default="sync")
    parser.add_argument("--threads", type=int, default=1, help="threads per gthread worker")
    parser.add_argument(
        "--sqlite-mode",
        choices=["DEFERRED", "EXCLUSIVE"],
        help="serve SQLite with this transaction mode instead of the site's IMMEDIATE, to see "
        "what IMMEDIATE prevents",
    )
    parser.add_argument("--json", type=Path, help="also write the results to this file")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    parser.add_argument("--spec", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--file", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        database, step = args.child
        if step == "prepare":
            prepare(database, args.users, args.file)
        else:
            count_rows(database, args.spec, args.file)
        return

    if not (ROOT / ".venv" / "bin" / "locust").exists():
        raise SystemExit(
            "The integrity run needs locust: `make bench-integrity` installs it "
            "(or `.venv/bin/pip install '.[bench]'`)."
        )
    databases = [name.strip() for name in args.databases.split(",") if name.strip()]
    for name in databases:
        if name not in DATABASES:
            raise SystemExit(f"Unknown database {name!r}: choose from {', '.join(DATABASES)}.")
    DATA.mkdir(exist_ok=True)
    print("Collecting static files for the production settings…", flush=True)
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity=0"],
        cwd=ROOT,
        env=django_env(databases[0]),
        check=True,
    )
    started = time.time()
    results = [run_one(name, args) for name in databases]
    load = os.getloadavg()
    print(
        f"\n{args.users} parents for {args.seconds} s on each database; gunicorn "
        f"{served(args)}; {os.cpu_count()} CPUs; Python "
        f"{platform.python_version()}; {time.time() - started:.0f} s in all; load average "
        f"{load[0]:.1f} {load[1]:.1f}\n"
    )
    if args.sqlite_mode:
        print(
            f"SQLite served with transaction_mode {args.sqlite_mode}, not the site's IMMEDIATE.\n"
        )
    print(summary_table(results) + "\n")
    print(request_table(results) + "\n")
    for result in results:
        for text, number in result["problems"].items():
            print(f"  {result['database']}: {number} x {text}")
        for failure in result["failures"]:
            print(f"FAIL {result['database']}: {failure}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=1))
    if any(result["failures"] for result in results):
        sys.exit(1)
    print("Every acknowledged cue is stored exactly once, and no answer was a 5xx.")


if __name__ == "__main__":
    main()
