"""The session pages as a parent uses them: readiness check, player, progress, finish, summary."""

import json
import re
from datetime import timedelta
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from massage.templatetags.display import duration
from sessions.models import MassageSession, Outcome, StepVisit
from tests.factories import (
    BabyFactory,
    InstructorFactory,
    MassageSessionFactory,
    MembershipFactory,
    RoutineFactory,
    StepFactory,
    StepVisitFactory,
    routine_with_areas,
)
from tests.markup import assert_in_html, attribute, elements

INVALID = 422

ALL_CLEAR = {
    "health": "well",
    "vaccination": "no",
    "skin": "clear",
    "cord": "healed",
    "feed": "over_30",
    "state": "quiet_alert",
}


@pytest.fixture
def routine(db):
    return routine_with_areas(["legs", "tummy", "arms", "tummy", "back"], title="Evening calm")


@pytest.fixture
def steps(routine):
    return list(routine.steps.order_by("order"))


@pytest.fixture
def session(routine, baby, parent):
    return MassageSessionFactory(routine=routine, baby=baby, started_by=parent)


def start_url(baby, routine):
    return reverse("sessions:session-start", args=[baby.pk, routine.slug])


def url(name, session):
    return reverse(f"sessions:session-{name}", args=[session.pk])


def fresh(session):
    return MassageSession.objects.get(pk=session.pk)


def snapshot(session):
    session = fresh(session)
    visits = list(
        StepVisit.objects.filter(session=session)
        .order_by("order")
        .values_list("step_id", "seconds", "skipped")
    )
    return (
        session.current_step_id,
        session.current_elapsed,
        session.progress_seq,
        session.ended_at,
        session.outcome,
        session.end_reason,
        session.note,
        visits,
    )


def text(response):
    return unescape(response.content.decode())


def player_data(response):
    match = re.search(
        r'<script id="player-data" type="application/json">(.*?)</script>',
        response.content.decode(),
        re.S,
    )
    assert match, "the player page has no #player-data"
    return json.loads(match.group(1))


def ticked(html, name):
    """The values of the ticked radio buttons or checkboxes called `name`."""
    return [attribute(box, "value") for box in elements(html, "input", name=name, checked=None)]


def rendered_steps(response):
    """(step id, hidden?) for each step section of the player, in page order."""
    return [
        (int(attribute(section, "data-step-id")), ("hidden", None) in section.attributes)
        for section in elements(response.content.decode(), "section", **{"class": "player-step"})
    ]


# -- The readiness check -----------------------------------------------------------------------


def test_start_page_asks_the_questions(as_parent, baby, routine):
    response = as_parent.get(start_url(baby, routine))
    assert response.status_code == 200
    page = text(response)
    assert f"Is {baby.name} ready?" in page
    for question in [
        "Is your baby well today?",
        "Any vaccination in the last 3 days?",
        "How is the skin?",
        "Has the cord stump come off and the navel healed?",
        "When did your baby last feed?",
        "How is your baby right now?",
    ]:
        assert question in page
    assert "Start anyway" not in page
    assert not MassageSession.objects.exists()


def test_start_page_leaves_out_the_cord_question_without_tummy_strokes(as_parent, baby):
    routine = routine_with_areas(["legs", "arms"])
    response = as_parent.get(start_url(baby, routine))
    assert response.status_code == 200
    assert "cord stump" not in text(response)
    assert not elements(response.content.decode(), None, name="cord")


def test_start_page_shows_the_notes_before_any_answer(as_parent, family):
    baby = BabyFactory(family=family, birth_date=timezone.localdate() - timedelta(days=10))
    routine = routine_with_areas(["legs"], uses_oil=True)
    response = as_parent.get(start_url(baby, routine))
    assert "No oil in the first weeks" in text(response)


def test_missing_answers_are_asked_again(as_parent, baby, routine):
    data = {k: v for k, v in ALL_CLEAR.items() if k not in {"skin", "state"}}
    response = as_parent.post(start_url(baby, routine), data)
    assert response.status_code == INVALID
    assert "Please answer each question." in text(response)
    assert not MassageSession.objects.exists()


def test_unknown_answer_is_refused(as_parent, baby, routine):
    response = as_parent.post(start_url(baby, routine), ALL_CLEAR | {"state": "dancing"})
    assert response.status_code == INVALID
    assert not MassageSession.objects.exists()


def test_all_clear_starts_the_session_and_opens_the_player(as_parent, baby, routine, steps):
    response = as_parent.post(start_url(baby, routine), ALL_CLEAR)
    session = MassageSession.objects.get()
    assert response.status_code == 302
    assert response.url == url("player", session)
    assert session.baby == baby
    assert session.current_step == steps[0]
    assert session.excluded_steps == []
    assert session.readiness == ALL_CLEAR


def test_advice_comes_first_and_the_parent_may_start_anyway(as_parent, baby, routine, parent):
    answers = ALL_CLEAR | {"vaccination": "yes", "state": "drowsy"}
    response = as_parent.post(start_url(baby, routine), answers)
    assert response.status_code == 200
    page = text(response)
    assert "Maybe not right now" in page
    assert "never massage the injection site" in page
    assert "drifting off" in page
    assert "Start anyway" in page
    html = response.content.decode()
    assert_in_html('<input type="hidden" name="go_ahead" value="on">', html)
    # The answers travel with the "Start anyway" form.
    for name, value in answers.items():
        assert_in_html(f'<input type="hidden" name="{name}" value="{value}">', html)
    assert not MassageSession.objects.exists()

    response = as_parent.post(start_url(baby, routine), answers | {"go_ahead": "on"})
    session = MassageSession.objects.get()
    assert response.status_code == 302
    assert response.url == url("player", session)
    assert session.state_at_start == "drowsy"
    assert session.readiness == answers
    assert session.started_by == parent


