"""The parents of the load-integrity run, for locust. bench/integrity.py starts it; see there.

Each simulated parent is one family's parent, logged in by the session cookie made at seed
time (INTEGRITY_SPEC names the file). It answers the readiness questions and starts a massage
through the real start page, opens the player, then goes step by step: progress, a few cues
with fresh client ids, and finishes; then starts the next massage. Some cues are sent again
after their answer (as a phone does when the answer was lost), some twice at once (a double
tap racing itself), and some are undone at once.

Every answer is written down: which client ids got a 2xx (acknowledged), how many answers said
"created" for each, which undos were acknowledged, and the status of every request. At the
end that ledger and locust's own statistics go to INTEGRITY_OUT as JSON, for integrity.py to
compare with the database.
"""

import json
import os
import random
import re
import uuid
from collections import Counter, defaultdict
from datetime import UTC, datetime
from itertools import count
from pathlib import Path
from urllib.parse import urlencode

import gevent
from locust import FastHttpUser, between, events, task

SPEC = json.loads(Path(os.environ["INTEGRITY_SPEC"]).read_text())
WAIT = [float(part) for part in os.environ.get("INTEGRITY_WAIT", "0.1,0.5").split(",")]
# Shares of cues sent again after their answer, sent twice at once, and undone.
RESENT, DOUBLED, UNDONE = 0.15, 0.10, 0.12
PLAYER_DATA = re.compile(r'<script[^>]* id="player-data"[^>]*>(.*?)</script>', re.S)
SESSION_URL = re.compile(r"/sessions/(\d+)/$")
TITLE = re.compile(r"<title>(.*?)</title>", re.S)

next_parent = count()
ledger = {
    "acknowledged": set(),  # client ids that got at least one 2xx
    "created": Counter(),  # client id -> answers that said it was stored just now
    "undone": set(),  # client ids whose undo got a 2xx
    "sessions": set(),  # massages the start page opened (from its redirect)
    "finished": 0,
    "resent": 0,
    "resent_created": 0,  # a resend answered "stored just now": the first was not stored
    "doubled": 0,
    "statuses": defaultdict(Counter),  # request name -> status -> count (0: no answer at all)
    "problems": Counter(),  # unexpected answers, told apart by request, status and title
    "user_errors": 0,  # exceptions inside a simulated parent's own code
}


@events.request.add_listener
def count_status(name, response, exception, **kwargs):
    status = getattr(response, "status_code", None) or 0
    ledger["statuses"][name][status] += 1


@events.user_error.add_listener
def count_user_error(user_instance, exception, tb, **kwargs):
    ledger["user_errors"] += 1
    problem(f"error in a simulated parent: {exception!r}")


@events.quitting.add_listener
def write_ledger(environment, **kwargs):
    stats = environment.stats

    def entry_numbers(entry):
        return {
            "requests": entry.num_requests,
            "failures": entry.num_failures,
            "rps": entry.total_rps,
            "p50_ms": entry.get_response_time_percentile(0.5),
            "p95_ms": entry.get_response_time_percentile(0.95),
            "p99_ms": entry.get_response_time_percentile(0.99),
            "max_ms": entry.max_response_time,
        }

    out = {
        "acknowledged": sorted(ledger["acknowledged"]),
        "created_twice": sorted(cid for cid, n in ledger["created"].items() if n > 1),
        "never_created": sorted(ledger["acknowledged"] - set(ledger["created"])),
        "undone": sorted(ledger["undone"]),
        "sessions": sorted(ledger["sessions"]),
        "finished": ledger["finished"],
        "resent": ledger["resent"],
        "resent_created": ledger["resent_created"],
        "doubled": ledger["doubled"],
        "statuses": {name: dict(by) for name, by in ledger["statuses"].items()},
        "problems": dict(ledger["problems"].most_common(20)),
        "user_errors": ledger["user_errors"],
        "total": entry_numbers(stats.total),
        "requests": {entry.name: entry_numbers(entry) for entry in stats.entries.values()},
    }
    Path(os.environ["INTEGRITY_OUT"]).write_text(json.dumps(out, indent=1))


def problem(text):
    ledger["problems"][text] += 1


def now_iso():
    return datetime.now(UTC).isoformat()


