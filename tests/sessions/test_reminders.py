"""Reminders: a person's own email on chosen weekdays at a chosen time in their time zone.

The slot maths (`Reminder.due_slot`), the sending (`send_reminders` claims each slot with a unique
row, then queues the mail on django-tasks-db's database backend, the one the site runs), the
`send_reminders` command, the pages where a parent or caregiver sets one, and the mail's one-click
unsubscribe link. Every moment is passed in: nothing here depends on when the tests run.
"""

import multiprocessing
import zoneinfo
from datetime import UTC, date, datetime, time, timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection, connections
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from massage.models import Consent, InstructorLink, Scope
from massage.services import teaching as teaching_services
from sessions import services
from sessions.models import Reminder, ReminderSent, weekday_bits, weekdays_in_words
from tests.factories import (
    BabyFactory,
    InstructorFactory,
    MassageSessionFactory,
    MembershipFactory,
    ReminderFactory,
    RoutineFactory,
    StepVisitFactory,
    routine_with_areas,
)
from tests.markup import elements
from tests.queued_tasks import run_queued_tasks

INVALID = 422
BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")
# Monday 2 March 2026, 18:00 in Berlin (CET, UTC+1): the factory's reminder is due.
MONDAY_SIX_PM = datetime(2026, 3, 2, 17, 0, tzinfo=UTC)
MONDAY, THURSDAY, SUNDAY = 0, 3, 6


def reminder_page(family):
    return reverse("sessions:reminder-edit", args=[family.pk])


def unsubscribe_url(reminder):
    return reverse("sessions:reminder-unsubscribe", args=[reminder.token])


@pytest.fixture
def reminder(parent, family):
    return ReminderFactory(user=parent, family=family)


# -- When a reminder is due ----------------------------------------------------------------------


def test_weekdays_are_bits_from_monday():
    assert weekday_bits([MONDAY, THURSDAY]) == 0b1001
    assert weekday_bits(range(7)) == 127
    assert weekdays_in_words(0b1001) == "Mondays and Thursdays"
    assert weekdays_in_words(0b1010101) == "Mondays, Wednesdays, Fridays and Sundays"
    assert weekdays_in_words(127) == "every day"


@pytest.mark.parametrize(
    ("now", "due"),
    [
        (MONDAY_SIX_PM - timedelta(seconds=1), None),
        (MONDAY_SIX_PM, (date(2026, 3, 2), time(18, 0))),
        (MONDAY_SIX_PM + timedelta(minutes=29), (date(2026, 3, 2), time(18, 0))),
        # Half an hour late the slot is left: no reminder an evening late.
        (MONDAY_SIX_PM + timedelta(minutes=30), None),
        # Tuesday is not one of its days.
        (MONDAY_SIX_PM + timedelta(days=1), None),
        (MONDAY_SIX_PM + timedelta(days=3), (date(2026, 3, 5), time(18, 0))),
    ],
)
def test_a_reminder_is_due_at_its_time_in_its_own_zone(db, now, due):
    reminder = ReminderFactory(family=MembershipFactory().family)
    assert reminder.due_slot(now) == due


def test_the_same_moment_is_another_time_of_day_in_another_zone(db):
    family = MembershipFactory().family
    berlin = ReminderFactory(family=family, time=time(18, 0), time_zone="Europe/Berlin")
    new_york = ReminderFactory(
        family=MembershipFactory().family, time=time(12, 0), time_zone="America/New_York"
    )
    # 17:00 UTC is 18:00 in Berlin and 12:00 in New York (EST, UTC-5).
    assert berlin.due_slot(MONDAY_SIX_PM) == (date(2026, 3, 2), time(18, 0))
    assert new_york.due_slot(MONDAY_SIX_PM) == (date(2026, 3, 2), time(12, 0))
    assert new_york.due_slot(MONDAY_SIX_PM - timedelta(hours=5)) is None