def test_cord_not_healed_shows_what_is_left_out_then_starts_without_the_tummy_strokes(
    as_parent, baby, routine, steps
):
    answers = ALL_CLEAR | {"cord": "not_healed"}
    response = as_parent.post(start_url(baby, routine), answers)
    assert response.status_code == 200
    page = text(response)
    assert "A shorter routine today" in page
    assert "until the cord site has fully healed" in page
    assert "Start the shorter routine" in page
    assert "Start anyway" not in page
    assert not MassageSession.objects.exists()

    response = as_parent.post(start_url(baby, routine), answers | {"go_ahead": "on"})
    session = MassageSession.objects.get()
    assert response.status_code == 302
    tummy = [s for s in steps if s.body_area == "tummy"]
    assert sorted(session.excluded_steps) == sorted(s.pk for s in tummy)

    player = as_parent.get(response.url)
    assert player.status_code == 200
    page = text(player)
    assert "until the cord site has fully healed" in page
    shown = [step_id for step_id, _hidden in rendered_steps(player)]
    assert shown == [s.pk for s in steps if s.body_area != "tummy"]
    for step in tummy:
        assert step.stroke not in page
    assert [s["id"] for s in player_data(player)["steps"]] == shown


def test_left_out_steps_show_every_reason_and_the_new_length(as_parent, baby, routine, steps):
    response = as_parent.post(
        start_url(baby, routine), ALL_CLEAR | {"cord": "not_healed", "health": "tummy_upset"}
    )
    page = text(response)
    assert "until the cord site has fully healed" in page
    assert "because of the upset tummy" in page
    kept = sum(s.duration_seconds for s in steps if s.body_area != "tummy")
    full = sum(s.duration_seconds for s in steps)
    assert f"The routine now takes {duration(kept)} instead of {duration(full)}." in page


def test_a_routine_mostly_left_out_suggests_one_that_fits_today(as_parent, baby):
    tummy_time = routine_with_areas(["tummy", "tummy", "tummy", "legs"], title="Tummy time")
    legs = routine_with_areas(["legs", "feet"], title="Legs and feet")
    routine_with_areas(["arms", "tummy"], title="Arms and tummy")  # has tummy strokes
    routine_with_areas(["legs"], title="For toddlers", min_age_months=24, max_age_months=36)
    answers = ALL_CLEAR | {"cord": "not_healed"}
    response = as_parent.post(start_url(baby, tummy_time), answers)
    page = text(response)
    assert "Or try one that fits today" in page
    assert "Start “Legs and feet” instead" in page
    assert "Arms and tummy" not in page
    assert "For toddlers" not in page
    assert elements(response.content.decode(), "form", method="post", action=start_url(baby, legs))

    # One tap starts it, with the answers already given.
    response = as_parent.post(start_url(baby, legs), answers | {"go_ahead": "on"})
    assert response.status_code == 302
    session = MassageSession.objects.get()
    assert session.routine == legs
    assert session.excluded_steps == []


def test_a_routine_shortened_a_little_suggests_nothing_else(as_parent, baby, routine):
    routine_with_areas(["legs", "feet"], title="Legs and feet")
    page = text(as_parent.post(start_url(baby, routine), ALL_CLEAR | {"leave_out": ["legs"]}))
    assert "Left out today, as you asked: legs." in page
    assert "Or try one that fits today" not in page


def test_an_unwell_baby_gets_no_start_anyway(as_parent, baby, routine):
    answers = ALL_CLEAR | {"health": "unwell"}
    response = as_parent.post(start_url(baby, routine), answers)
    assert response.status_code == 200
    page = text(response)
    assert "Not today: let" in page
    assert "Skin to skin" in page
    assert "health visitor" in page
    assert "Start anyway" not in page
    assert not elements(response.content.decode(), None, name="go_ahead")

    # Sending "start" by hand is refused too.
    refused = as_parent.post(start_url(baby, routine), answers | {"go_ahead": "on"})
    assert refused.status_code == 409
    assert not MassageSession.objects.exists()


@pytest.mark.parametrize(
    "changes", [{"health": "unwell"}, {"vaccination": "yes"}, {"cord": "not_healed"}]
)
def test_every_verdict_can_go_back_to_the_answers_given(as_parent, baby, routine, changes):
    answers = ALL_CLEAR | changes | {"leave_out": ["arms"]}
    page = as_parent.post(start_url(baby, routine), answers).content.decode()
    link = re.search(r'href="([^"]+)">Change my answers</a>', page)
    assert link, "no Change my answers link"
    form_page = as_parent.get(unescape(link.group(1))).content.decode()
    assert "Is your baby well today?" in form_page
    for name, value in (answers | {"leave_out": "arms"}).items():
        assert ticked(form_page, name) == [value], name


def test_the_questions_that_rarely_change_keep_last_times_answers(as_parent, baby, routine):
    MassageSessionFactory(
        baby=baby,
        routine=routine,
        ended_at=timezone.now(),
        outcome=Outcome.COMPLETED,
        readiness=ALL_CLEAR | {"skin": "problem", "feed": "recent", "health": "tummy_upset"},
    )
    page = as_parent.get(start_url(baby, routine)).content.decode()
    assert ticked(page, "skin") == ["problem"]
    assert ticked(page, "cord") == ["healed"]
    assert "The answers about the skin and the cord are the ones you gave last time" in page
    for asked_again in ("health", "feed", "state", "vaccination"):
        assert ticked(page, asked_again) == [], asked_again


