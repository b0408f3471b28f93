"""The baby-led rules twice over: cues/rules.py, and static/js/cues/rules.js in the player.

The player answers a tap from its own copy of the rules, fed with the server's numbers and words
(`player_config()`). Both run here on one table of cases, every cue kind after a range of
earlier cues, and must give the same level and the same words each time.
"""

import pytest

from cues import rules
from cues.models import CUES, CueKind

HARNESS = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Rules</title>
<script type="module">
import { respond } from "/static/js/cues/rules.js";
window.respond = respond;
</script></head><body><main id="main"></main></body></html>
"""

HAPPY = CueKind.SMILING.value
OTHER_HAPPY = CueKind.BRIGHT_EYES.value  # a subtle engagement cue
SUBTLE = CueKind.FROWNING.value
OTHER_SUBTLE = CueKind.YAWNING.value
POTENT = CueKind.CRYING.value

AT = 100.5  # the new cue's time into the session
WINDOW = rules.CLUSTER_WINDOW_SECONDS

# What came before the new cue, as (kind, seconds into the session).
HISTORIES = {
    "nothing": [],
    "one happy cue": [(HAPPY, 10.5)],
    "three happy cues, one of them just now": [(HAPPY, 10.5), (OTHER_HAPPY, 20.5), (HAPPY, 99.5)],
    "happy and unsettled": [(HAPPY, 10.5), (SUBTLE, 12.5), (OTHER_HAPPY, 30.5), (POTENT, 31.5)],
    "a subtle one 40 s ago": [(OTHER_SUBTLE, AT - 40)],
    "a subtle one a whole window ago": [(OTHER_SUBTLE, AT - WINDOW)],
    "a subtle one just over a window ago": [(OTHER_SUBTLE, AT - WINDOW - 0.1)],
    "the same kind 20 s ago": [(SUBTLE, AT - 20)],
    "a potent one 30 s ago": [(POTENT, AT - 30)],
    "a potent one long ago": [(POTENT, 5.5)],
    "an unsettled one at the same moment": [(OTHER_SUBTLE, AT)],
    "an unsettled one later (another phone's clock)": [(OTHER_SUBTLE, AT + 0.1)],
    "happy cues all through the window": [(kind, AT - 5) for kind, i in CUES.items() if i.engaging],
    "old unsettled ones and a happy one": [(OTHER_SUBTLE, 10.5), (HAPPY, 60.5), (SUBTLE, 20.5)],
}


def cases():
    table = [(kind, AT, earlier) for kind in CUES for earlier in HISTORIES.values()]
    # A session as it goes: each cue judged against the ones before it.
    timeline = [
        (HAPPY, 10.5),
        (SUBTLE, 50.5),
        (OTHER_HAPPY, 60.5),
        (OTHER_SUBTLE, 100.5),
        (HAPPY, 130.5),
        (SUBTLE, 200.5),
        (CueKind.TURNING_AWAY.value, 230.5),
        (HAPPY, 240.5),
        (CueKind.HICCUPS.value, 400.5),
        (CueKind.EYE_CONTACT.value, 401.5),
    ]
    for position, (kind, at) in enumerate(timeline):
        table.append((kind, at, timeline[:position]))
    return table


@pytest.fixture
def rules_page(phone, live_server):
    url = f"{live_server.url}/rules-harness/"
    phone.route(url, lambda route: route.fulfill(body=HARNESS, content_type="text/html"))
    phone.goto(url)
    phone.wait_for_function("typeof window.respond === 'function'")
    return phone


def test_the_players_rules_answer_every_case_as_the_servers_do(rules_page):
    table = cases()
    expected = [rules.respond(kind, at, earlier).as_dict() for kind, at, earlier in table]
    answered = rules_page.evaluate(
        "([config, table]) => table.map(([k, at, earlier]) => respond(config, k, at, earlier))",
        [rules.player_config(), [[kind, at, [list(c) for c in e]] for kind, at, e in table]],
    )
    assert len(answered) == len(expected) == len(CUES) * len(HISTORIES) + 10
    differ = [
        (case, want, got)
        for case, want, got in zip(table, expected, answered, strict=True)
        if want != got
    ]
    assert not differ, differ[:5]
    # The table reaches every answer the rules can give, each acknowledgement included.
    levels = {answer["level"] for answer in expected}
    assert levels == {rules.Level.ACKNOWLEDGE, rules.Level.SLOW_DOWN, rules.Level.PAUSE}
    words = {answer["message"] for answer in expected}
    assert set(rules.acknowledgements()) <= words
