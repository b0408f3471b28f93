"""Every step has a length: the CHECK `step_timed_or_counted` no longer lets NULLs through.

The old CHECK compared `repetitions` and `seconds_per_repetition` with their ranges without
saying they must be set, and SQL lets a CHECK pass when it is unknown, as a comparison with
NULL is. So a step with no length at all (seconds, repetitions and seconds per repetition all
NULL), or with repetitions but no seconds per repetition (or the other way round), could be
saved, and the routine's pages then failed on it.

First, each such step becomes a timed step of 30 seconds (DEFAULT_SECONDS), its repetitions and
seconds per repetition cleared: the step and its words stay, the routine stays playable, and an
author sees "30 s" in the studio and can correct it. Deleting the step would lose the author's
text and renumber the routine; 30 seconds is a short, safe length for one stroke, which the
author can change. Going back (migrating to 0007) leaves the steps as they now are.
"""

from django.db import migrations, models
from django.db.models import Q

DEFAULT_SECONDS = 30


def give_steps_without_a_length_thirty_seconds(apps, schema_editor):
    Step = apps.get_model("massage", "Step")
    Step.objects.using(schema_editor.connection.alias).filter(
        Q(seconds__isnull=True)
        & (Q(repetitions__isnull=True) | Q(seconds_per_repetition__isnull=True))
    ).update(seconds=DEFAULT_SECONDS, repetitions=None, seconds_per_repetition=None)


class Migration(migrations.Migration):

    dependencies = [
        ('massage', '0007_adapted_routines_join_requests_suggested_reminders'),
    ]

    operations = [
        migrations.RunPython(
            give_steps_without_a_length_thirty_seconds, migrations.RunPython.noop, elidable=False
        ),
        migrations.RemoveConstraint(
            model_name='step',
            name='step_timed_or_counted',
        ),
        migrations.AddConstraint(
            model_name='step',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('repetitions__isnull', True), ('seconds__gte', 1), ('seconds__isnull', False), ('seconds__lte', 600)), models.Q(('repetitions__gte', 1), ('repetitions__isnull', False), ('repetitions__lte', 60), ('seconds__isnull', True), ('seconds_per_repetition__gte', 1), ('seconds_per_repetition__isnull', False), ('seconds_per_repetition__lte', 60)), _connector='OR'), name='step_timed_or_counted', violation_error_message='Give the step either a time of 1 to 600 seconds, or 1 to 60 repetitions of 1 to 60 seconds each.'),
        ),
    ]
