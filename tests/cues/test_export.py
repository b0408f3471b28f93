"""The family's exports: a streamed CSV and a JSON document of all sessions and cues."""

import csv
import io
import json
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from cues import exports
from cues.models import CUES, CueEvent, Response
from cues.views import export as export_views
from massage.models import Step
from sessions.models import Outcome
from tests.factories import (
    BabyFactory,
    CueEventFactory,
    MassageSessionFactory,
    MembershipFactory,
    StepVisitFactory,
    routine_with_areas,
)


@pytest.fixture
def routine(db):
    return routine_with_areas(["legs", "tummy", "arms"], title="Evening calm", slug="evening-calm")


@pytest.fixture
def steps(routine):
    return list(routine.steps.order_by("order"))


def finished_session(baby, steps, *, started_at, by=None, outcome=Outcome.COMPLETED, **fields):
    """An ended massage with a visit per step: 40 s each, the last one skipped."""
    session = MassageSessionFactory(
        baby=baby,
        routine=steps[0].routine,
        started_by=by,
        started_at=started_at,
        ended_at=started_at + timedelta(minutes=8),
        outcome=outcome,
        current_step=steps[-1],
        **fields,
    )
    for index, step in enumerate(steps):
        skipped = index == len(steps) - 1
        StepVisitFactory(
            session=session,
            step=step,
            seconds=0 if skipped else 40,
            skipped=skipped,
            started_at=started_at + timedelta(seconds=40 * index),
        )
    return session


def cue(session, step, kind, seconds, **fields):
    return CueEventFactory(
        session=session, step=step, kind=kind, seconds_into_session=seconds, **fields
    )


@pytest.fixture
def history(baby, steps, parent, caregiver):
    """Two massages of the baby: the older with three cues (one taken back), the newer without."""
    older = finished_session(
        baby,
        steps,
        started_at=timezone.now() - timedelta(days=2),
        by=parent,
        outcome=Outcome.BABY_LED_END,
        end_reason="Crying",
        note="Loved the legs, not the tummy today.",
    )
    smile = cue(older, steps[0], "smiling", 30.25, recorded_by=parent, note="big smile")
    cry = cue(older, steps[1], "crying", 95, recorded_by=caregiver, response=Response.END)
    undone = cue(older, steps[0], "yawning", 50, recorded_by=parent, undone_at=timezone.now())
    newer = finished_session(baby, steps, started_at=timezone.now() - timedelta(hours=3), by=parent)
    return {"older": older, "newer": newer, "smile": smile, "cry": cry, "undone": undone}


def csv_url(family):
    return reverse("cues:export-csv", args=[family.pk])


def json_url(family):
    return reverse("cues:export-json", args=[family.pk])


def read_csv(response):
    assert response.streaming
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff"), "a byte-order mark, so Excel reads UTF-8"
    return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))


def download_csv(client, family):
    response = client.get(csv_url(family))
    assert response.status_code == 200
    return response, read_csv(response)


# The CSV ---------------------------------------------------------------------------------------


def test_csv_is_a_dated_attachment(client, parent, family, history):
    family.name = "The Okafor-Smith Family"
    family.save()
    client.force_login(parent)
    response = client.get(csv_url(family))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    today = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == (
        f'attachment; filename="gentle-hands-the-okafor-smith-family-{today}.csv"'
    )
    assert "no-store" in response["Cache-Control"]
    read_csv(response)


def test_csv_has_a_row_per_cue_and_a_row_per_session_without_cues(
    client, parent, baby, steps, history
):
    client.force_login(parent)
    _, rows = download_csv(client, baby.family)
    assert list(rows[0]) == exports.CSV_COLUMNS
    older, newer = history["older"], history["newer"]
    assert [(row["session_id"], row["cue"]) for row in rows] == [
        (str(older.pk), "smiling"),
        (str(older.pk), "crying"),
        (str(newer.pk), ""),
    ]
    smile, cry, empty = rows
    assert smile == {
        "session_id": str(older.pk),
        "baby": baby.name,
        "routine": "Evening calm",
        "started_at": timezone.localtime(older.started_at).isoformat(timespec="seconds"),
        "ended_at": timezone.localtime(older.ended_at).isoformat(timespec="seconds"),
        "outcome": "baby_led_end",
        "outcome_label": "Baby-led end",
        "end_reason": "Crying",
        "baby_state": "quiet_alert",
        "baby_state_label": "Quiet alert",
        "readiness": "health=well; vaccination=no; skin=clear; feed=over_30; state=quiet_alert",
        "massage_seconds": "80",
        "steps_done": "2",
        "steps_skipped": "1",
        "counted_as_massage": "yes",
        "session_note": "Loved the legs, not the tummy today.",
        "cue": "smiling",
        "cue_label": "Smiling",
        "valence": "engagement",
        "valence_label": "Engagement",
        "potent": "yes",
        "body_area": "legs",
        "body_area_label": "Legs",
        "stroke": steps[0].stroke,
        "cue_at": timezone.localtime(history["smile"].at).isoformat(timespec="seconds"),
        "seconds_into_session": "30.2",
        "recorded_by": str(history["smile"].recorded_by),
        "cue_note": "big smile",
        "response": "",
        "response_label": "",
    }
    assert cry["cue_label"] == "Crying"
    assert cry["valence"] == "disengagement"
    assert cry["body_area"] == "tummy"
    assert cry["recorded_by"] == history["cry"].recorded_by.display_name
    assert cry["response"] == "end"
    assert cry["session_note"] == smile["session_note"], "session columns repeat on each cue row"
    assert empty["outcome"] == "completed"
    assert all(empty[column] == "" for column in exports.CUE_COLUMNS)