def test_a_reminder_follows_its_zone_across_a_clock_change(db):
    """On 29 March 2026 Berlin moves from UTC+1 to UTC+2: 18:00 is then 16:00 UTC."""
    reminder = ReminderFactory(
        family=MembershipFactory().family, weekdays=weekday_bits([SUNDAY]), time=time(18, 0)
    )
    sunday_after = datetime(2026, 3, 29, 16, 0, tzinfo=UTC)
    assert reminder.due_slot(sunday_after) == (date(2026, 3, 29), time(18, 0))
    assert reminder.due_slot(sunday_after - timedelta(hours=1)) is None
    # The Sunday before, still winter time: 18:00 was 17:00 UTC.
    assert reminder.due_slot(datetime(2026, 3, 22, 17, 0, tzinfo=UTC)) == (
        date(2026, 3, 22),
        time(18, 0),
    )


def test_a_time_the_clocks_skip_is_sent_once_the_clocks_have_moved_on(db):
    """02:30 does not happen in Berlin on 29 March 2026 (02:00 → 03:00): it goes at 03:30."""
    reminder = ReminderFactory(
        family=MembershipFactory().family, weekdays=weekday_bits([SUNDAY]), time=time(2, 30)
    )
    at_three_thirty = datetime(2026, 3, 29, 1, 30, tzinfo=UTC)  # 03:30 CEST
    assert reminder.due_slot(at_three_thirty) == (date(2026, 3, 29), time(2, 30))
    assert reminder.due_slot(at_three_thirty - timedelta(minutes=1)) is None


def test_a_late_evening_reminder_sent_after_midnight_belongs_to_its_own_day(db):
    reminder = ReminderFactory(
        family=MembershipFactory().family, weekdays=weekday_bits([MONDAY]), time=time(23, 50)
    )
    tuesday_just_after_midnight = datetime(2026, 3, 2, 23, 5, tzinfo=UTC)  # 00:05 in Berlin
    assert reminder.due_slot(tuesday_just_after_midnight) == (date(2026, 3, 2), time(23, 50))


def test_a_reminder_turned_on_after_its_time_starts_with_the_next_one(db):
    reminder = ReminderFactory(
        family=MembershipFactory().family, active_since=MONDAY_SIX_PM + timedelta(minutes=10)
    )
    assert reminder.due_slot(MONDAY_SIX_PM + timedelta(minutes=15)) is None
    assert reminder.due_slot(MONDAY_SIX_PM + timedelta(days=3)) is not None


def test_a_reminder_that_is_off_is_never_due(reminder):
    reminder.active = False
    assert reminder.due_slot(MONDAY_SIX_PM) is None


# -- Setting one: the services -------------------------------------------------------------------


def test_saving_a_reminder_turns_it_on_and_a_second_save_changes_the_same_one(parent, family):
    membership = parent.memberships.get()
    first = services.reminder_save(
        membership=membership,
        weekdays=[MONDAY, THURSDAY],
        time=time(18, 0),
        time_zone="Europe/Berlin",
        now=MONDAY_SIX_PM,
    )
    assert (first.weekdays, first.time, first.active) == (0b1001, time(18, 0), True)
    assert first.active_since == MONDAY_SIX_PM
    assert len(first.token) >= 40
    services.reminder_turn_off(membership=membership)
    again = services.reminder_save(
        membership=membership,
        weekdays=[SUNDAY],
        time=time(7, 30),
        time_zone="Asia/Tokyo",
        now=MONDAY_SIX_PM,
    )
    assert again.pk == first.pk
    assert again.token == first.token  # the links in earlier mails still stop it
    assert Reminder.objects.get().weekdays == 1 << SUNDAY
    assert Reminder.objects.get().active


