"""Baby cues: the taxonomy (Barnard's engagement and disengagement cues) and logged cue events."""

import uuid
from dataclasses import dataclass

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from massage.content import KeptText, texts_by_language
from massage.labels import CachedChoiceLabels, choice_label
from massage.models import Step

# A cue logged this long after the session began is not believable (sessions close after hours).
MAX_SECONDS_INTO_SESSION = 6 * 3600


class Valence(models.TextChoices):
    ENGAGEMENT = "engagement", _("Engagement")
    DISENGAGEMENT = "disengagement", _("Disengagement")


class CueKind(models.TextChoices):
    # Engagement, potent
    EYE_CONTACT = "eye_contact", _("Eye contact")
    LOOKING_AT_FACE = "looking_at_face", _("Looking at your face")
    SMILING = "smiling", _("Smiling")
    COOING = "cooing", _("Babbling or cooing")
    SMOOTH_MOVEMENTS = "smooth_movements", _("Smooth arm and leg movements")
    STILLING = "stilling", _("Stilling")
    REACHING = "reaching", _("Reaching toward you")
    TURNING_TOWARD = "turning_toward", _("Turning toward you")
    # Engagement, subtle
    BRIGHT_EYES = "bright_eyes", _("Wide, bright eyes")
    FACE_BRIGHTENING = "face_brightening", _("Face brightening")
    RAISED_EYEBROWS = "raised_eyebrows", _("Raised eyebrows")
    OPEN_HANDS = "open_hands", _("Open, relaxed hands")
    HAND_TO_MOUTH = "hand_to_mouth", _("Hand to mouth")
    GRASPING = "grasping", _("Grasping your finger")
    RELAXED_POSTURE = "relaxed_posture", _("Relaxed body")
    STEADY_BREATHING = "steady_breathing", _("Steady breathing")
    # Disengagement, potent
    CRYING = "crying", _("Crying")
    ARCHING = "arching", _("Arching the back")
    PULLING_AWAY = "pulling_away", _("Pulling or pushing away")
    TURNING_AWAY = "turning_away", _("Turning the head away")
    COUGHING = "coughing", _("Coughing or choking")
    SPREAD_FINGERS = "spread_fingers", _("Spread fingers")
    STIFF_HANDS = "stiff_hands", _("Stiff hands")
    FALLING_ASLEEP = "falling_asleep", _("Falling asleep")
    # Disengagement, subtle
    FROWNING = "frowning", _("Frowning or grimacing")
    SQUIRMING = "squirming", _("Squirming")
    FLAILING = "flailing", _("Flailing arms or legs")
    LOOKING_AWAY = "looking_away", _("Looking away")
    FASTER_BREATHING = "faster_breathing", _("Faster breathing")
    YAWNING = "yawning", _("Yawning")
    HAND_TO_EAR = "hand_to_ear", _("Hand to ear")
    GLAZED_LOOK = "glazed_look", _("Glazed look")
    LIP_TREMBLING = "lip_trembling", _("Trembling lip")
    HAND_OVER_FACE = "hand_over_face", _("Hand in front of the face")
    TENSING = "tensing", _("Tensing up")
    GOING_RED = "going_red", _("Going red")
    HICCUPS = "hiccups", _("Hiccups")


@dataclass(frozen=True)
class CueInfo:
    kind: str
    valence: str
    potent: bool
    description: str
    common: bool = False

    @property
    def label(self):
        return choice_label(CueKind, self.kind)

    @property
    def engaging(self):
        return self.valence == Valence.ENGAGEMENT

    @property
    def past(self):
        """What the baby did, in the past tense: "Cried", "Turned the head away"."""
        return CUE_PAST[self.kind]


def _cue(kind, valence, potent, description, common=False):
    return CueInfo(kind.value, valence.value, potent, description, common)


E, D = Valence.ENGAGEMENT, Valence.DISENGAGEMENT
K = CueKind