def ended_in_the_first_seconds(baby, steps, *, started_at):
    """A session ended before any step was done: the first step opened, then skipped."""
    session = MassageSessionFactory(
        baby=baby,
        routine=steps[0].routine,
        started_at=started_at,
        ended_at=started_at + timedelta(seconds=8),
        outcome=Outcome.ENDED_EARLY,
    )
    StepVisitFactory(session=session, step=steps[0], seconds=3, skipped=True)
    return session


def test_csv_keeps_a_session_with_no_step_done_and_marks_it(client, parent, baby, steps, history):
    quick = ended_in_the_first_seconds(baby, steps, started_at=timezone.now() - timedelta(hours=1))
    cue(quick, steps[0], "crying", 2)
    client.force_login(parent)
    _, rows = download_csv(client, baby.family)
    by_session = {row["session_id"]: row for row in rows}
    row = by_session[str(quick.pk)]
    assert (row["steps_done"], row["steps_skipped"], row["counted_as_massage"]) == ("0", "1", "no")
    assert row["cue"] == "crying"
    assert by_session[str(history["newer"].pk)]["counted_as_massage"] == "yes"


def test_json_keeps_a_session_with_no_step_done_and_marks_it(
    client, parent, family, baby, steps, history
):
    quick = ended_in_the_first_seconds(baby, steps, started_at=timezone.now() - timedelta(hours=1))
    running = MassageSessionFactory(baby=baby, routine=steps[0].routine)
    client.force_login(parent)
    _, document = download_json(client, family)
    counted = {s["id"]: s["counted_as_massage"] for s in document["babies"][0]["sessions"]}
    assert counted == {
        history["older"].pk: True,
        history["newer"].pk: True,
        quick.pk: False,
        running.pk: True,  # still going: it may yet have a step done
    }


def test_csv_leaves_out_undone_cues(client, parent, family, history):
    client.force_login(parent)
    _, rows = download_csv(client, family)
    assert "yawning" not in {row["cue"] for row in rows}
    assert CueEvent.objects.filter(kind="yawning").exists(), "still stored, only hidden"


def test_csv_holds_every_baby_of_the_family_and_nothing_of_other_families(
    client, parent, family, baby, steps, history, outsider
):
    sister = BabyFactory(family=family, name="Ada")
    theirs = finished_session(sister, steps, started_at=timezone.now() - timedelta(days=1))
    cue(theirs, steps[0], "cooing", 12)
    other = finished_session(
        outsider.families.get().babies.get(), steps, started_at=timezone.now() - timedelta(days=1)
    )
    cue(other, steps[0], "arching", 10, note="NOT OURS")
    client.force_login(parent)
    _, rows = download_csv(client, family)
    assert {row["baby"] for row in rows} == {baby.name, "Ada"}
    assert str(other.pk) not in {row["session_id"] for row in rows}
    assert "NOT OURS" not in {row["cue_note"] for row in rows}
    # Oldest massage first, whichever baby it was.
    starts = [row["started_at"] for row in rows]
    assert starts == sorted(starts)


def test_csv_streams_in_pieces_that_join_into_whole_lines(
    client, parent, family, history, monkeypatch
):
    monkeypatch.setattr(export_views, "STREAM_PIECE", 50)
    client.force_login(parent)
    response = client.get(csv_url(family))
    pieces = list(response.streaming_content)
    assert len(pieces) > 3
    assert all(piece.endswith(b"\r\n") for piece in pieces if piece)
    text = b"".join(pieces).decode("utf-8").removeprefix("\ufeff")
    assert [row["cue"] for row in csv.DictReader(io.StringIO(text))] == ["smiling", "crying", ""]