def test_only_the_answers_remembered_are_said_to_be(as_parent, baby):
    routine = routine_with_areas(["legs"])  # no cord question
    MassageSessionFactory(
        baby=baby, routine=routine, ended_at=timezone.now(), outcome=Outcome.COMPLETED
    )
    page = text(as_parent.get(start_url(baby, routine)))
    assert "The answer about the skin is the one you gave last time" in page
    assert "cord" not in page


def test_the_routines_cautions_start_open_the_first_time_only(as_parent, baby):
    routine = routine_with_areas(["legs"], cautions="Go gently on the knees.")
    first = as_parent.get(start_url(baby, routine)).content.decode()
    assert elements(first, "details", open=None, **{"class": "card cautions"})
    MassageSessionFactory(
        baby=baby, routine=routine, ended_at=timezone.now(), outcome=Outcome.COMPLETED
    )
    again = as_parent.get(start_url(baby, routine)).content.decode()
    assert elements(again, "details", **{"class": "card cautions"})
    assert not elements(again, "details", open=None, **{"class": "card cautions"})


def test_start_while_one_is_running_offers_to_continue_or_end_it(as_parent, baby, routine, session):
    other = routine_with_areas(["legs", "arms"])
    response = as_parent.get(start_url(baby, other))
    assert response.status_code == 200
    page = text(response)
    assert "A massage is already under way" in page
    assert "Continue it" in page
    assert "End it" in page
    assert url("player", session) in page
    assert url("finish", session) in page

    response = as_parent.post(start_url(baby, other), ALL_CLEAR)
    assert response.status_code == 409
    assert "Continue it" in text(response)
    assert MassageSession.objects.count() == 1


def test_a_massage_started_moments_ago_says_just_now(as_parent, baby, routine, session):
    other = routine_with_areas(["legs", "arms"])
    page = text(as_parent.get(start_url(baby, other)))
    assert "started just now and hasn't ended" in page
    assert "0\xa0minutes" not in page
    MassageSession.objects.filter(pk=session.pk).update(
        started_at=timezone.now() - timedelta(minutes=5)
    )
    page = text(as_parent.get(start_url(baby, other)))
    assert "started 5\xa0minutes ago and hasn't ended" in page


def test_start_after_a_stale_session_closes_it(as_parent, baby, routine, session):
    MassageSession.objects.filter(pk=session.pk).update(
        last_activity_at=timezone.now() - timedelta(hours=4)
    )
    response = as_parent.post(start_url(baby, routine), ALL_CLEAR)
    assert response.status_code == 302
    assert fresh(session).outcome == Outcome.INTERRUPTED
    assert MassageSession.objects.filter(ended_at__isnull=True).count() == 1


def test_opening_the_start_page_closes_a_stale_session(as_parent, baby, routine, session):
    MassageSession.objects.filter(pk=session.pk).update(
        last_activity_at=timezone.now() - timedelta(hours=4)
    )
    response = as_parent.get(start_url(baby, routine))
    assert response.status_code == 200
    assert "A massage is already under way" not in text(response)
    assert fresh(session).outcome == Outcome.INTERRUPTED


def test_start_page_shows_the_routines_cautions_and_when_to_ask_a_clinician(as_parent, baby):
    routine = routine_with_areas(
        ["legs"], cautions="Skip the feet if the socks leave marks.\n\nNo pressure on the knees."
    )
    page = text(as_parent.get(start_url(baby, routine)))
    assert "Take care with this routine" in page
    assert "<li>Skip the feet if the socks leave marks.</li>" in page
    assert "<li>No pressure on the knees.</li>" in page
    assert "heart condition" in page
    assert "seizure" in page
    assert "jaundice" in page
    assert "operation recently" in page


def test_start_page_without_cautions_has_no_caution_list(as_parent, baby, routine):
    assert "Take care with this routine" not in text(as_parent.get(start_url(baby, routine)))


def test_start_page_gives_age_advice_for_a_routine_made_for_older_babies(as_parent, baby):
    routine = routine_with_areas(["legs"], min_age_months=6, max_age_months=12)
    response = as_parent.get(start_url(baby, routine))
    assert response.status_code == 200
    page = text(response)
    assert "made for babies of 6 to 12 months" in page
    # Advice only: the questions are still there and the parent can start.
    assert "Is your baby well today?" in page
    response = as_parent.post(start_url(baby, routine), ALL_CLEAR)
    assert response.status_code == 302
    assert MassageSession.objects.filter(routine=routine).exists()


def test_every_step_left_out_is_explained_and_starts_nothing(as_parent, baby):
    routine = routine_with_areas(["tummy", "tummy"])
    answers = ALL_CLEAR | {"cord": "not_healed"}
    response = as_parent.post(start_url(baby, routine), answers)
    assert response.status_code == 409
    assert "Every step of this routine is left out today" in text(response)
    assert "Start the shorter routine" not in text(response)
    response = as_parent.post(start_url(baby, routine), answers | {"go_ahead": "on"})
    assert response.status_code == 409
    assert "Every step of this routine was left out today" in text(response)
    assert not MassageSession.objects.exists()


@pytest.mark.parametrize("method", ["get", "post"])
def test_routine_the_parent_cannot_see_is_404(as_parent, baby, method):
    draft = RoutineFactory(author=InstructorFactory(), published=False)
    routine_with_areas(["legs"])  # something visible exists
    response = getattr(as_parent, method)(start_url(baby, draft), ALL_CLEAR)
    assert response.status_code == 404
    unpublished_library = RoutineFactory(published=False)
    response = getattr(as_parent, method)(start_url(baby, unpublished_library), ALL_CLEAR)
    assert response.status_code == 404
    assert not MassageSession.objects.exists()


