"""The baby-led rules (DOMAIN.md §7): what the app suggests for each cue, and the player's copy."""

import itertools

import pytest

from cues import rules
from cues.models import CUES, CueKind
from cues.rules import CLUSTER_SIZE, CLUSTER_WINDOW_SECONDS, Level

ENGAGING = [kind for kind, info in CUES.items() if info.engaging]
SUBTLE_DISENGAGING = [k for k, i in CUES.items() if not i.engaging and not i.potent]
POTENT_DISENGAGING = [k for k, i in CUES.items() if not i.engaging and i.potent]

SUBTLE = CueKind.FROWNING.value
OTHER_SUBTLE = CueKind.YAWNING.value
POTENT = CueKind.CRYING.value
HAPPY = CueKind.SMILING.value


def test_the_taxonomy_has_every_group():
    assert len(CUES) == 37
    assert ENGAGING and SUBTLE_DISENGAGING and POTENT_DISENGAGING
    assert not CUES[SUBTLE].potent and CUES[POTENT].potent and CUES[HAPPY].engaging


# -- Engagement: a quiet word, never an interruption -----------------------------------------------


@pytest.mark.parametrize("kind", ENGAGING)
def test_engagement_is_acknowledged(kind):
    prompt = rules.respond(kind, 30, [])
    assert prompt.level == Level.ACKNOWLEDGE
    assert prompt.message == rules.acknowledgements()[0]


def test_engagement_is_acknowledged_even_right_after_disengagement():
    earlier = [(POTENT, 10), (SUBTLE, 20), (OTHER_SUBTLE, 25)]
    assert rules.respond(HAPPY, 30, earlier).level == Level.ACKNOWLEDGE


def test_acknowledgements_rotate_through_every_wording():
    words = rules.acknowledgements()
    assert len(words) >= 2 and len(set(words)) == len(words)
    seen, earlier = [], []
    for i in range(len(words) * 2):
        prompt = rules.respond(HAPPY, 10 * i, earlier)
        seen.append(prompt.message)
        earlier.append((HAPPY, 10 * i))
    assert seen == words + words
    # Consecutive happy cues never repeat the same words.
    assert all(a != b for a, b in itertools.pairwise(seen))


def test_only_engagement_cues_turn_the_acknowledgements():
    words = rules.acknowledgements()
    # Disengagement cues in between don't move the rotation on.
    earlier = [(HAPPY, 1), (SUBTLE, 2), (POTENT, 3)]
    assert rules.respond(HAPPY, 5, earlier).message == words[1]


# -- Disengagement: slow down, or pause and comfort ------------------------------------------------


@pytest.mark.parametrize("kind", SUBTLE_DISENGAGING)
def test_one_subtle_disengagement_cue_means_slow_down(kind):
    prompt = rules.respond(kind, 90, [])
    assert prompt == rules.Prompt(Level.SLOW_DOWN, rules.messages()[Level.SLOW_DOWN])


@pytest.mark.parametrize("kind", POTENT_DISENGAGING)
def test_a_potent_cue_means_pause_at_once(kind):
    prompt = rules.respond(kind, 90, [])
    assert prompt == rules.Prompt(Level.PAUSE, rules.messages()[Level.PAUSE])


def test_potent_cue_pauses_even_after_a_lot_of_engagement():
    earlier = [(HAPPY, s) for s in range(0, 90, 5)]
    assert rules.respond(POTENT, 90, earlier).level == Level.PAUSE


@pytest.mark.parametrize(
    ("gap", "level"),
    [
        (0, Level.PAUSE),
        (1, Level.PAUSE),
        (30, Level.PAUSE),
        (59.9, Level.PAUSE),
        (60, Level.PAUSE),  # exactly the window: still a cluster
        (60.5, Level.SLOW_DOWN),
        (61, Level.SLOW_DOWN),
        (300, Level.SLOW_DOWN),
    ],
)
def test_two_disengagement_cues_within_the_window_mean_pause(gap, level):
    assert rules.respond(SUBTLE, 100 + gap, [(OTHER_SUBTLE, 100)]).level == level


def test_an_earlier_potent_cue_counts_toward_a_cluster():
    assert rules.respond(SUBTLE, 130, [(POTENT, 100)]).level == Level.PAUSE
    assert rules.respond(SUBTLE, 161, [(POTENT, 100)]).level == Level.SLOW_DOWN


def test_the_same_subtle_kind_twice_is_a_cluster():
    assert rules.respond(SUBTLE, 40, [(SUBTLE, 10)]).level == Level.PAUSE


def test_engagement_cues_do_not_count_toward_a_cluster():
    earlier = [(kind, 95) for kind in ENGAGING]
    assert rules.respond(SUBTLE, 100, earlier).level == Level.SLOW_DOWN


def test_a_cluster_needs_the_other_cue_inside_the_window_not_just_any_before_it():
    earlier = [(OTHER_SUBTLE, 10), (HAPPY, 60), (SUBTLE, 20)]
    assert rules.respond(SUBTLE, 100, earlier).level == Level.SLOW_DOWN


def test_future_cues_are_not_looked_at():
    """Judging an earlier cue again (a resend, the review) ignores cues logged after it."""
    later = [(OTHER_SUBTLE, 130), (POTENT, 140)]
    assert rules.respond(SUBTLE, 100, later).level == Level.SLOW_DOWN
    # ...and the later one, judged with the earlier one, is a cluster.
    assert rules.respond(OTHER_SUBTLE, 130, [(SUBTLE, 100)]).level == Level.PAUSE


def test_a_sequence_of_cues_as_a_session_would_see_them():
    timeline = [
        (HAPPY, 10, Level.ACKNOWLEDGE),
        (SUBTLE, 50, Level.SLOW_DOWN),
        (HAPPY, 60, Level.ACKNOWLEDGE),
        (OTHER_SUBTLE, 100, Level.PAUSE),  # 50 s after the first subtle one
        (SUBTLE, 200, Level.SLOW_DOWN),  # 100 s after the last
        (POTENT, 500, Level.PAUSE),
    ]
    earlier = []
    for kind, at, level in timeline:
        assert rules.respond(kind, at, earlier).level == level, (kind, at)
        earlier.append((kind, at))


def test_prompt_as_dict():
    prompt = rules.respond(POTENT, 1, [])
    assert prompt.as_dict() == {"level": "pause", "message": rules.messages()[Level.PAUSE]}


def test_messages_are_distinct_and_say_what_to_do():
    msgs = rules.messages()
    assert set(msgs) == {Level.SLOW_DOWN, Level.PAUSE}
    assert "Slow down" in msgs[Level.SLOW_DOWN]
    assert "comfort" in msgs[Level.PAUSE]
    assert msgs[Level.SLOW_DOWN] != msgs[Level.PAUSE]


# -- The player's copy of the rules ----------------------------------------------------------------


def test_player_config_matches_the_module():
    config = rules.player_config()
    assert config["window"] == CLUSTER_WINDOW_SECONDS == 60
    assert config["cluster"] == CLUSTER_SIZE == 2
    assert config["acknowledgements"] == rules.acknowledgements()
    assert config["messages"] == rules.messages()
    assert set(config["messages"]) == {"slow_down", "pause"}


def test_player_config_has_every_cue_kind():
    cues = rules.player_config()["cues"]
    assert set(cues) == set(CUES) == set(CueKind.values)
    for kind, info in CUES.items():
        assert cues[kind] == {
            "engaging": info.engaging,
            "potent": info.potent,
            "label": str(info.label),
        }


def test_player_config_is_plain_json():
    import json

    config = rules.player_config()
    assert json.loads(json.dumps(config)) == config