# Every cue with its group and a one-line description a parent can recognise it by.
# `common` cues get a big button on the player's cue bar; the rest sit behind "More".
CUES: dict[str, CueInfo] = {
    info.kind: info
    for info in [
        _cue(K.EYE_CONTACT, E, True, _("Your baby looks into your eyes and holds it."), True),
        _cue(K.SMILING, E, True, _("A smile, in the mouth and the eyes."), True),
        _cue(K.COOING, E, True, _("Soft sounds back and forth with you."), True),
        _cue(K.SMOOTH_MOVEMENTS, E, True, _("Arms and legs move slowly and evenly."), True),
        _cue(K.LOOKING_AT_FACE, E, True, _("Your baby studies your face.")),
        _cue(K.STILLING, E, True, _("Your baby goes still and attentive to your touch.")),
        _cue(K.REACHING, E, True, _("Hands or feet reach out toward you.")),
        _cue(K.TURNING_TOWARD, E, True, _("Eyes or head turn toward you or your voice.")),
        _cue(K.BRIGHT_EYES, E, False, _("Eyes wide open and shining.")),
        _cue(K.FACE_BRIGHTENING, E, False, _("The face lights up.")),
        _cue(K.RAISED_EYEBROWS, E, False, _("Eyebrows lift, interested.")),
        _cue(K.OPEN_HANDS, E, False, _("Fingers loose and open, not fisted.")),
        _cue(K.HAND_TO_MOUTH, E, False, _("A hand brought to the mouth to settle.")),
        _cue(K.GRASPING, E, False, _("Your baby holds on to your finger.")),
        _cue(K.RELAXED_POSTURE, E, False, _("The body feels soft and heavy under your hands.")),
        _cue(K.STEADY_BREATHING, E, False, _("Breathing slow and even.")),
        _cue(K.TURNING_AWAY, D, True, _("The head turns away from you and stays away."), True),
        _cue(K.CRYING, D, True, _("Crying: time to stop and comfort."), True),
        _cue(K.ARCHING, D, True, _("The back arches away from your hands.")),
        _cue(K.PULLING_AWAY, D, True, _("A limb pulls back or pushes your hand away.")),
        _cue(K.FROWNING, D, False, _("A frown or a grimace."), True),
        _cue(K.SQUIRMING, D, False, _("Wriggling as if to get away from the touch."), True),
        _cue(K.FLAILING, D, False, _("Arms or legs jerk or wave without aim.")),
        _cue(K.COUGHING, D, True, _("Coughing, gagging or choking.")),
        _cue(K.SPREAD_FINGERS, D, True, _("Fingers splayed wide, like a 'stop' sign.")),
        _cue(K.STIFF_HANDS, D, True, _("Hands held stiff or fists clenched tight.")),
        _cue(K.FALLING_ASLEEP, D, True, _("Your baby drifts off: let them sleep.")),
        _cue(K.LOOKING_AWAY, D, False, _("The gaze drifts away for a moment.")),
        _cue(K.FASTER_BREATHING, D, False, _("Breathing quickens.")),
        _cue(K.YAWNING, D, False, _("A yawn when not sleepy: a sign of enough.")),
        _cue(K.HAND_TO_EAR, D, False, _("A hand goes up to the ear.")),
        _cue(K.GLAZED_LOOK, D, False, _("Eyes dull or staring past you.")),
        _cue(K.LIP_TREMBLING, D, False, _("The lower lip quivers.")),
        _cue(K.HAND_OVER_FACE, D, False, _("A hand held up in front of the face.")),
        _cue(K.TENSING, D, False, _("The body stiffens under your hands.")),
        _cue(K.GOING_RED, D, False, _("The face or skin flushes red.")),
        _cue(K.HICCUPS, D, False, _("Hiccups starting during the massage.")),
    ]
}
assert set(CUES) == set(CueKind.values), "every cue kind needs its entry in CUES"