def test_instructor_may_start_their_own_draft_with_their_baby(client, baby, family):
    instructor = InstructorFactory()
    MembershipFactory(user=instructor, family=family)
    draft = routine_with_areas(["legs"], author=instructor, published=False)
    client.force_login(instructor)
    response = client.post(start_url(baby, draft), ALL_CLEAR)
    assert response.status_code == 302
    assert MassageSession.objects.get().routine == draft


@pytest.mark.parametrize("method", ["get", "post"])
def test_another_familys_baby_is_404(as_parent, routine, outsider, method):
    their_baby = outsider.families.get().babies.get()
    response = getattr(as_parent, method)(start_url(their_baby, routine), ALL_CLEAR)
    assert response.status_code == 404
    assert not MassageSession.objects.exists()


# -- The player --------------------------------------------------------------------------------


def test_player_renders_every_step_and_shows_only_the_current_one(as_parent, session, steps):
    MassageSession.objects.filter(pk=session.pk).update(
        current_step=steps[2], current_elapsed=7.5, progress_seq=4
    )
    StepVisit.objects.create(
        session=session,
        step=steps[0],
        order=steps[0].order,
        body_area=steps[0].body_area,
        stroke=steps[0].stroke,
        seconds=31,
    )
    response = as_parent.get(url("player", session))
    assert response.status_code == 200
    assert rendered_steps(response) == [(s.pk, s != steps[2]) for s in steps]
    page = text(response)
    assert "Step 3 of 5" in page
    assert f"Next: {steps[3].stroke}" in page
    data = player_data(response)
    assert [s["id"] for s in data["steps"]] == [s.pk for s in steps]
    assert data["steps"][0]["seconds"] == 30
    # The words are in the step's section only; the player reads them from there.
    assert "stroke" not in data["steps"][0] and "instruction" not in data["steps"][0]
    (first,) = elements(page, "section", **{"data-step-id": str(steps[0].pk)})
    assert steps[0].stroke in unescape(str(first))
    assert steps[0].instruction in unescape(str(first))
    assert data["current"] == steps[2].pk
    assert data["seq"] == 4
    assert data["elapsed"] == 7.5
    assert data["visits"] == {str(steps[0].pk): [31.0, False]}
    # The plain form (no JavaScript) posts from the current step.
    assert_in_html(f'<input type="hidden" name="step" value="{steps[2].pk}">', page)


def test_player_steps_drawn_alike_each_point_at_their_own_drawing(as_parent, baby):
    # A browser draws nothing for one step from another, hidden step: each step's strokes are
    # its own, and the outline and arrowheads they share come from the page's sprite, which is
    # never hidden. Every id on the page is its own.
    routine = RoutineFactory()
    alike = [StepFactory(routine=routine, stroke="Milking") for _ in range(2)]
    session = MassageSessionFactory(routine=routine, baby=baby, current_step=alike[1])
    page = as_parent.get(url("player", session)).content.decode()
    ids = re.findall(r' id="([^"]+)"', page)
    assert len(ids) == len(set(ids))
    (sprite,) = elements(page, "svg", **{"class": "bodymap-sprite"})
    assert ("hidden", None) not in sprite.attributes
    sprite_ids = {attribute(el, "id") for el in elements(sprite, None) if attribute(el, "id")}
    markers = {attribute(marker, "id") for marker in elements(sprite, "marker")}
    sections = elements(page, "section", **{"class": "player-step"})
    assert len(sections) == 2
    # The current step's picture is in the page, the other's in the routine's figures file,
    # which the player puts into that step's section.
    figures_url = attribute(elements(page, "div", **{"data-player": ""})[0], "data-figures-url")
    figures = as_parent.get(figures_url).content.decode()
    pictures = elements(page, "div", **{"class": "player-figure"})
    drawn = [picture for picture in pictures if elements(picture, "svg")]
    assert len(drawn) == 1
    fetched = {attribute(div, "data-figure-for"): div for div in elements(figures, "div")}
    fetched.pop(None, None)
    assert set(fetched) == {str(alike[0].pk), str(alike[1].pk)}
    for section in [drawn[0], fetched[str(alike[0].pk)]]:
        own = {attribute(el, "id") for el in elements(section, None) if attribute(el, "id")}
        refs = [
            re.fullmatch(r"url\(#(.+)\)", attribute(el, "marker-end")).group(1)
            for el in elements(section, None)
            if attribute(el, "marker-end")
        ]
        assert refs
        assert set(refs) <= markers
        uses = [attribute(el, "href") for el in elements(section, "use")]
        assert uses
        assert {href.removeprefix("#") for href in uses} <= own | sprite_ids


def test_player_on_the_last_step_offers_finish(as_parent, routine, baby, steps):
    session = MassageSessionFactory(routine=routine, baby=baby, current_step=steps[-1])
    page = text(as_parent.get(url("player", session)))
    assert "Step 5 of 5" in page
    assert ">Finish</button>" in page
    plain_form = page.split("player-plain")[1].split("</form>")[0]
    assert "Next:" not in plain_form


def test_player_of_an_ended_session_goes_to_the_summary(as_parent, session):
    session.finish(outcome=Outcome.COMPLETED)
    response = as_parent.get(url("player", session))
    assert response.status_code == 302
    assert response.url == url("summary", session)


