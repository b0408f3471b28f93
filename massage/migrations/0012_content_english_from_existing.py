"""The texts and narration saved before routines had a column per language become the English
ones (the only language there was); Spanish starts empty and falls back to English."""

from django.db import migrations
from django.db.models import F

ROUTINE = ["title", "summary", "cautions"]
STEP = ["stroke", "instruction", "caution", "narration"]


def to_english(apps, schema_editor):
    apps.get_model("massage", "Routine").objects.update(
        **{f"{name}_en": F(name) for name in ROUTINE}
    )
    apps.get_model("massage", "Step").objects.update(**{f"{name}_en": F(name) for name in STEP})


def back_from_english(apps, schema_editor):
    # The original columns stay in step with the English ones (modeltranslation writes the
    # default language's value there too), so going back needs only the English copied home.
    for model, names in (("Routine", ROUTINE), ("Step", STEP)):
        apps.get_model("massage", model).objects.filter(
            **{f"{names[0]}_en__isnull": False}
        ).update(**{name: F(f"{name}_en") for name in names})


class Migration(migrations.Migration):
    dependencies = [("massage", "0011_content_in_each_language")]

    operations = [migrations.RunPython(to_english, back_from_english, elidable=False)]