@pytest.mark.parametrize(
    ("weekdays", "zone"), [([], "Europe/Berlin"), ([7], "Europe/Berlin"), ([0], "Mars/Olympus")]
)
def test_a_reminder_on_no_weekday_or_in_no_zone_is_refused(parent, weekdays, zone):
    with pytest.raises(services.ReminderError) as refused:
        services.reminder_save(
            membership=parent.memberships.get(),
            weekdays=weekdays,
            time=time(18, 0),
            time_zone=zone,
        )
    assert refused.value.status == INVALID
    assert not Reminder.objects.exists()


# -- Sending -------------------------------------------------------------------------------------


def test_sending_twice_sends_once(reminder):
    assert services.send_reminders(now=MONDAY_SIX_PM) == 1
    assert services.send_reminders(now=MONDAY_SIX_PM + timedelta(minutes=5)) == 0
    assert ReminderSent.objects.filter(reminder=reminder).count() == 1
    assert DBTaskResult.objects.count() == 1  # queued on the database backend
    assert mail.outbox == []  # the worker sends it
    assert run_queued_tasks() == 1
    assert len(mail.outbox) == 1
    assert services.send_reminders(now=MONDAY_SIX_PM + timedelta(minutes=10)) == 0
    assert run_queued_tasks() == 0
    assert len(mail.outbox) == 1
    assert ReminderSent.objects.get().sent_at is not None
    # Thursday is the next slot.
    assert services.send_reminders(now=MONDAY_SIX_PM + timedelta(days=3)) == 1
    run_queued_tasks()
    assert len(mail.outbox) == 2


def test_a_slot_already_claimed_by_another_run_is_not_sent_again(reminder, monkeypatch):
    """The read of due reminders missed a claim made meanwhile: the unique row refuses it."""
    ReminderSent.objects.create(
        reminder=reminder, slot_date=date(2026, 3, 2), slot_time=time(18, 0)
    )
    # As if the other run's claim had happened after this run read what was due.
    monkeypatch.setattr(
        services, "reminders_due", lambda now: [(reminder, date(2026, 3, 2), time(18, 0))]
    )
    assert services.send_reminders(now=MONDAY_SIX_PM) == 0
    assert ReminderSent.objects.count() == 1
    assert DBTaskResult.objects.count() == 0


def test_a_reminder_is_written_in_its_readers_language(reminder):
    reminder.user.language = "es"
    reminder.user.save()
    services.send_reminders(now=MONDAY_SIX_PM)
    run_queued_tasks()
    (message,) = mail.outbox
    assert message.subject.startswith("¿Es buen momento para un masaje suave")
    assert "los lunes y los jueves" in message.body
    html, _type = message.alternatives[0]
    assert '<html lang="es"' in html


def test_the_command_run_twice_sends_once(reminder):
    call_command("send_reminders", now=MONDAY_SIX_PM)
    call_command("send_reminders", now=MONDAY_SIX_PM)
    run_queued_tasks()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [reminder.user.email]


def test_the_command_reads_its_moment_with_a_zone(reminder, capsys):
    call_command("send_reminders", "--now", "2026-03-02T18:00:00+01:00")
    assert "Queued 1 reminder(s)." in capsys.readouterr().out
    with pytest.raises(Exception, match="needs a time zone"):
        call_command("send_reminders", "--now", "2026-03-02T18:00:00")


def test_a_reminder_turned_off_before_the_worker_sends_it_is_not_sent(parent, reminder):
    services.send_reminders(now=MONDAY_SIX_PM)
    services.reminder_turn_off(membership=parent.memberships.get())
    run_queued_tasks()
    assert mail.outbox == []
    assert ReminderSent.objects.get().sent_at is None


def test_each_person_gets_their_own_reminder(parent, caregiver, family, reminder):
    ReminderFactory(user=caregiver, family=family)
    assert services.send_reminders(now=MONDAY_SIX_PM) == 2
    run_queued_tasks()
    assert sorted(message.to[0] for message in mail.outbox) == sorted(
        [parent.email, caregiver.email]
    )