def test_player_of_a_session_left_for_hours_closes_it_as_interrupted(as_parent, session, steps):
    last = timezone.now() - timedelta(days=2)
    MassageSession.objects.filter(pk=session.pk).update(last_activity_at=last)
    response = as_parent.get(url("player", session))
    assert response.status_code == 302
    assert response.url == url("summary", session)
    saved = fresh(session)
    assert (saved.outcome, saved.ended_at) == (Outcome.INTERRUPTED, last)
    page = text(as_parent.get(response.url))
    assert "Interrupted" in page
    assert "Left unfinished" in page


def test_summary_of_a_session_left_for_hours_closes_it(as_parent, session):
    MassageSession.objects.filter(pk=session.pk).update(
        last_activity_at=timezone.now() - timedelta(hours=4)
    )
    response = as_parent.get(url("summary", session))
    assert response.status_code == 200
    assert "Interrupted" in text(response)
    assert fresh(session).outcome == Outcome.INTERRUPTED


def test_player_of_a_session_paused_for_a_while_resumes(as_parent, session):
    MassageSession.objects.filter(pk=session.pk).update(
        last_activity_at=timezone.now() - timedelta(hours=2)
    )
    assert as_parent.get(url("player", session)).status_code == 200
    assert fresh(session).is_running


def test_player_of_a_session_whose_routine_was_deleted_ends_it(as_parent, session, routine):
    routine.delete()
    response = as_parent.get(url("player", session))
    assert response.status_code == 302
    assert response.url == url("summary", session)
    assert fresh(session).outcome == Outcome.INTERRUPTED
    assert as_parent.get(response.url).status_code == 200


# -- Background progress (the JavaScript player) -----------------------------------------------


def progress(client, session, **data):
    return client.post(url("progress", session), data)


def good_progress(steps, **changes):
    data = {
        "seq": 1,
        "step": steps[1].pk,
        "elapsed": 4.5,
        "visits": json.dumps({str(steps[0].pk): [30, False]}),
    }
    return data | changes


def test_progress_is_saved(as_parent, session, steps):
    response = progress(
        as_parent,
        session,
        **good_progress(
            steps,
            seq=3,
            step=steps[2].pk,
            visits=json.dumps({str(steps[0].pk): [30, False], str(steps[1].pk): [0, True]}),
        ),
    )
    assert response.status_code == 204
    saved = fresh(session)
    assert (saved.progress_seq, saved.current_step, saved.current_elapsed) == (3, steps[2], 4.5)
    rows = set(StepVisit.objects.values_list("step_id", "seconds", "skipped"))
    assert rows == {(steps[0].pk, 30, False), (steps[1].pk, 0, True)}


def test_progress_while_logged_out_answers_401_in_json_and_changes_nothing(client, session, steps):
    before = snapshot(session)
    url = reverse("sessions:session-progress", args=[session.pk])
    response = client.post(url, good_progress(steps, seq=3), HTTP_ACCEPT="application/json")
    assert response.status_code == 401
    assert "log in again" in response.json()["error"]
    assert snapshot(session) == before
    # A plain request still goes to the login page.
    assert client.post(url, good_progress(steps, seq=3)).status_code == 302


def test_progress_without_visits_is_fine(as_parent, session, steps):
    response = progress(as_parent, session, seq=1, step=steps[0].pk, elapsed=0)
    assert response.status_code == 204
    assert fresh(session).progress_seq == 1
    assert not StepVisit.objects.exists()


def test_progress_with_a_used_seq_is_a_conflict(as_parent, session, steps):
    assert progress(as_parent, session, **good_progress(steps, seq=2)).status_code == 204
    before = snapshot(session)
    for seq in [2, 1]:
        response = progress(
            as_parent,
            session,
            **good_progress(
                steps, seq=seq, step=steps[3].pk, visits=json.dumps({str(steps[0].pk): [99, True]})
            ),
        )
        assert response.status_code == 409
        assert response["Content-Type"] == "application/json"
        body = response.json()
        assert body["errors"]["__all__"]
        # Where the session is, so the player can catch up.
        assert (body["seq"], body["step"], body["running"]) == (2, steps[1].pk, True)
        assert snapshot(session) == before


@pytest.mark.parametrize(
    "changes",
    [
        {"seq": 0},
        {"seq": "x"},
        {"seq": ""},
        {"step": ""},
        {"step": "abc"},
        {"elapsed": -1},
        {"elapsed": 99999},
        {"elapsed": "nan"},
        {"elapsed": "inf"},
        {"visits": "{not json"},
        {"visits": "[1, 2]"},
        {"visits": '{"abc": [1, false]}'},
        {"visits": '{"-1": [1, false]}'},
        {"visits": '{"\\u00b2": [1, false]}'},
        {"visits": '{"%(first)s": [-1, false]}'},
        {"visits": '{"%(first)s": [99999, false]}'},
        {"visits": '{"%(first)s": ["30", false]}'},
        {"visits": '{"%(first)s": [true, false]}'},
        {"visits": '{"%(first)s": [30, "no"]}'},
        {"visits": '{"%(first)s": [30]}'},
        {"visits": '{"%(first)s": {"seconds": 30}}'},
        {"visits": '{"%(first)s": [NaN, false]}'},
        {"visits": '{"%(first)s": [Infinity, false]}'},
        # A key too long for int() (Python refuses over 4300 digits).
        {"visits": '{"%(huge)s": [1, false]}'},
        {"visits": '{"%(first)s": [30, false, -15]}'},
        {"visits": '{"%(first)s": [30, false, 601]}'},
        {"visits": '{"%(first)s": [30, false, "15"]}'},
        {"visits": '{"%(first)s": [30, false, 15.5]}'},
        {"visits": '{"%(first)s": [30, false, 15, 1]}'},
        # Steps of 30 s: at most 30 * 3 + 60 = 150 s, or (30 + 15) * 3 + 60 = 195 s with +15.
        {"visits": '{"%(first)s": [150.1, false]}'},
        {"visits": '{"%(first)s": [195.1, false, 15]}'},
        {"elapsed": 150.1},
        {"elapsed": 3600},
    ],
)
def test_bad_progress_is_refused_and_changes_nothing(as_parent, session, steps, changes):
    changes = {
        key: value % {"first": steps[0].pk, "huge": "1" * 5000} if isinstance(value, str) else value
        for key, value in changes.items()
    }
    before = snapshot(session)
    response = progress(as_parent, session, **good_progress(steps, **changes))
    assert response.status_code == 400
    assert response.json()["errors"]
    assert snapshot(session) == before


