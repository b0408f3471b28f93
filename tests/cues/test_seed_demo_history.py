from io import StringIO

from django.core.management import call_command

from cues.models import CueEvent, Valence
from sessions.models import MassageSession, Outcome, StepVisit


def test_demo_history_is_made_once_and_every_massage_is_finished(db):
    call_command("load_library", verbosity=0)
    call_command("seed_demo", stdout=StringIO())
    call_command("seed_demo_history", stdout=StringIO())
    counts = (MassageSession.objects.count(), StepVisit.objects.count(), CueEvent.objects.count())
    assert counts[0] >= 20  # two babies, most days of four weeks
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
