"""The routine and step texts parents read or hear, kept in every language of LANGUAGES.

django-modeltranslation adds a column per language to the same table (title_en, title_es, ...),
so reading a routine in Spanish costs no extra query. ``routine.title`` reads the active
language's column and falls back to English when it is empty (MODELTRANSLATION_FALLBACK_LANGUAGES);
massage.content says which language a text was actually found in.
"""

from modeltranslation.translator import TranslationOptions, register

from massage.models import Routine, Step


@register(Routine)
class RoutineTranslation(TranslationOptions):
    fields = ("title", "summary", "cautions")
    # English is the fallback, so a routine always has it... unless the instructor writes in
    # Spanish only: the studio's forms require each required text in at least one language.
    required_languages = ()


@register(Step)
class StepTranslation(TranslationOptions):
    fields = ("stroke", "instruction", "caution", "narration")
    required_languages = ()