def test_csv_for_a_family_without_massages_is_just_the_header(client, parent, family):
    client.force_login(parent)
    _, rows = download_csv(client, family)
    assert rows == []


@pytest.mark.parametrize(
    "text",
    [
        '=HYPERLINK("http://evil.example","click")',
        "+1+2",
        "-2+3",
        "@SUM(A1)",
        "\tindented",
        "\r=1",
    ],
)
def test_csv_free_text_starting_like_a_formula_is_quoted(
    client, parent, family, baby, steps, caregiver, text
):
    baby.name = text
    baby.save()
    caregiver.display_name = text
    caregiver.save()
    session = finished_session(
        baby,
        steps,
        started_at=timezone.now() - timedelta(hours=1),
        note=text,
        end_reason=text,
        routine_title=text,
    )
    cue(session, steps[0], "smiling", 5, note=text, recorded_by=caregiver)
    client.force_login(parent)
    _, [row] = download_csv(client, family)
    for column in ["baby", "routine", "end_reason", "session_note", "cue_note", "recorded_by"]:
        assert row[column] == "'" + text, column


def test_csv_text_that_only_contains_formula_signs_is_left_alone(
    client, parent, family, baby, steps
):
    finished_session(
        baby, steps, started_at=timezone.now() - timedelta(hours=1), note="Calm - then 1+1 = 2"
    )
    client.force_login(parent)
    _, [row] = download_csv(client, family)
    assert row["session_note"] == "Calm - then 1+1 = 2"


@pytest.mark.parametrize(
    ("value", "expected"),
    [("=1", "'=1"), ("ok", "ok"), ("", ""), (-3, -3), (2.5, 2.5), ("a=b", "a=b")],
)
def test_safe_cell(value, expected):
    assert exports.safe_cell(value) == expected


def test_csv_rows_pair_cues_with_their_sessions_across_chunks(family, baby, steps, caregiver):
    """The two streams are read in chunks and walked side by side: chunks must not matter."""
    base = timezone.now() - timedelta(days=10)
    sessions = [
        finished_session(baby, steps, started_at=base + timedelta(days=day)) for day in range(5)
    ]
    expected = []
    for index, session in enumerate(sessions):
        if index == 2:
            expected.append((session.pk, ""))
            continue
        for n in range(index + 1):
            cue(session, steps[n % len(steps)], "smiling", 10 + n)
            expected.append((session.pk, "smiling"))
    column = exports.CSV_COLUMNS.index
    for chunk_size in [1, 2, 3, 100]:
        rows = list(exports.family_csv_rows(family, chunk_size=chunk_size))
        assert rows[0] == exports.CSV_COLUMNS
        assert [(row[column("session_id")], row[column("cue")]) for row in rows[1:]] == expected


def test_any_member_can_download(client, caregiver, family, history):
    client.force_login(caregiver)
    _, rows = download_csv(client, family)
    assert len(rows) == 3
    assert client.get(json_url(family)).status_code == 200


# The JSON -------------------------------------------------------------------------------------


def download_json(client, family):
    response = client.get(json_url(family))
    assert response.status_code == 200
    return response, json.loads(response.content)


def test_json_is_a_dated_attachment(client, parent, family, history):
    client.force_login(parent)
    response, document = download_json(client, family)
    assert response["Content-Type"] == "application/json"
    today = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == (
        f'attachment; filename="gentle-hands-family-{family.name.split()[-1]}-{today}.json"'
    )
    assert document["format"] == "gentle-hands-family-export"
    assert document["version"] == 1