def test_progress_up_to_the_time_cap_is_saved_with_the_seconds_added(as_parent, session, steps):
    response = progress(
        as_parent,
        session,
        **good_progress(
            steps,
            elapsed=195,
            visits=json.dumps({str(steps[0].pk): [150, False], str(steps[1].pk): [195, False, 15]}),
        ),
    )
    assert response.status_code == 204
    rows = set(StepVisit.objects.values_list("step_id", "seconds", "extra_seconds"))
    assert rows == {(steps[0].pk, 150, 0), (steps[1].pk, 195, 15)}
    # The player gets the seconds added back, so a reload shows the same time left.
    data = player_data(as_parent.get(url("player", session)))
    assert data["extra"] == {str(steps[1].pk): 15}
    assert data["elapsed"] == 195
    assert data["limits"] == {"factor": 3, "margin": 60, "maxSeconds": 3600, "maxExtra": 600}


def test_seconds_added_can_be_taken_back_by_the_next_save(as_parent, session, steps):
    first = {str(steps[1].pk): [10, False, 30]}
    assert progress(as_parent, session, **good_progress(steps, visits=json.dumps(first)))
    second = {str(steps[1].pk): [12, False, 0]}
    response = progress(
        as_parent, session, **good_progress(steps, seq=2, visits=json.dumps(second))
    )
    assert response.status_code == 204
    assert StepVisit.objects.get(step=steps[1]).extra_seconds == 0


def test_progress_jumping_far_ahead_is_refused(as_parent, session, steps):
    assert progress(as_parent, session, **good_progress(steps, seq=5)).status_code == 204
    before = snapshot(session)
    response = progress(as_parent, session, **good_progress(steps, seq=5 + 10_001))
    assert response.status_code == 400
    assert response.json()["errors"]["__all__"]
    assert snapshot(session) == before
    assert progress(as_parent, session, **good_progress(steps, seq=5 + 10_000)).status_code == 204


def test_progress_for_a_step_of_another_routine_is_refused(as_parent, session, steps):
    foreign = routine_with_areas(["legs"]).steps.get()
    before = snapshot(session)
    response = progress(as_parent, session, **good_progress(steps, step=foreign.pk))
    assert response.status_code == 400
    assert "step" in response.json()["errors"]
    response = progress(
        as_parent,
        session,
        **good_progress(steps, visits=json.dumps({str(foreign.pk): [10, False]})),
    )
    assert response.status_code == 400
    assert "visits" in response.json()["errors"]
    assert snapshot(session) == before
    assert not StepVisit.objects.exists()


def test_progress_for_a_step_left_out_is_refused(as_parent, routine, baby, steps):
    tummy = [s.pk for s in steps if s.body_area == "tummy"]
    session = MassageSessionFactory(routine=routine, baby=baby, excluded_steps=tummy)
    before = snapshot(session)
    assert progress(as_parent, session, **good_progress(steps, step=tummy[0])).status_code == 400
    assert snapshot(session) == before


def test_progress_needs_a_post(as_parent, session):
    before = snapshot(session)
    assert as_parent.get(url("progress", session)).status_code == 405
    assert snapshot(session) == before


def test_progress_of_a_finished_session_is_a_conflict(as_parent, session, steps):
    session.finish(outcome=Outcome.BABY_LED_END)
    before = snapshot(session)
    response = progress(as_parent, session, **good_progress(steps))
    assert response.status_code == 409
    assert response.json()["errors"]["__all__"]
    assert response.json()["running"] is False
    assert snapshot(session) == before


def test_progress_of_a_stale_session_closes_it_and_is_a_conflict(as_parent, session, steps):
    MassageSession.objects.filter(pk=session.pk).update(
        last_activity_at=timezone.now() - timedelta(hours=4)
    )
    response = progress(as_parent, session, **good_progress(steps))
    assert response.status_code == 409
    assert response.json()["running"] is False
    saved = fresh(session)
    assert (saved.outcome, saved.progress_seq) == (Outcome.INTERRUPTED, 0)
    assert not StepVisit.objects.exists()


# -- The player without JavaScript -------------------------------------------------------------


def move(client, session, step, action):
    return client.post(url("step", session), {"step": step.pk, "action": action})


def test_plain_next_previous_and_skip_move_the_current_step(as_parent, session, steps):
    response = move(as_parent, session, steps[0], "next")
    assert response.status_code == 302
    assert response.url == url("player", session)
    assert fresh(session).current_step == steps[1]

    move(as_parent, session, steps[1], "skip")
    assert fresh(session).current_step == steps[2]
    assert StepVisit.objects.get(step=steps[1]).skipped

    move(as_parent, session, steps[2], "previous")
    assert fresh(session).current_step == steps[1]

    page = text(as_parent.get(url("player", session)))
    assert "Step 2 of 5" in page


