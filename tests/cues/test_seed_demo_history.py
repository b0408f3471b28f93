from datetime import timedelta
from io import StringIO

from django.core.management import call_command
from django.utils import timezone

from cues.models import CueEvent, Valence
from cues.teaching import dashboard
from massage.management.commands.seed_demo import BERGS, DEMO_PASSWORD, OKAFORS
from massage.models import Scope, User
from sessions.models import MassageSession, Outcome, StepVisit


def test_demo_history_is_made_once_and_every_massage_is_finished(db):
    call_command("load_library", verbosity=0)
    call_command("seed_demo", stdout=StringIO())
    call_command("seed_demo_history", stdout=StringIO())
    counts = (MassageSession.objects.count(), StepVisit.objects.count(), CueEvent.objects.count())
    assert counts[0] >= 40  # four babies, most days of four weeks for two of them
    assert counts[2] > counts[0]

    second_run = StringIO()
    call_command("seed_demo_history", stdout=second_run)
    assert "Maya already has massages, left as is." in second_run.getvalue()
    assert "Leo already has massages, left as is." in second_run.getvalue()
    again = (MassageSession.objects.count(), StepVisit.objects.count(), CueEvent.objects.count())
    assert again == counts
    assert not MassageSession.objects.filter(ended_at__isnull=True).exists()
    assert set(CueEvent.objects.values_list("valence", flat=True)) == set(Valence.values)
    assert MassageSession.objects.filter(outcome=Outcome.BABY_LED_END).exists()


def _seed_everything():
    call_command("load_library", verbosity=0)
    call_command("seed_demo", stdout=StringIO())
    call_command("seed_demo_history", stdout=StringIO())


def test_the_demo_class_shows_three_families_each_as_far_as_it_shares(client, db):
    _seed_everything()
    counts = (MassageSession.objects.count(), CueEvent.objects.count())
    call_command("seed_demo", stdout=StringIO())
    second_run = StringIO()
    call_command("seed_demo_history", stdout=second_run)
    assert (MassageSession.objects.count(), CueEvent.objects.count()) == counts
    for baby in ["Tobi", "Elsa"]:
        assert f"{baby} already has massages, left as is." in second_run.getvalue()

    # Every family massaged over the last four or five weeks, and logged cues.
    oldest = timezone.now() - timedelta(days=36)
    for family in ["The Demo Family", OKAFORS, BERGS]:
        sessions = MassageSession.objects.filter(baby__family__name=family)
        assert sessions.count() >= 10
        assert not sessions.filter(started_at__lt=oldest).exists()
        assert not sessions.filter(started_at__gt=timezone.now()).exists()
        assert CueEvent.objects.filter(session__baby__family__name=family).exists()

    instructor = User.objects.get(email="instructor@example.com")
    rows = {row["family"].name: row for row in dashboard(instructor)["rows"]}
    assert {name: row["scope"] for name, row in rows.items()} == {
        "The Demo Family": Scope.CUES,
        OKAFORS: Scope.PRACTICE,
        BERGS: Scope.EVERYTHING,
    }
    # The Okafors practise well and share no cues; the Bergs have two flags worth a look.
    okafors, bergs = rows[OKAFORS], rows[BERGS]
    assert okafors["flags"] == []
    assert okafors["engagement"] is None and not okafors["shares_cues"]
    assert all(count >= 2 for _monday, count in okafors["weeks"][:3])
    assert bergs["engagement"] is not None
    assert bergs["this_week"] == 0
    assert any("no massage for" in flag for flag in bergs["flags"]), bergs["flags"]
    assert "The last 3 massages were baby-led ends." in bergs["flags"]

    # The dashboard says so, and the Bergs' page shows their notes.
    assert client.login(email="instructor@example.com", password=DEMO_PASSWORD)
    page = client.get("/teaching/").content.decode()
    for name in ["The Demo Family", OKAFORS, BERGS, "The last 3 massages were baby-led ends."]:
        assert name in page
    bergs_page = client.get(f"/teaching/families/{bergs['family'].pk}/").content.decode()
    assert "The tummy was too much again." in bergs_page


def test_the_demo_history_is_the_same_every_time(db):
    def history():
        return [
            (s.baby.name, timezone.localtime(s.started_at).date(), s.routine_title, s.outcome)
            for s in MassageSession.objects.select_related("baby").order_by("started_at", "pk")
        ]

    _seed_everything()
    first = history()
    MassageSession.objects.all().delete()
    call_command("seed_demo_history", stdout=StringIO())
    assert history() == first
