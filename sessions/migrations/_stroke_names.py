"""Shared by the migrations that give step visits and cues their stroke in each language."""


def keep_stroke_names(model_label):
    """A RunPython function: rows recorded before get their step's stroke in each language, when
    the name they kept is still one of the step's (a step renamed since keeps only its name)."""

    def forwards(apps, schema_editor):
        Step = apps.get_model("massage", "Step")
        Recorded = apps.get_model(*model_label.split("."))
        columns = [f.name for f in Step._meta.concrete_fields if f.name.startswith("stroke_")]
        steps = Step.objects.filter(pk__in=Recorded.objects.values("step_id")).only("pk", *columns)
        for step in steps.iterator():
            names = {
                column.removeprefix("stroke_"): getattr(step, column)
                for column in columns
                if getattr(step, column)
            }
            if names:
                Recorded.objects.filter(step_id=step.pk, stroke__in=list(names.values())).update(
                    stroke_names=names
                )

    return forwards
