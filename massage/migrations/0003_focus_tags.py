from django.db import migrations

FOCUS_SLUGS = ["bonding", "gas_colic", "sleep", "teething", "congestion", "preterm_home"]


def create_focus_tags(apps, schema_editor):
    FocusTag = apps.get_model("massage", "FocusTag")
    for slug in FOCUS_SLUGS:
        FocusTag.objects.get_or_create(slug=slug)


class Migration(migrations.Migration):
    dependencies = [("massage", "0002_library")]

    operations = [migrations.RunPython(create_focus_tags, migrations.RunPython.noop)]