class Parent(FastHttpUser):
    wait_time = between(*WAIT)
    network_timeout = connection_timeout = 60.0

    def on_start(self):
        index = next(next_parent)
        if index >= len(SPEC["parents"]):
            raise RuntimeError("More locust users than seeded parents: each needs its own.")
        self.me = SPEC["parents"][index]
        self.headers = {
            "Cookie": self.me["cookie"],
            "X-Forwarded-Proto": "https",  # as behind the TLS proxy of a deploy
        }
        self.post_headers = self.headers | {
            "X-CSRFToken": SPEC["csrf"],
            "Origin": self.host.replace("http://", "https://"),
            "Content-Type": "application/x-www-form-urlencoded",
        }
        self.plan = []

    # One task is one thing a parent does, so a stopping run lets the request in flight finish
    # (--stop-timeout) and no answer is cut off unseen.
    @task
    def next_thing(self):
        if not self.plan:
            self.plan = [(self.start_massage,)]
        action, *args = self.plan.pop(0)
        action(*args)

    def expect(self, response, wanted):
        if response.status_code in wanted:
            response.success()
            return True
        response.failure(f"status {response.status_code}")
        text = getattr(response, "text", "") or ""
        title = TITLE.search(text)
        text = title.group(1) if title else " ".join(text.split())[:160]
        problem(f"{response.request_meta['name']}: {response.status_code} {text}")
        return False

    def start_massage(self):
        start = self.me["start"]
        with self.client.get(
            start, headers=self.headers, name="readiness page", catch_response=True
        ) as response:
            if not self.expect(response, {200}):
                return
        answers = {
            "health": "well",
            "vaccination": "no",
            "skin": "clear",
            "cord": "healed",
            "feed": "over_30",
            "state": "quiet_alert",
        }
        with self.client.post(
            start,
            data=urlencode(answers),
            headers=self.post_headers,
            name="start massage",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if not self.expect(response, {302}):
                return
            found = SESSION_URL.search(response.headers.get("Location", ""))
            if not found:
                response.failure("no player in the redirect")
                problem(f"start massage: redirect to {response.headers.get('Location')}")
                return
        self.session = int(found.group(1))
        ledger["sessions"].add(self.session)
        self.plan = [(self.open_player,)]

    def open_player(self):
        with self.client.get(
            f"/sessions/{self.session}/", headers=self.headers, name="player", catch_response=True
        ) as response:
            if not self.expect(response, {200}):
                return
            found = PLAYER_DATA.search(response.text)
            if not found:
                response.failure("no player data")
                problem("player: no player-data script")
                return
        data = json.loads(found.group(1))
        self.seq = data["seq"]
        steps = data["steps"][: random.randint(3, 6)]
        self.visits = {}
        for step in steps:
            self.plan.append((self.progress, step))
            self.plan += [(self.cue, step)] * random.randint(1, 3)
        self.plan.append((self.finish,))

    def progress(self, step):
        # Time on the step before this one is done; this one has begun.
        self.seq += 1
        seconds = round(min(step["seconds"], 20) * random.uniform(0.3, 0.9), 1)
        self.visits[str(step["id"])] = [seconds, False]
        body = {
            "seq": self.seq,
            "step": step["id"],
            "elapsed": seconds,
            "visits": json.dumps(self.visits),
        }
        with self.client.post(
            f"/sessions/{self.session}/progress/",
            data=urlencode(body),
            headers=self.post_headers | {"Accept": "application/json"},
            name="progress POST",
            catch_response=True,
        ) as response:
            self.expect(response, {204})

    def cue(self, step):
        client_id = str(uuid.uuid4())
        at = now_iso()
        body = urlencode(
            {
                "client_id": client_id,
                "kind": random.choice(SPEC["kinds"]),
                "step": step["id"],
                "at": at,
                "sent_at": at,
            }
        )
        roll = random.random()
        if roll < DOUBLED:
            ledger["doubled"] += 1
            both = [gevent.spawn(self.send_cue, client_id, body, "cue POST, double") for _ in "ab"]
            gevent.joinall(both)
            acknowledged = any(sent.value for sent in both)
        else:
            acknowledged = self.send_cue(client_id, body, "cue POST") is not None
            if roll < DOUBLED + RESENT:
                ledger["resent"] += 1
                again = self.send_cue(client_id, body, "cue POST, sent again")
                if again is True and acknowledged:
                    ledger["resent_created"] += 1
                    problem(f"cue {client_id}: stored anew when sent again")
                acknowledged = acknowledged or again is not None
        if acknowledged and random.random() < UNDONE:
            self.undo(client_id)

    def send_cue(self, client_id, body, name):
        """Post one cue: whether the answer said "stored just now", or None without a 2xx."""
        with self.client.post(
            f"/sessions/{self.session}/cues/",
            data=body,
            headers=self.post_headers | {"Accept": "application/json"},
            name=name,
            catch_response=True,
        ) as response:
            if not self.expect(response, {200, 201}):
                return None
            try:
                answer = response.json()
            except ValueError:
                response.failure("not JSON")
                problem(f"{name}: not JSON")
                return None
            if answer.get("id") != client_id or answer.get("created") != (
                response.status_code == 201
            ):
                response.failure("answer does not match")
                problem(f"{name}: {response.status_code} {answer}")
                return None
        ledger["acknowledged"].add(client_id)
        if answer["created"]:
            ledger["created"][client_id] += 1
        return answer["created"]

    def undo(self, client_id):
        with self.client.post(
            f"/sessions/{self.session}/cues/{client_id}/undo/",
            data="",
            headers=self.post_headers | {"Accept": "application/json"},
            name="undo",
            catch_response=True,
        ) as response:
            if self.expect(response, {200}) and response.json().get("undone") is True:
                ledger["undone"].add(client_id)

    def finish(self):
        if random.random() < 0.2:
            body = {"outcome": "baby_led_end", "reason": "Turned away and cried"}
        else:
            body = {"outcome": "completed"}
        with self.client.post(
            f"/sessions/{self.session}/finish/",
            data=urlencode(body),
            headers=self.post_headers,
            name="finish",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if self.expect(response, {302}):
                ledger["finished"] += 1