def test_plain_move_from_a_stale_step_explains_and_changes_nothing(as_parent, session, steps):
    move(as_parent, session, steps[0], "next")
    before = snapshot(session)
    response = move(as_parent, session, steps[0], "next")
    assert response.status_code == 409
    assert snapshot(session) == before
    page = text(response)
    assert "The massage had already moved on" in page
    # The page shows where the massage is now.
    assert "Step 2 of 5" in page
    assert_in_html(f'<input type="hidden" name="step" value="{steps[1].pk}">', page)


@pytest.mark.parametrize("action", ["", "jump", "finish"])
def test_plain_unknown_action_explains_and_changes_nothing(as_parent, session, steps, action):
    before = snapshot(session)
    response = move(as_parent, session, steps[0], action)
    assert response.status_code == 400
    assert snapshot(session) == before
    page = text(response)
    assert "That step change could not be understood." in page
    assert "Step 1 of 5" in page


@pytest.mark.parametrize("step", ["", "abc", "999999", "1" * 5000])
def test_plain_unknown_step_explains_and_changes_nothing(as_parent, session, step):
    before = snapshot(session)
    response = as_parent.post(url("step", session), {"step": step, "action": "next"})
    assert response.status_code == 400
    assert snapshot(session) == before
    assert "That step change could not be understood." in text(response)


def test_plain_move_after_the_routine_was_deleted_ends_the_massage(as_parent, session, routine):
    routine.delete()
    response = as_parent.post(url("step", session), {"step": "1", "action": "next"})
    assert response.status_code == 302
    assert as_parent.get(response.url).status_code == 302
    assert fresh(session).outcome == Outcome.INTERRUPTED


def test_plain_move_needs_a_post(as_parent, session):
    assert as_parent.get(url("step", session)).status_code == 405


def test_walking_next_to_the_end_completes_the_massage(as_parent, session, steps):
    for step in steps[:-1]:
        response = move(as_parent, session, step, "next")
        assert response.url == url("player", session)
    response = move(as_parent, session, steps[-1], "next")
    assert response.status_code == 302
    assert response.url == url("summary", session)
    saved = fresh(session)
    assert saved.outcome == Outcome.COMPLETED
    assert saved.ended_at is not None
    assert StepVisit.objects.filter(session=session).count() == 5
    summary = as_parent.get(response.url)
    assert summary.status_code == 200
    assert "Well done" in text(summary)


def test_plain_move_in_an_ended_session_shows_the_summary(as_parent, session, steps):
    session.finish(outcome=Outcome.ENDED_EARLY)
    before = snapshot(session)
    response = move(as_parent, session, steps[0], "next")
    assert response.status_code == 409
    assert snapshot(session) == before
    page = text(response)
    assert "This massage has ended." in page
    assert "Ended early" in page


def test_plain_player_goes_on_when_the_current_step_was_deleted(as_parent, session, steps):
    visit(session, steps[0], seconds=30)
    steps[1].delete()  # in the studio: the session's current step becomes NULL
    MassageSession.objects.filter(pk=session.pk).update(current_step=None)
    response = as_parent.get(url("player", session))
    assert response.status_code == 200
    # The first step not yet done.
    assert_in_html(
        f'<input type="hidden" name="step" value="{steps[2].pk}">', response.content.decode()
    )
    assert player_data(response)["current"] == steps[2].pk
    response = move(as_parent, session, steps[2], "next")
    assert response.status_code == 302
    assert fresh(session).current_step == steps[3]


def test_plain_next_after_going_back_to_a_skipped_step_counts_it_done(as_parent, session, steps):
    move(as_parent, session, steps[0], "skip")
    move(as_parent, session, steps[1], "previous")
    move(as_parent, session, steps[0], "next")
    assert not StepVisit.objects.get(step=steps[0]).skipped


# -- Finishing ---------------------------------------------------------------------------------


def test_finish_page_asks_how_it_ended(as_parent, session):
    response = as_parent.get(url("finish", session))
    assert response.status_code == 200
    page = text(response)
    assert "How did it end?" in page
    assert "My baby had had enough (baby-led end)" in page
    assert fresh(session).is_running


@pytest.mark.parametrize("outcome", ["", "interrupted", "exploded"])
def test_finish_with_a_bad_outcome_is_refused(as_parent, session, outcome):
    response = as_parent.post(url("finish", session), {"outcome": outcome})
    assert response.status_code == INVALID
    assert fresh(session).is_running


def test_finish_with_a_too_long_reason_is_refused(as_parent, session):
    response = as_parent.post(
        url("finish", session), {"outcome": "baby_led_end", "reason": "x" * 201}
    )
    assert response.status_code == INVALID
    assert fresh(session).is_running


@pytest.mark.parametrize("reason", ["", "   "])
def test_baby_led_end_needs_a_reason(as_parent, session, reason):
    response = as_parent.post(url("finish", session), {"outcome": "baby_led_end", "reason": reason})
    assert response.status_code == INVALID
    assert "how your baby showed they'd had enough" in text(response)
    assert fresh(session).is_running


def test_baby_led_end_is_celebrated(as_parent, session):
    response = as_parent.post(
        url("finish", session),
        {"outcome": "baby_led_end", "reason": "Turned away and cried", "note": "Liked legs"},
    )
    assert response.status_code == 302
    assert response.url == url("summary", session)
    saved = fresh(session)
    assert (saved.outcome, saved.end_reason, saved.note) == (
        Outcome.BABY_LED_END,
        "Turned away and cried",
        "Liked legs",
    )
    page = text(as_parent.get(response.url))
    assert "You followed your baby" in page
    assert "Turned away and cried" in page
    assert "Baby-led end" in page


