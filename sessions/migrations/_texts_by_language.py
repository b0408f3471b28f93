"""Shared by the migrations that give what a massage recorded its texts in each language."""


def keep_texts_by_language(recorded, *, source, text, kept, into):
    """A RunPython function. Rows of `recorded` ("cues.CueEvent") made before get, in `into`,
    the `text` of their `source` (the foreign key "step") in each language, when the copy they
    kept in `kept` is still one of those; a step or routine renamed since gets nothing, and its
    row is shown with its text as it was played."""

    def forwards(apps, schema_editor):
        Recorded = apps.get_model(*recorded.split("."))
        Source = Recorded._meta.get_field(source).related_model
        prefix = f"{text}_"
        columns = [f.name for f in Source._meta.concrete_fields if f.name.startswith(prefix)]
        used = Source.objects.filter(pk__in=Recorded.objects.values(f"{source}_id"))
        for found in used.only("pk", *columns).iterator():
            by_language = {
                column.removeprefix(prefix): getattr(found, column)
                for column in columns
                if getattr(found, column)
            }
            if by_language:
                Recorded.objects.filter(
                    **{f"{source}_id": found.pk, f"{kept}__in": list(by_language.values())}
                ).update(**{into: by_language})

    return forwards