def test_someone_who_left_the_family_gets_no_more_reminders(caregiver, family):
    ReminderFactory(user=caregiver, family=family)
    services.send_reminders(now=MONDAY_SIX_PM)
    caregiver.memberships.get().delete()
    run_queued_tasks()
    assert mail.outbox == []  # queued before they left, not sent after
    assert services.send_reminders(now=MONDAY_SIX_PM + timedelta(days=3)) == 0


def test_the_mail_is_kind_names_the_baby_and_the_weeks_assignment(parent, family, baby, reminder):
    baby.name = "Mia"
    baby.save()
    instructor = InstructorFactory(display_name="Ana Lopez")
    link = InstructorLink.objects.create(instructor=instructor, family=family)
    Consent.objects.create(link=link, scope=Scope.PRACTICE, changed_by=parent)
    routine = routine_with_areas(["legs"], title="Calm legs")
    teaching_services.assignment_create(
        instructor=instructor,
        routine=routine,
        family=family,
        note="Slow strokes after the bath",
        times_per_week=3,
        starts_on=date(2026, 2, 1),
    )
    # Monday morning's massage counts for the week; the Sunday before does not.
    for started in (datetime(2026, 3, 1, 8, 0, tzinfo=UTC), datetime(2026, 3, 2, 8, 0, tzinfo=UTC)):
        session = MassageSessionFactory(baby=baby, routine=routine, started_at=started)
        StepVisitFactory(session=session, seconds=60)
        session.finish(outcome="completed", at=started + timedelta(minutes=10))

    services.send_reminders(now=MONDAY_SIX_PM)
    run_queued_tasks()
    [message] = mail.outbox
    assert message.subject == "Time for a gentle massage with Mia?"
    assert "Calm legs: 1 of 3 times so far" in message.body
    assert "Slow strokes after the bath" in message.body
    assert "Mondays and Thursdays at 18:00 (Europe/Berlin)" in message.body
    token_url = f"http://127.0.0.1:8000{unsubscribe_url(reminder)}"
    assert token_url in message.body
    assert message.extra_headers["List-Unsubscribe"] == f"<{token_url}>"
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    [(html, kind)] = message.alternatives
    assert kind == "text/html"
    assert "Time for a gentle massage with Mia?" in html
    assert elements(html, "a", href=token_url)
    assert "Calm legs" in html


def test_a_family_with_two_babies_and_no_instructor(family, reminder, baby):
    baby.name = "Mia"
    baby.save()
    BabyFactory(family=family, name="Leo", birth_date=baby.birth_date + timedelta(days=1))
    services.send_reminders(now=MONDAY_SIX_PM)
    run_queued_tasks()
    [message] = mail.outbox
    assert message.subject == "Time for a gentle massage with Mia and Leo?"
    assert "from your instructor" not in message.body


def test_links_in_the_mail_use_the_sites_address(settings, reminder):
    settings.SITE_URL = "https://gentlehands.example"
    services.send_reminders(now=MONDAY_SIX_PM)
    run_queued_tasks()
    body = mail.outbox[0].body
    assert f"https://gentlehands.example{reverse('today')}" in body
    assert f"https://gentlehands.example{unsubscribe_url(reminder)}" in body


@pytest.mark.django_db(transaction=True)
def test_the_database_worker_command_sends_what_was_queued():
    """The real path: the task row waits in the database until `db_worker` runs it."""
    membership = MembershipFactory()
    BabyFactory(family=membership.family, name="Mia")
    ReminderFactory(family=membership.family)
    call_command("send_reminders", now=MONDAY_SIX_PM)
    [queued] = DBTaskResult.objects.all()
    assert queued.task_path == "sessions.tasks.send_reminder"
    assert queued.status == "READY"
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
    assert [message.subject for message in mail.outbox] == ["Time for a gentle massage with Mia?"]


# -- Two servers at once (PostgreSQL: SQLite runs one writer at a time, so nothing races) --------