def test_json_holds_the_family_babies_sessions_visits_and_cues(
    client, parent, caregiver, family, baby, steps, history
):
    client.force_login(parent)
    _, document = download_json(client, family)
    assert document["family"] == {
        "name": family.name,
        "members": [
            {"name": parent.display_name, "role": "parent"},
            {"name": caregiver.display_name, "role": "caregiver"},
        ],
    }
    [exported_baby] = document["babies"]
    assert exported_baby["id"] == baby.pk
    assert exported_baby["name"] == baby.name
    assert exported_baby["birth_date"] == baby.birth_date.isoformat()
    assert exported_baby["due_date"] is None
    older, newer = exported_baby["sessions"]
    session = history["older"]
    assert older["id"] == session.pk
    assert older["client_id"] == str(session.client_id)
    assert older["routine"] == "Evening calm"
    assert older["routine_slug"] == "evening-calm"
    assert older["started_at"] == timezone.localtime(session.started_at).isoformat(
        timespec="seconds"
    )
    assert older["ended_at"] == timezone.localtime(session.ended_at).isoformat(timespec="seconds")
    assert older["started_by"] == parent.display_name
    assert older["outcome"] == {"code": "baby_led_end", "label": "Baby-led end"}
    assert older["end_reason"] == "Crying"
    assert older["note"] == "Loved the legs, not the tummy today."
    assert older["baby_state"] == "quiet_alert"
    assert older["readiness"] == session.readiness
    assert older["massage_seconds"] == 80
    assert [visit["stroke"] for visit in older["step_visits"]] == [step.stroke for step in steps]
    assert older["step_visits"][0] == {
        "order": steps[0].order,
        "body_area": "legs",
        "body_area_label": "Legs",
        "stroke": steps[0].stroke,
        "started_at": timezone.localtime(session.started_at).isoformat(timespec="seconds"),
        "seconds": 40,
        "skipped": False,
    }
    assert older["step_visits"][-1]["skipped"] is True
    smile, cry = older["cues"]
    assert smile == {
        "id": str(history["smile"].client_id),
        "kind": "smiling",
        "label": "Smiling",
        "valence": "engagement",
        "valence_label": "Engagement",
        "potent": True,
        "step": steps[0].order,
        "body_area": "legs",
        "body_area_label": "Legs",
        "stroke": steps[0].stroke,
        "at": timezone.localtime(history["smile"].at).isoformat(timespec="seconds"),
        "seconds_into_session": 30.2,
        "recorded_by": parent.display_name,
        "note": "big smile",
        "response": None,
    }
    assert cry["kind"] == "crying"
    assert cry["valence"] == "disengagement"
    assert cry["step"] == steps[1].order
    assert cry["recorded_by"] == caregiver.display_name
    assert cry["response"] == {"code": "end", "label": "Ended the massage"}
    assert newer["id"] == history["newer"].pk
    assert newer["cues"] == []
    assert newer["outcome"]["code"] == "completed"


def test_json_leaves_out_undone_cues(client, parent, family, history):
    client.force_login(parent)
    _, document = download_json(client, family)
    kinds = [c["kind"] for s in document["babies"][0]["sessions"] for c in s["cues"]]
    assert kinds == ["smiling", "crying"]
    assert str(history["undone"].client_id) not in json.dumps(document)


def test_json_puts_each_session_under_its_baby_and_keeps_a_running_one(
    client, parent, family, baby, steps, history, outsider
):
    sister = BabyFactory(family=family, name="Ada", birth_date=baby.birth_date)
    running = MassageSessionFactory(baby=sister, routine=steps[0].routine)
    cue(running, steps[0], "cooing", 3)
    finished_session(
        outsider.families.get().babies.get(), steps, started_at=timezone.now(), note="NOT OURS"
    )
    client.force_login(parent)
    _, document = download_json(client, family)
    by_name = {b["name"]: b for b in document["babies"]}
    assert set(by_name) == {baby.name, "Ada"}
    assert len(by_name[baby.name]["sessions"]) == 2
    [ada_session] = by_name["Ada"]["sessions"]
    assert ada_session["ended_at"] is None
    assert ada_session["outcome"] is None
    assert [c["kind"] for c in ada_session["cues"]] == ["cooing"]
    assert "NOT OURS" not in json.dumps(document)


def test_json_names_a_person_who_left_as_empty(client, parent, family, baby, steps):
    gone = MembershipFactory(family=family, role="caregiver").user
    session = finished_session(baby, steps, started_at=timezone.now(), by=gone)
    cue(session, steps[0], "smiling", 3, recorded_by=gone)
    gone.delete()
    client.force_login(parent)
    _, document = download_json(client, family)
    [exported] = document["babies"][0]["sessions"]
    assert exported["started_by"] == ""
    assert exported["cues"][0]["recorded_by"] == ""


# Who may download, and how many queries --------------------------------------------------------


@pytest.mark.parametrize("name", ["cues:export-csv", "cues:export-json"])
def test_another_family_gets_404(client, outsider, family, history, name):
    client.force_login(outsider)
    assert client.get(reverse(name, args=[family.pk])).status_code == 404


@pytest.mark.parametrize("name", ["cues:export-csv", "cues:export-json"])
def test_a_family_that_does_not_exist_is_404(client, parent, name):
    client.force_login(parent)
    assert client.get(reverse(name, args=[999999])).status_code == 404