def test_finishing_an_ended_session_changes_nothing(as_parent, session):
    session.finish(outcome=Outcome.BABY_LED_END, reason="tired")
    before = snapshot(session)
    response = as_parent.post(url("finish", session), {"outcome": "completed"})
    assert response.status_code == 409
    assert snapshot(session) == before
    page = text(response)
    assert "This massage had already ended." in page
    assert "You followed your baby" in page
    response = as_parent.get(url("finish", session))
    assert response.status_code == 302
    assert response.url == url("summary", session)


# -- The summary -------------------------------------------------------------------------------


def visit(session, step, seconds=0.0, skipped=False):
    return StepVisitFactory(
        session=session,
        step=step,
        seconds=seconds,
        skipped=skipped,
    )


def test_summary_shows_the_steps_done_and_skipped(as_parent, session, steps):
    visit(session, steps[0], seconds=65)
    visit(session, steps[1], skipped=True)
    visit(session, steps[2], seconds=30)
    session.finish(outcome=Outcome.ENDED_EARLY, at=session.started_at + timedelta(minutes=12))
    response = as_parent.get(url("summary", session))
    assert response.status_code == 200
    page = text(response)
    assert "Massage ended" in page
    assert "Ended early" in page
    stats = dict(re.findall(r"<dt>([^<]+)</dt><dd>([^<]*)</dd>", page))
    assert stats["Massage time"] == "2 min"
    assert stats["Session length"] == "12 min"
    assert stats["Steps done"] == "2"
    assert stats["Skipped"] == "1"
    items = re.findall(r"<li><span>(.*?) <span", page)
    assert items == [steps[0].stroke, steps[1].stroke, steps[2].stroke]
    assert "skipped" in page
    assert f"{session.routine_title} with {session.baby.name}" in page


def test_summary_of_a_running_session_goes_to_the_player(as_parent, session):
    response = as_parent.get(url("summary", session))
    assert response.status_code == 302
    assert response.url == url("player", session)


def test_summary_needs_no_readiness_answers(as_parent, routine, baby):
    session = MassageSessionFactory(routine=routine, baby=baby, readiness={})
    session.finish(outcome=Outcome.COMPLETED)
    response = as_parent.get(url("summary", session))
    assert response.status_code == 200
    assert "No steps were recorded." in text(response)


def test_note_is_saved(as_parent, session):
    session.finish(outcome=Outcome.COMPLETED)
    response = as_parent.post(url("note", session), {"note": "She loved the leg strokes."})
    assert response.status_code == 302
    assert response.url == url("summary", session)
    assert fresh(session).note == "She loved the leg strokes."
    page = text(as_parent.get(response.url))
    assert "Note saved." in page
    assert "She loved the leg strokes." in page


def test_note_over_2000_characters_is_refused_and_the_old_one_kept(as_parent, session):
    session.finish(outcome=Outcome.COMPLETED, note="Old note")
    response = as_parent.post(url("note", session), {"note": "x" * 2001})
    assert response.status_code == INVALID
    assert "at most 2000 characters" in text(response)
    assert fresh(session).note == "Old note"


def test_note_needs_a_post(as_parent, session):
    session.finish(outcome=Outcome.COMPLETED, note="Old note")
    assert as_parent.get(url("note", session)).status_code == 405


# -- Queries do not grow with the routine ------------------------------------------------------


def count_queries(client, page_url):
    with CaptureQueriesContext(connection) as context:
        response = client.get(page_url)
    assert response.status_code == 200
    return len(context.captured_queries)


PLAYER_CEILING = 5  # login session, user, the massage session with its baby, steps, visits
SUMMARY_CEILING = 5  # login session, user, the massage session with its baby, visits, cue counts


def sessions_of_length(baby, family, n):
    """A running and an ended session of an n-step routine, with a visit for every step."""
    routine = routine_with_areas(["legs", "tummy", "arms", "back"] * (n // 4) + ["feet"] * (n % 4))
    running = MassageSessionFactory(routine=routine, baby=baby)
    ended = MassageSessionFactory(routine=routine, baby=BabyFactory(family=family))
    for step in routine.steps.all():
        visit(running, step, seconds=10)
        visit(ended, step, seconds=10, skipped=step.order % 3 == 0)
    ended.finish(outcome=Outcome.COMPLETED)
    return running, ended


def test_player_and_summary_queries_do_not_grow_with_the_routine(
    as_parent, baby, family, django_assert_max_num_queries
):
    small_running, small_ended = sessions_of_length(baby, family, 5)
    small_player = count_queries(as_parent, url("player", small_running))
    small_summary = count_queries(as_parent, url("summary", small_ended))
    small_running.finish(outcome=Outcome.COMPLETED)

    big_running, big_ended = sessions_of_length(baby, family, 40)
    with django_assert_max_num_queries(PLAYER_CEILING):
        response = as_parent.get(url("player", big_running))
    assert len(rendered_steps(response)) == 40
    with django_assert_max_num_queries(SUMMARY_CEILING):
        response = as_parent.get(url("summary", big_ended))
    assert len(re.findall(r"<li><span>", response.content.decode())) == 40

    assert count_queries(as_parent, url("player", big_running)) == small_player <= PLAYER_CEILING
    assert count_queries(as_parent, url("summary", big_ended)) == small_summary <= SUMMARY_CEILING