REMINDERS_AT_ONCE = 120
RUNS_AT_ONCE = 4


def _send_in_another_process(barrier, results):
    """A forked process, as a second server would be: its own connection, the same moment."""
    try:
        connections.close_all()  # never share the parent's socket
        barrier.wait(timeout=30)
        results.put(("ok", services.send_reminders(now=MONDAY_SIX_PM)))
    except Exception as error:  # the parent must hear of a failure, not lose it
        results.put(("error", repr(error)))
    finally:
        connections.close_all()


@pytest.mark.django_db(transaction=True)
def test_runs_on_several_servers_at_once_send_one_mail_per_slot():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite runs one writer at a time, so nothing races")
    reminders = []
    for _n in range(REMINDERS_AT_ONCE):
        membership = MembershipFactory()
        reminders.append(ReminderFactory(family=membership.family))
    connections.close_all()
    context = multiprocessing.get_context("fork")
    barrier, results = context.Barrier(RUNS_AT_ONCE), context.Queue()
    processes = [
        context.Process(target=_send_in_another_process, args=(barrier, results))
        for _run in range(RUNS_AT_ONCE)
    ]
    for process in processes:
        process.start()
    answers = [results.get(timeout=60) for _run in range(RUNS_AT_ONCE)]
    for process in processes:
        process.join(timeout=30)
        assert process.exitcode == 0
    assert [kind for kind, _value in answers] == ["ok"] * RUNS_AT_ONCE, answers
    assert sum(queued for _kind, queued in answers) == REMINDERS_AT_ONCE
    assert ReminderSent.objects.count() == REMINDERS_AT_ONCE
    assert DBTaskResult.objects.count() == REMINDERS_AT_ONCE
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    assert sorted(message.to[0] for message in mail.outbox) == sorted(
        reminder.user.email for reminder in reminders
    )


# -- The page where a person sets their reminder -------------------------------------------------


def test_the_family_page_leads_to_the_reminder(as_parent, family):
    page = as_parent.get(reverse("massage:family-detail", args=[family.pk])).text
    assert elements(page, "a", href=reminder_page(family))


def test_the_page_offers_the_days_a_time_and_the_phones_zone(as_parent, family):
    as_parent.cookies["tz"] = "Europe/Berlin"
    response = as_parent.get(reminder_page(family))
    assert response.status_code == 200
    page = response.text
    assert "No reminder yet." in page
    assert len(elements(page, "input", type="checkbox", name="weekdays")) == 7
    assert elements(page, "input", type="time", name="time")
    assert elements(page, "option", value="Europe/Berlin", selected=None)


def test_turning_a_reminder_on(as_parent, parent, family):
    response = as_parent.post(
        reminder_page(family),
        {"weekdays": ["0", "3"], "time": "18:30", "time_zone": "Europe/Berlin"},
    )
    assert response.status_code == 302
    reminder = Reminder.objects.get(user=parent, family=family)
    assert (reminder.weekdays, reminder.time, reminder.time_zone) == (
        0b1001,
        time(18, 30),
        "Europe/Berlin",
    )
    page = as_parent.get(response.url).text
    assert "Reminder saved." in page
    assert (
        f"On: Mondays and Thursdays at 18:30 (Europe/Berlin), by email to {parent.email}." in page
    )
    assert elements(page, "input", name="weekdays", value="0", checked=None)
    assert not elements(page, "input", name="weekdays", value="1", checked=None)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"weekdays": ["0"], "time": "half past six", "time_zone": "Europe/Berlin"},
            "That is not a time we understand. Write it like 18:30.",
        ),
        (
            {"weekdays": ["0"], "time": "25:00", "time_zone": "Europe/Berlin"},
            "That is not a time we understand. Write it like 18:30.",
        ),
        (
            {"weekdays": ["0"], "time": "", "time_zone": "Europe/Berlin"},
            "Choose a time for the reminder, like 18:30.",
        ),
        (
            {"time": "18:30", "time_zone": "Europe/Berlin"},
            "Choose at least one day for the reminder.",
        ),
        (
            {"weekdays": ["8"], "time": "18:30", "time_zone": "Europe/Berlin"},
            "Choose days of the week from the list.",
        ),
        (
            {"weekdays": ["0"], "time": "18:30", "time_zone": "Nowhere/Atlantis"},
            "Choose your time zone from the list.",
        ),
    ],
)
def test_bad_input_is_refused_with_a_clear_message_and_nothing_changes(
    as_parent, parent, family, reminder, data, message
):
    before = list(Reminder.objects.values())
    response = as_parent.post(reminder_page(family), data)
    assert response.status_code == INVALID
    assert message in response.text.replace("&#x27;", "'")
    assert list(Reminder.objects.values()) == before