# What the baby did, in the past tense, to start a sentence such as the reason a massage ended:
# "Cried during the tummy strokes".
CUE_PAST: dict[str, object] = {
    K.EYE_CONTACT: _("Made eye contact"),
    K.LOOKING_AT_FACE: _("Looked at your face"),
    K.SMILING: _("Smiled"),
    K.COOING: _("Babbled or cooed"),
    K.SMOOTH_MOVEMENTS: _("Moved arms and legs smoothly"),
    K.STILLING: _("Went still and listened"),
    K.REACHING: _("Reached toward you"),
    K.TURNING_TOWARD: _("Turned toward you"),
    K.BRIGHT_EYES: _("Looked at you with wide, bright eyes"),
    K.FACE_BRIGHTENING: _("Lit up"),
    K.RAISED_EYEBROWS: _("Raised the eyebrows"),
    K.OPEN_HANDS: _("Opened and relaxed the hands"),
    K.HAND_TO_MOUTH: _("Brought a hand to the mouth"),
    K.GRASPING: _("Held on to your finger"),
    K.RELAXED_POSTURE: _("Relaxed"),
    K.STEADY_BREATHING: _("Breathed slowly and evenly"),
    K.CRYING: _("Cried"),
    K.ARCHING: _("Arched the back"),
    K.PULLING_AWAY: _("Pulled or pushed away"),
    K.TURNING_AWAY: _("Turned the head away"),
    K.COUGHING: _("Coughed or choked"),
    K.SPREAD_FINGERS: _("Spread the fingers wide"),
    K.STIFF_HANDS: _("Held the hands stiff"),
    K.FALLING_ASLEEP: _("Fell asleep"),
    K.FROWNING: _("Frowned or grimaced"),
    K.SQUIRMING: _("Squirmed"),
    K.FLAILING: _("Flailed the arms or legs"),
    K.LOOKING_AWAY: _("Looked away"),
    K.FASTER_BREATHING: _("Breathed faster"),
    K.YAWNING: _("Yawned"),
    K.HAND_TO_EAR: _("Put a hand to the ear"),
    K.GLAZED_LOOK: _("Stared past you"),
    K.LIP_TREMBLING: _("Had a trembling lip"),
    K.HAND_OVER_FACE: _("Held a hand in front of the face"),
    K.TENSING: _("Tensed up"),
    K.GOING_RED: _("Went red"),
    K.HICCUPS: _("Got hiccups"),
}
assert set(CUE_PAST) == set(CueKind.values), "every cue kind needs its past tense in CUE_PAST"


class Response(models.TextChoices):
    """What the parent chose when the app asked them to stop for a baby-led pause."""

    COMFORT = "comfort", _("Comforted and went on")
    SKIP_AREA = "skip_area", _("Skipped this body area")
    END = "end", _("Ended the massage")


class CueEventQuerySet(models.QuerySet):
    def logged(self):
        """Cues that stand: an undone cue is kept (so a resend can't bring it back) but hidden."""
        return self.filter(undone_at__isnull=True)