@pytest.mark.parametrize("name", ["cues:export-csv", "cues:export-json"])
def test_anonymous_visitors_are_sent_to_log_in(client, family, name):
    url = reverse(name, args=[family.pk])
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert "next=" in response["Location"]


@pytest.mark.parametrize("name", ["cues:export-csv", "cues:export-json"])
def test_exports_only_answer_reads(client, parent, family, name):
    client.force_login(parent)
    assert client.post(reverse(name, args=[family.pk])).status_code == 405


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
        if response.streaming:
            b"".join(response.streaming_content)
    assert response.status_code == 200
    return len(queries)


def add_many_sessions(family, steps, count=12):
    babies = [family.babies.get(), BabyFactory(family=family)]
    base = timezone.now() - timedelta(days=count + 1)
    for day in range(count):
        session = finished_session(
            babies[day % 2], steps, started_at=base + timedelta(days=day), note=f"day {day}"
        )
        for n in range(day % 4):
            cue(session, steps[n % len(steps)], "smiling" if n % 2 else "squirming", 5 + n)


@pytest.mark.parametrize("name", ["cues:export-csv", "cues:export-json"])
def test_query_count_does_not_grow_with_the_history(
    client, parent, family, baby, steps, django_assert_max_num_queries, name
):
    session = finished_session(baby, steps, started_at=timezone.now() - timedelta(hours=1))
    cue(session, steps[0], "smiling", 5)
    client.force_login(parent)
    url = reverse(name, args=[family.pk])
    one = count_queries(client, url)
    add_many_sessions(family, steps)
    with django_assert_max_num_queries(one):
        response = client.get(url)
        body = b"".join(response.streaming_content) if response.streaming else response.content
    assert body.count(b"day 1") >= 1


# The family page links ------------------------------------------------------------------------


def test_family_page_links_to_the_exports_and_each_babys_report(client, caregiver, family, baby):
    sister = BabyFactory(family=family, name="Ada")
    client.force_login(caregiver)
    response = client.get(reverse("massage:family-detail", args=[family.pk]))
    page = response.content.decode()
    assert "Your data" in page
    assert f'href="{csv_url(family)}"' in page
    assert f'href="{json_url(family)}"' in page
    for each in (baby, sister):
        assert f'href="{reverse("cues:baby-report", args=[each.pk])}"' in page


def test_family_page_explains_every_csv_column(client, parent, family):
    client.force_login(parent)
    page = client.get(reverse("massage:family-detail", args=[family.pk])).content.decode()
    for column in exports.CSV_COLUMNS:
        assert f"<code>{column}</code>" in page, column


# In the family's language -----------------------------------------------------------------------


def test_the_labels_follow_the_account_language_and_the_codes_stay(client, parent, family, history):
    parent.language = "es"
    parent.save(update_fields=["language"])
    client.force_login(parent)
    _, rows = download_csv(client, family)
    smile = rows[0]
    assert (smile["cue"], smile["valence"], smile["body_area"]) == ("smiling", "engagement", "legs")
    with translation.override("es"):
        assert smile["cue_label"] == str(CUES["smiling"].label)
        assert smile["body_area_label"] == str(Step.BodyArea("legs").label)
        assert smile["outcome_label"] == str(Outcome("baby_led_end").label)
    assert smile["outcome"] == "baby_led_end"

    _, document = download_json(client, family)
    assert document["language"] == "es"
    cue = document["babies"][0]["sessions"][0]["cues"][0]
    assert (cue["kind"], cue["body_area"]) == ("smiling", "legs")
    with translation.override("es"):
        assert cue["body_area_label"] == str(Step.BodyArea("legs").label)


def test_without_an_account_language_the_labels_follow_the_browser(client, parent, family, history):
    client.force_login(parent)
    response = client.get(json_url(family), HTTP_ACCEPT_LANGUAGE="es")
    assert json.loads(response.content)["language"] == "es"
    response = client.get(json_url(family), HTTP_ACCEPT_LANGUAGE="en")
    document = json.loads(response.content)
    assert document["language"] == "en"
    assert document["babies"][0]["sessions"][0]["cues"][0]["body_area_label"] == "Legs"


def test_labels_are_made_once_per_language():
    with translation.override("es"):
        spanish = exports.Labels.of()
    english = exports.Labels.of("en")
    assert spanish.language == "es" and english.language == "en"
    assert english.body_area["legs"] == "Legs"
    assert set(spanish.body_area) == set(english.body_area) == set(Step.BodyArea.values)