def test_a_caregiver_sets_their_own_reminder_and_never_sees_the_parents(
    client, caregiver, family, reminder
):
    client.force_login(caregiver)
    page = client.get(reminder_page(family)).text
    assert "No reminder yet." in page
    response = client.post(
        reminder_page(family), {"weekdays": ["5"], "time": "09:00", "time_zone": "UTC"}
    )
    assert response.status_code == 302
    assert Reminder.objects.get(user=caregiver).weekdays == 1 << 5
    assert Reminder.objects.get(pk=reminder.pk).weekdays == 0b1001  # the parent's, unchanged


def test_turning_it_off_keeps_the_days_and_time(as_parent, parent, family, reminder):
    response = as_parent.post(reverse("sessions:reminder-off", args=[family.pk]))
    assert response.status_code == 302
    reminder.refresh_from_db()
    assert not reminder.active
    page = as_parent.get(response.url).text
    assert "Reminder turned off." in page
    assert elements(page, "input", name="weekdays", value="0", checked=None)
    assert elements(page, "input", name="time", value="18:00")
    again = as_parent.post(reverse("sessions:reminder-off", args=[family.pk]))
    assert "No reminder was on." in as_parent.get(again.url).text


def test_another_family_gets_404_and_nothing_changes(client, outsider, family, reminder):
    client.force_login(outsider)
    before = list(Reminder.objects.values())
    assert client.get(reminder_page(family)).status_code == 404
    data = {"weekdays": ["0"], "time": "07:00", "time_zone": "UTC"}
    assert client.post(reminder_page(family), data).status_code == 404
    assert client.post(reverse("sessions:reminder-off", args=[family.pk])).status_code == 404
    assert list(Reminder.objects.values()) == before


@pytest.mark.parametrize("name", ["sessions:reminder-edit", "sessions:reminder-off"])
def test_anonymous_is_sent_to_log_in(client, family, name):
    response = client.post(reverse(name, args=[family.pk]), {"time": "07:00"})
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    assert not Reminder.objects.exists()


@pytest.fixture
def suggested(parent, family):
    """Two instructors the family shares with, each suggesting reminder times."""
    assignments = []
    for n, (days, at) in enumerate([([0, 2], time(10, 0)), ([5], time(17, 15))]):
        instructor = InstructorFactory(display_name=f"Instructor {n}")
        link = InstructorLink.objects.create(instructor=instructor, family=family)
        Consent.objects.create(link=link, scope=Scope.PRACTICE, changed_by=parent)
        assignment = teaching_services.assignment_create(
            instructor=instructor,
            routine=RoutineFactory(title=f"Routine {n}"),
            family=family,
            times_per_week=3,
            starts_on=timezone.localdate() - timedelta(days=1),
        )
        assignment.suggested_weekdays = weekday_bits(days)
        assignment.suggested_time = at
        assignment.save()
        assignments.append(assignment)
    return assignments