class CueEvent(CachedChoiceLabels, models.Model):
    """One cue a caregiver noticed during a massage, on the step that was on screen."""

    session = models.ForeignKey(
        "massage_sessions.MassageSession",
        on_delete=models.CASCADE,
        related_name="cues",
        verbose_name=_("session"),
    )
    step = models.ForeignKey(
        Step, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("step")
    )
    # Copied from the step so the history stays readable if the routine changes later.
    body_area = models.CharField(_("body area"), max_length=20, choices=Step.BodyArea)
    stroke = models.CharField(_("stroke"), max_length=80)
    # The stroke in each language the step was written in then (massage.content.texts_by_language),
    # so the history reads in the language of whoever looks back; `stroke` is as it was played.
    stroke_names = models.JSONField(default=dict, blank=True, verbose_name=_("stroke's names"))
    # The stroke's name in the page's language, else as played; and that, marked with its
    # language when it is not the page's (for a page's body).
    stroke_shown = KeptText("stroke", "stroke_names")
    stroke_html = KeptText("stroke", "stroke_names", html=True)
    kind = models.CharField(_("cue"), max_length=24, choices=CueKind)
    # Kept beside the kind so the database can count engagement without knowing the taxonomy.
    valence = models.CharField(
        max_length=16, choices=Valence, editable=False, verbose_name=_("valence")
    )
    potent = models.BooleanField(default=False, editable=False, verbose_name=_("potent"))
    at = models.DateTimeField(_("time"))
    seconds_into_session = models.FloatField(verbose_name=_("seconds into session"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    client_id = models.UUIDField(
        unique=True, default=uuid.uuid4, editable=False, verbose_name=_("client id")
    )
    note = models.CharField(_("note"), max_length=500, blank=True)
    response = models.CharField(_("response"), max_length=12, choices=Response, blank=True)
    created_at = models.DateTimeField(
        default=timezone.now, editable=False, verbose_name=_("created at")
    )
    undone_at = models.DateTimeField(
        null=True, blank=True, editable=False, verbose_name=_("undone at")
    )

    objects = CueEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("cue")
        verbose_name_plural = _("cues")
        ordering = ["session", "at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(seconds_into_session__gte=0)
                & Q(seconds_into_session__lte=MAX_SECONDS_INTO_SESSION),
                name="cue_seconds_sane",
            ),
            models.CheckConstraint(
                condition=Q(valence__in=Valence.values), name="cue_valence_known"
            ),
        ]
        indexes = [
            models.Index(fields=["session", "at"], name="cue_session_time"),
            # The history's check of whether a baby's cues have changed reads only this.
            models.Index(fields=["session", "undone_at"], name="cue_session_undone"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} at {self.seconds_into_session:.0f} s"

    def save(self, *args, **kwargs):
        self.fill_from_kind()
        super().save(*args, **kwargs)

    @property
    def engaging(self):
        return self.valence == Valence.ENGAGEMENT

    @classmethod
    def on_step(cls, session, step, kind, at, **fields):
        """An unsaved cue logged on `step` at `at`, with what follows from them filled in."""
        return cls(
            session=session,
            step=step,
            body_area=step.body_area,
            stroke=step.stroke,
            stroke_names=texts_by_language(step, "stroke"),
            kind=kind,
            at=at,
            seconds_into_session=max((at - session.started_at).total_seconds(), 0),
            **fields,
        ).fill_from_kind()

    def fill_from_kind(self):
        """Set the fields that follow from the kind (bulk_create skips save(): call this)."""
        self.valence = CUES[self.kind].valence
        self.potent = CUES[self.kind].potent
        return self


NOTE_LENGTH = 500


class InstructorNote(models.Model):
    """A short word from an instructor to a family they teach, on one massage or on the family,
    and the family's one reply. Not a chat: one note, one answer."""

    instructor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notes_written",
        verbose_name=_("instructor"),
    )
    family = models.ForeignKey(
        "massage.Family",
        on_delete=models.CASCADE,
        related_name="instructor_notes",
        verbose_name=_("family"),
    )
    session = models.ForeignKey(
        "massage_sessions.MassageSession",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="instructor_notes",
        verbose_name=_("session"),
    )
    text = models.CharField(_("a word to the family"), max_length=NOTE_LENGTH)
    created_at = models.DateTimeField(default=timezone.now, verbose_name=_("created at"))
    reply = models.CharField(_("your reply"), max_length=NOTE_LENGTH, blank=True)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("replied by"),
    )
    replied_at = models.DateTimeField(null=True, blank=True, verbose_name=_("replied at"))

    class Meta:
        verbose_name = _("instructor note")
        verbose_name_plural = _("instructor notes")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(replied_at__isnull=True) | ~Q(reply=""), name="note_reply_has_words"
            )
        ]

    def __str__(self):
        return self.text[:40]
