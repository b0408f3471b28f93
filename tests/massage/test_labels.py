"""Choice labels from the cached maps (massage/labels.py): the same words as Django's own
get_FOO_display(), in the active language, for every model field with choices."""

import pytest
from django.apps import apps
from django.db.models.base import Model
from django.utils import translation

from cues.models import CUES, CueEvent, CueKind, Response
from massage.labels import CachedChoiceLabels, choice_label, choice_labels
from massage.models import Step, TeachingClass
from sessions.models import MassageSession, Outcome


def django_display(instance, field):
    """What Django's own get_FOO_display() would have answered."""
    return Model._get_FIELD_display(instance, field)


def choice_fields():
    for model in apps.get_models():
        if not issubclass(model, CachedChoiceLabels):
            continue
        for field in model._meta.get_fields():
            if getattr(field, "choices", None) and not field.is_relation:
                yield model, field


def test_the_project_models_with_choices_use_the_cached_labels():
    project_models = {
        model
        for model in apps.get_models()
        if model._meta.app_label in {"massage", "massage_sessions", "cues"}
        and any(getattr(f, "choices", None) for f in model._meta.concrete_fields)
    }
    assert project_models
    assert {m for m in project_models if not issubclass(m, CachedChoiceLabels)} == set()


@pytest.mark.parametrize("language", ["en", "es", "de"])
def test_every_choice_reads_as_django_says_in_each_language(language):
    checked = 0
    with translation.override(language):
        for model, field in choice_fields():
            for value, _label in field.flatchoices:
                instance = model(**{field.attname: value})
                display = getattr(instance, f"get_{field.name}_display")()
                assert display == django_display(instance, field), (model, field.name, value)
                assert type(display) is str
                checked += 1
    assert checked > 100


def test_labels_follow_the_active_language():
    # Django's own catalogue translates the weekdays, so this shows the switch without our own.
    meeting = TeachingClass(meets_on=TeachingClass.Weekday.TUESDAY)
    assert meeting.get_meets_on_display() == "Tuesday"
    with translation.override("es"):
        assert meeting.get_meets_on_display() == "martes"
        assert choice_label(TeachingClass.Weekday, 1) == "martes"
    with translation.override("de"):
        assert meeting.get_meets_on_display() == "Dienstag"
    assert meeting.get_meets_on_display() == "Tuesday"
    assert choice_labels(TeachingClass.Weekday)[6] == "Sunday"


def test_an_unknown_or_empty_value_reads_as_itself():
    assert CueEvent(kind="not_a_cue").get_kind_display() == "not_a_cue"
    assert CueEvent(response="").get_response_display() == ""
    assert MassageSession(outcome="").get_outcome_display() == ""
    assert choice_label(Outcome, "nope") == "nope"


def test_the_usual_labels():
    cue = CueEvent(kind=CueKind.TURNING_AWAY, body_area="legs", response=Response.COMFORT)
    assert cue.get_kind_display() == "Turning the head away"
    assert cue.get_body_area_display() == "Legs"
    assert cue.get_response_display() == str(Response.COMFORT.label)
    assert Step(body_area="whole_body", motion="i_love_u").get_body_area_display() == "Whole body"
    assert MassageSession(outcome=Outcome.BABY_LED_END).get_outcome_display() == str(
        Outcome.BABY_LED_END.label
    )
    assert CUES["smiling"].label == "Smiling"