def test_the_instructors_suggestion_fills_the_form_in_but_turns_nothing_on(
    as_parent, family, suggested
):
    page = as_parent.get(reminder_page(family)).text
    assert "Instructor 0 suggests Mondays and Wednesdays at 10:00" in page
    use = f"{reminder_page(family)}?suggestion={suggested[0].pk}"
    assert elements(page, "a", href=use)
    filled = as_parent.get(use).text
    assert "Filled in with Instructor 0's suggestion." in filled
    assert elements(filled, "input", name="weekdays", value="0", checked=None)
    assert elements(filled, "input", name="weekdays", value="2", checked=None)
    assert not elements(filled, "input", name="weekdays", value="5", checked=None)
    assert elements(filled, "input", name="time", value="10:00")
    assert not Reminder.objects.exists()


def test_a_suggestion_the_family_cannot_see_fills_nothing_in(as_parent, family, suggested):
    suggested[1].family = MembershipFactory().family
    suggested[1].save()
    filled = as_parent.get(f"{reminder_page(family)}?suggestion={suggested[1].pk}").text
    assert "Filled in" not in filled
    assert "Routine 1" not in filled


def test_the_page_makes_as_many_queries_for_many_suggestions_as_for_one(
    as_parent, family, suggested, django_assert_max_num_queries
):
    with django_assert_max_num_queries(14) as few:
        as_parent.get(reminder_page(family))
    for n in range(2, 6):
        instructor = suggested[0].instructor
        assignment = teaching_services.assignment_create(
            instructor=instructor,
            routine=RoutineFactory(title=f"More {n}"),
            family=family,
            times_per_week=2,
            starts_on=timezone.localdate() - timedelta(days=1),
        )
        assignment.suggested_weekdays, assignment.suggested_time = 1, time(9, 0)
        assignment.save()
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = as_parent.get(reminder_page(family)).text
    assert "More 5" in page


# -- The mail's unsubscribe link -----------------------------------------------------------------


def test_opening_the_link_asks_first_and_changes_nothing(client, reminder):
    response = client.get(unsubscribe_url(reminder))
    assert response.status_code == 200
    assert "Stop these reminders?" in response.text
    assert elements(response.text, "form", method="post")
    assert Reminder.objects.get(pk=reminder.pk).active


def test_the_button_stops_the_reminder_without_a_login_or_javascript(client, reminder):
    response = client.post(unsubscribe_url(reminder))
    assert response.status_code == 200
    assert "Reminders are off" in response.text
    assert not Reminder.objects.get(pk=reminder.pk).active


def test_the_mail_programs_one_click_post_needs_no_csrf_token(reminder):
    client = Client(enforce_csrf_checks=True)
    response = client.post(unsubscribe_url(reminder), {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert not Reminder.objects.get(pk=reminder.pk).active


def test_the_link_works_once(client, reminder):
    client.post(unsubscribe_url(reminder))
    again = client.post(unsubscribe_url(reminder))
    assert again.status_code == 410
    assert "These reminders are already off." in again.text
    opened = client.get(unsubscribe_url(reminder))
    assert opened.status_code == 410
    assert "already off" in opened.text


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_link_with_a_wrong_token_says_so(client, reminder, method):
    response = getattr(client, method)(
        reverse("sessions:reminder-unsubscribe", args=["not-a-real-token"])
    )
    assert response.status_code == 404
    assert "This link doesn&#x27;t stand for any reminder." in response.text
    assert Reminder.objects.get(pk=reminder.pk).active


def test_a_stopped_reminder_sends_nothing(client, reminder):
    client.post(unsubscribe_url(reminder))
    assert services.send_reminders(now=MONDAY_SIX_PM) == 0


def test_staff_see_reminders_and_what_was_sent_in_the_admin(client, reminder):
    from tests.factories import UserFactory

    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    services.send_reminders(now=MONDAY_SIX_PM)
    for url in (
        reverse("admin:massage_sessions_reminder_changelist"),
        reverse("admin:massage_sessions_reminder_change", args=[reminder.pk]),
    ):
        assert client.get(url).status_code == 200, url
