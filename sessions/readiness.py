"""The safety check before a massage: questions, and what their answers mean.

An answer can bring advice (the parent may still go ahead) or leave steps out for the routine's
own safety (tummy strokes before the cord has healed, or with an upset tummy): those are never
offered, and the parent is told why.
"""

from dataclasses import dataclass, field

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from massage.vocabulary import BODY_AREAS
from sessions.models import BabyState

TUMMY = "tummy"
NEWBORN_NO_OIL_DAYS = 28

HEALTH = [
    ("well", _("Yes, well")),
    ("tummy_upset", _("Loose stools or an upset tummy")),
    ("unwell", _("Fever, an infection or another illness")),
]
VACCINATION = [
    ("no", _("No")),
    ("yes", _("Yes, in the last 3 days")),
]
SKIN = [
    ("clear", _("Skin looks fine")),
    ("problem", _("A rash, broken or weeping skin, a bruise or a lump somewhere")),
]
CORD = [
    ("healed", _("Yes, the navel has healed")),
    ("not_healed", _("Not yet, or I'm not sure")),
]
FEED = [
    ("over_30", _("More than 30 minutes ago")),
    ("recent", _("In the last 30 minutes")),
    ("hungry", _("My baby is hungry now")),
]


class ReadinessForm(forms.Form):
    health = forms.ChoiceField(
        label=_("Is your baby well today?"), choices=HEALTH, widget=forms.RadioSelect
    )
    vaccination = forms.ChoiceField(
        label=_("Any vaccination in the last 3 days?"),
        choices=VACCINATION,
        widget=forms.RadioSelect,
    )
    skin = forms.ChoiceField(label=_("How is the skin?"), choices=SKIN, widget=forms.RadioSelect)
    cord = forms.ChoiceField(
        label=_("Has the cord stump come off and the navel healed?"),
        choices=CORD,
        widget=forms.RadioSelect,
        help_text=_("Only asked because this routine has tummy strokes."),
    )
    feed = forms.ChoiceField(
        label=_("When did your baby last feed?"), choices=FEED, widget=forms.RadioSelect
    )
    state = forms.ChoiceField(
        label=_("How is your baby right now?"),
        choices=BabyState.choices,
        widget=forms.RadioSelect,
        help_text=_("Quiet alert (awake, calm, looking at you) is the best time."),
    )
    leave_out = forms.MultipleChoiceField(
        label=_("Leave out an area today?"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Optional. Tick any area your baby doesn't enjoy today."),
    )
    go_ahead = forms.BooleanField(required=False, widget=forms.HiddenInput)

    # Answers that rarely change between massages: offered again from the last time.
    REMEMBERED = ("skin", "cord")

    def __init__(self, *args, areas, **kwargs):
        """`areas`: the body areas of the routine's steps, in routine order."""
        super().__init__(*args, **kwargs)
        if TUMMY not in areas:
            del self.fields["cord"]
        self.fields["leave_out"].choices = [
            (area, BODY_AREAS[area]) for area in dict.fromkeys(areas) if area != "whole_body"
        ]

    def answers(self) -> dict:
        answers = {k: v for k, v in self.cleaned_data.items() if k != "go_ahead"}
        if not answers.get("leave_out"):
            answers.pop("leave_out", None)
        return answers


def initial_answers(query, last_answers) -> dict:
    """What the questions start with: answers sent back by "Change my answers" (the query
    string), else the last massage's answers to the questions that rarely change."""
    names = set(ReadinessForm.base_fields)
    if any(name in query for name in names):
        initial = {name: query.get(name) for name in names if name in query}
        initial["leave_out"] = query.getlist("leave_out")
        return initial
    return {name: last_answers[name] for name in ReadinessForm.REMEMBERED if name in last_answers}


# Shown before every massage: conditions where a clinician should say yes first.
ASK_A_CLINICIAN = _(
    "If your baby has a heart condition, has had a seizure, has jaundice (yellow skin or eyes) "
    "or has had an operation recently, ask your doctor or nurse before you start massage."
)


@dataclass
class Verdict:
    stop: list[str] = field(default_factory=list)  # no massage today, whatever the parent says
    advice: list[str] = field(default_factory=list)  # the parent may still go ahead
    left_out: list[str] = field(default_factory=list)  # why steps are left out, every reason
    excluded_step_ids: list[int] = field(default_factory=list)
    excluded_areas: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def needs_confirmation(self) -> bool:
        return bool(self.stop or self.advice or self.left_out)

    def may_start(self, go_ahead: bool) -> bool:
        """Whether the massage may start: never after a hard stop, and after advice or steps
        left out only once the parent has said to go ahead."""
        return not self.stop and (go_ahead or not self.needs_confirmation)


# What helps a baby who is unwell, offered instead of a massage.
INSTEAD_WHEN_UNWELL = [
    _("Cuddles and rocking, held close."),
    _("Skin to skin on your chest, with a still, resting hand on their back."),
    _("If you are worried, ask your health visitor, doctor or nurse."),
]


STATE_ADVICE = {
    BabyState.DEEP_SLEEP: _(
        "Let your baby sleep. Massage goes best when they are awake and calm; never wake a "
        "sleeping baby for it."
    ),
    BabyState.LIGHT_SLEEP: _(
        "Your baby is sleeping lightly. Let them be, and try when they wake up calm."
    ),
    BabyState.DROWSY: _(
        "Your baby is drifting off. You could let them sleep, or keep it very short and gentle."
    ),
    BabyState.ACTIVE_ALERT: _(
        "Your baby seems busy or fussy. Try resting hands first, and stop if they don't settle."
    ),
    BabyState.CRYING: _(
        "Comfort your baby first. Massage is for a calm baby; try another time today."
    ),
}


def judge(answers: dict, *, steps, baby, routine, today) -> Verdict:
    """What the answers mean for this baby and routine: advice, steps left out, notes."""
    verdict = Verdict()
    health = answers.get("health")
    if health == "unwell":
        verdict.stop.append(
            _(
                "A baby with a fever, an infection or another illness needs rest and comfort, "
                "not massage: it can make them feel worse. Try again once they are well."
            )
        )
    if answers.get("vaccination") == "yes":
        verdict.advice.append(
            _(
                "Many babies are sore for a few days after a vaccination. It's wiser to wait "
                "about three days, and never massage the injection site."
            )
        )
    if answers.get("skin") == "problem":
        verdict.advice.append(
            _(
                "Keep away from that patch of skin. If it's widespread or sore, try another "
                "day and mention it to your health visitor or doctor."
            )
        )
    feed = answers.get("feed")
    if feed == "recent":
        verdict.advice.append(
            _("Wait about 30 minutes after a feed, so the tummy can settle first.")
        )
    elif feed == "hungry":
        verdict.advice.append(_("Feed your baby first: a hungry baby won't enjoy it."))
    state = answers.get("state")
    if state in STATE_ADVICE:
        verdict.advice.append(STATE_ADVICE[state])

    reasons = {}  # body area -> why it is left out, every reason in the order found
    if answers.get("cord") == "not_healed":
        reasons.setdefault(TUMMY, []).append(
            _(
                "Tummy strokes are left out until the cord site has fully healed. The rest of the "
                "routine is safe to do."
            )
        )
    if health == "tummy_upset":
        reasons.setdefault(TUMMY, []).append(
            _("Tummy strokes are left out today because of the upset tummy.")
        )
    chosen = [area for area in answers.get("leave_out", []) if area in BODY_AREAS]
    if chosen:
        names = ", ".join(str(BODY_AREAS[area]).lower() for area in chosen)
        asked = format_lazy(_("Left out today, as you asked: {areas}."), areas=names)
        for area in chosen:
            reasons.setdefault(area, []).append(asked)
    present = {step.body_area for step in steps}
    for area, why in reasons.items():
        if area in present:
            verdict.excluded_areas.append(area)
            verdict.left_out.extend(reason for reason in why if reason not in verdict.left_out)
    verdict.excluded_step_ids = [s.pk for s in steps if s.body_area in verdict.excluded_areas]

    months = baby.age_in_months(today)
    if not routine.fits_age(months):
        verdict.notes.append(age_note(baby, routine, months, today))
    if baby.is_preterm:
        verdict.notes.append(
            _(
                "%(name)s was born early: check with your baby's doctor or nurse before you "
                "start massage, and use gentle, still touch."
            )
            % {"name": baby.name}
        )
    if routine.uses_oil:
        if (today - baby.birth_date).days < NEWBORN_NO_OIL_DAYS:
            verdict.notes.append(
                _("No oil in the first weeks: do the strokes on dry skin or over a vest.")
            )
        else:
            verdict.notes.append(
                _(
                    "If you use oil: a little unscented plant oil you have patch-tested. No nut, "
                    "essential or mustard oils, and none on the face."
                )
            )
    return verdict


def calm_answers(*, steps, baby, routine, today) -> dict[str, list[str]]:
    """Each question's answers that bring no advice and leave no step out, for this baby and
    routine. With no network the phone may start a massage only on these (static/js/keep.js):
    what any other answer means, the server says once it is back."""
    form = ReadinessForm(areas=[step.body_area for step in steps])
    calm = {}
    for name, question in form.fields.items():
        if name in ("go_ahead", "leave_out"):
            continue
        calm[name] = [
            value
            for value, _label in question.choices
            if not judge(
                {name: value}, steps=steps, baby=baby, routine=routine, today=today
            ).needs_confirmation
        ]
    return calm


def age_note(baby, routine, months, today) -> str:
    """Advice only: a routine made for another age may still be done, gently."""
    values = {
        "name": baby.name,
        "age": baby.age_sentence(today),
        "min": routine.min_age_months,
        "max": routine.max_age_months,
    }
    if months < routine.min_age_months:
        text = _(
            "This routine is made for babies of %(min)d to %(max)d months, and %(name)s is "
            "%(age)s. You can still try it, gently and for a shorter time, or choose one made "
            "for younger babies."
        )
    else:
        text = _(
            "This routine is made for babies of %(min)d to %(max)d months, and %(name)s is "
            "%(age)s. It is still fine to do; older babies often like a shorter, livelier "
            "routine."
        )
    text = text % values
    if baby.is_preterm:
        text = _("%(text)s (Routines go by the corrected age.)") % {"text": text}
    return text
