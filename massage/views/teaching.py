"""The instructor's side in the massage app: the profile, inviting families, and the family's
choice of what an instructor may see (joining, changing, stopping)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from massage import access
from massage.converters import MAX_DIGITS
from massage.errors import CONFLICT, GONE, INVALID
from massage.forms import (
    AdaptRoutineForm,
    AssignmentForm,
    ClassCodeForm,
    ClassFamiliesForm,
    ConsentForm,
    InstructorProfileForm,
    JoinClassForm,
    JoinRequestForm,
    TeachingClassForm,
    TeachingInvitationForm,
)
from massage.models import InstructorProfile
from massage.models.teaching import SCOPE_FOR_INSTRUCTOR
from massage.selectors import families as family_selectors
from massage.selectors import teaching as teaching_selectors
from massage.services import teaching as teaching_services

__all__ = [
    "assignment_hide",
    "class_code",
    "class_code_find",
    "class_join",
    "consent_change",
    "instructor_profile",
    "join_request_approve",
    "join_request_decline",
    "join_request_withdraw",
    "routine_adapt",
    "teaching_assignments",
    "teaching_class",
    "teaching_class_archive",
    "teaching_class_code",
    "teaching_classes",
    "teaching_invitation_resend",
    "teaching_invitation_revoke",
    "teaching_invitations",
]


def _posted(request):
    """The form data on a POST, even an empty one (so it is checked and says what's missing)."""
    return request.POST if request.method == "POST" else None


def _join_url(request):
    return lambda token: request.build_absolute_uri(reverse("massage:class-join", args=[token]))


@login_required
@require_http_methods(["GET", "POST"])
def instructor_profile(request):
    profile = InstructorProfile.objects.filter(user=request.user).first()
    form = InstructorProfileForm(_posted(request), instance=profile)
    if request.method == "POST":
        if form.is_valid():
            teaching_services.profile_save(user=request.user, **form.cleaned_data)
            messages.success(request, _("Your instructor profile is saved."))
            return redirect("massage:teaching-invitations")
        return render(
            request,
            "massage/instructor_profile.html",
            {"form": form, "profile": profile},
            status=INVALID,
        )
    return render(request, "massage/instructor_profile.html", {"form": form, "profile": profile})


@login_required
@require_http_methods(["GET", "POST"])
def teaching_invitations(request):
    instructor = access.check_instructor(request.user)
    form = TeachingInvitationForm(_posted(request))
    status = 200
    if request.method == "POST":
        if form.is_valid():
            invitation, mailed = teaching_services.invitation_send(
                instructor=instructor, email=form.cleaned_data["email"], url_for=_join_url(request)
            )
            if mailed:
                messages.success(
                    request, _("Invitation sent to %(email)s.") % {"email": invitation.email}
                )
            else:
                messages.warning(
                    request,
                    _(
                        "The invitation to %(email)s is made, but the mail could not be "
                        "sent. Try “Send again” later."
                    )
                    % {"email": invitation.email},
                )
            return redirect("massage:teaching-invitations")
        status = INVALID
    context = {"form": form, "invitations": teaching_selectors.invitations_of(instructor)}
    return render(request, "massage/teaching_invitations.html", context, status=status)


@login_required
@require_POST
def teaching_invitation_resend(request, invitation_id):
    invitation = teaching_selectors.invitation_of(
        access.check_instructor(request.user), invitation_id
    )
    try:
        mailed = teaching_services.invitation_resend(
            invitation=invitation, url_for=_join_url(request)
        )
    except teaching_services.TeachingError as error:
        messages.error(request, str(error))
        return redirect("massage:teaching-invitations")
    if mailed:
        messages.success(
            request,
            _("A new link went to %(email)s; the old one no longer works.")
            % {"email": invitation.email},
        )
    else:
        messages.warning(request, _("The mail could not be sent. Try again later."))
    return redirect("massage:teaching-invitations")


@login_required
@require_POST
def teaching_invitation_revoke(request, invitation_id):
    invitation = teaching_selectors.invitation_of(
        access.check_instructor(request.user), invitation_id
    )
    teaching_services.invitation_revoke(invitation=invitation)
    messages.success(
        request, _("The invitation to %(email)s was withdrawn.") % {"email": invitation.email}
    )
    return redirect("massage:teaching-invitations")


@login_required
@require_http_methods(["GET", "POST"])
def class_join(request, token):
    """A parent opens an instructor's invitation: who the instructor is, and what to share."""
    try:
        invitation = teaching_services.invitation_for_token(token)
    except teaching_services.TeachingError as error:
        return render(
            request, "massage/class_join_invalid.html", {"reason": str(error)}, status=GONE
        )
    families = access.changeable_families(request.user, access.MANAGE).order_by("name", "pk")
    form = JoinClassForm(_posted(request), families=families)
    context = {
        "invitation": invitation,
        "instructor": invitation.instructor,
        "profile": getattr(invitation.instructor, "instructor_profile", None),
        "form": form,
        "families": families,
    }
    if request.method != "POST":
        return render(request, "massage/class_join.html", context)
    _check_posted_family(request, list(families))
    if not form.is_valid():
        return render(request, "massage/class_join.html", context, status=INVALID)
    membership = family_selectors.parent_membership_in(request.user, form.cleaned_data["family"].pk)
    try:
        link = teaching_services.invitation_accept(
            token=token, membership=membership, scope=form.cleaned_data["scope"]
        )
    except teaching_services.TeachingError as error:
        form.add_error(None, str(error))
        return render(request, "massage/class_join.html", context, status=CONFLICT)
    messages.success(
        request,
        _("%(family)s now shares with %(name)s: %(scope)s. You can change it here at any time.")
        % {
            "family": link.family.name,
            "name": invitation.instructor.get_full_name(),
            "scope": dict(ConsentForm.base_fields["scope"].choices)[form.cleaned_data["scope"]],
        },
    )
    return redirect("massage:family-detail", family_id=link.family_id)


@login_required
@require_POST
def consent_change(request, family_id, link_id):
    membership = family_selectors.parent_membership_in(request.user, family_id)
    link = teaching_selectors.link_in_family(membership.family, link_id)
    form = ConsentForm(request.POST)
    if not form.is_valid():
        context = family_selectors.family_page(membership) | {
            "consent_error": (link.pk, form.errors["scope"][0])
        }
        return render(request, "massage/family_detail.html", context, status=INVALID)
    teaching_services.consent_change(
        link=link, membership=membership, scope=form.cleaned_data["scope"]
    )
    messages.success(request, _("Saved: it applies from now on."))
    return redirect("massage:family-detail", family_id=family_id)


@login_required
@require_http_methods(["GET", "POST"])
def teaching_classes(request):
    instructor = access.check_instructor(request.user)
    form = TeachingClassForm(_posted(request))
    status = 200
    if request.method == "POST":
        if form.is_valid():
            teaching_class = teaching_services.class_create(
                instructor=instructor, **form.cleaned_data
            )
            messages.success(request, _("Class created: now choose its families."))
            return redirect("massage:teaching-class", class_id=teaching_class.pk)
        status = INVALID
    context = {
        "form": form,
        "classes": teaching_selectors.classes_of(instructor),
        "archived": teaching_selectors.classes_of(instructor, archived=True),
    }
    return render(request, "massage/teaching_classes.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def teaching_class(request, class_id):
    instructor = access.check_instructor(request.user)
    teaching_class = teaching_selectors.class_of(instructor, class_id)
    links = teaching_selectors.shared_links_of(instructor)
    # Bound on every POST: an empty one (no box ticked) empties the class.
    form = ClassFamiliesForm(
        _posted(request),
        links=links,
        initial={"links": teaching_class.links.all()},
    )
    status = 200
    if request.method == "POST":
        if teaching_class.archived_at is not None:
            messages.error(request, _("This class is archived: its families can't change."))
            status = CONFLICT
        elif form.is_valid():
            try:
                teaching_services.class_set_families(
                    teaching_class=teaching_class, links=form.cleaned_data["links"]
                )
            except teaching_services.TeachingError as error:  # a family stopped sharing meanwhile
                form.add_error(None, str(error))
                status = error.status
            else:
                messages.success(request, _("The class's families are saved."))
                return redirect("massage:teaching-class", class_id=class_id)
        else:
            status = INVALID
    context = _class_page(request, instructor, teaching_class, form)
    return render(request, "massage/teaching_class.html", context, status=status)


@login_required
@require_POST
def teaching_class_archive(request, class_id):
    teaching_class = teaching_selectors.class_of(access.check_instructor(request.user), class_id)
    teaching_services.class_archive(teaching_class=teaching_class)
    messages.success(request, _("%(name)s is archived.") % {"name": teaching_class.name})
    return redirect("massage:teaching-classes")


@login_required
@require_http_methods(["GET", "POST"])
def teaching_assignments(request):
    instructor = access.check_instructor(request.user)
    form = AssignmentForm(
        _posted(request),
        initial={"starts_on": timezone.localdate(), "target": request.GET.get("for", "")},
        routines=teaching_selectors.routines_to_assign(instructor).order_by("title", "pk"),
        classes=list(teaching_selectors.classes_of(instructor)),
        links=list(teaching_selectors.shared_links_of(instructor)),
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = {k: v for k, v in form.cleaned_data.items() if k != "target"}
            try:
                teaching_services.assignment_create(instructor=instructor, **data)
            except teaching_services.TeachingError as error:
                form.add_error(None, str(error))
                status = CONFLICT
            else:
                messages.success(request, _("Assigned. The families see it on Today."))
                return redirect("massage:teaching-assignments")
        else:
            status = INVALID
    context = {"form": form, "assignments": teaching_selectors.assignments_of(instructor)}
    return render(request, "massage/teaching_assignments.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def routine_adapt(request, family_id):
    """An instructor copies a routine for one family they teach, to shorten or leave out steps
    in the studio; the original stays as it was."""
    instructor = access.check_instructor(request.user)
    link = teaching_selectors.shared_link_to(instructor, family_id)
    form = AdaptRoutineForm(
        _posted(request),
        initial={"routine": request.GET.get("routine")},
        routines=teaching_selectors.routines_to_adapt(instructor),
    )
    context = {"form": form, "family": link.family}
    if request.method != "POST":
        return render(request, "massage/routine_adapt.html", context)
    if not form.is_valid():
        return render(request, "massage/routine_adapt.html", context, status=INVALID)
    try:
        copy = teaching_services.routine_adapt(
            instructor=instructor, routine=form.cleaned_data["routine"], family=link.family
        )
    except teaching_services.TeachingError as error:
        form.add_error(None, str(error))
        return render(request, "massage/routine_adapt.html", context, status=CONFLICT)
    messages.success(
        request,
        _(
            "This copy is for %(family)s only. Shorten steps or leave some out, publish it, then "
            "assign it to the family."
        )
        % {"family": link.family.name},
    )
    return redirect("massage:routine-edit", routine_id=copy.pk)


@login_required
@require_POST
def assignment_hide(request, family_id, assignment_id):
    membership = family_selectors.membership_in(request.user, family_id)
    assignment = teaching_selectors.assignment_for_family(membership.family, assignment_id)
    teaching_services.assignment_hide(assignment=assignment, membership=membership)
    messages.success(request, _("Hidden from Today."))
    return redirect("today")


# Class codes and requests to join ----------------------------------------------------------------


def _class_page(request, instructor, teaching_class, form=None) -> dict:
    """What the instructor's page of one class shows: its families, its code and the link to
    share, the requests waiting for an answer, and what is assigned to it."""
    if form is None:
        form = ClassFamiliesForm(
            None,
            links=teaching_selectors.shared_links_of(instructor),
            initial={"links": teaching_class.links.all()},
        )
    code = teaching_class.join_code
    join_requests = teaching_selectors.pending_requests_of_class(teaching_class)
    for join_request in join_requests:
        join_request.scope_words = SCOPE_FOR_INSTRUCTOR[join_request.scope]
    return {
        "teaching_class": teaching_class,
        "form": form,
        "assignments": teaching_selectors.assignments_of(instructor).filter(
            teaching_class=teaching_class
        ),
        "code_display": _code_display(code) if code else "",
        "code_url": request.build_absolute_uri(reverse("massage:class-code", args=[code]))
        if code
        else "",
        "join_requests": join_requests,
    }


def _code_display(code: str) -> str:
    """A code as it is read out: in two halves (typing it with or without the dash works)."""
    half = len(code) // 2
    return f"{code[:half]}-{code[half:]}"


def _class_answer_failed(request, instructor, teaching_class, error):
    """The class page again, saying why the change could not be made (409 or 410)."""
    messages.error(request, str(error))
    context = _class_page(request, instructor, teaching_class)
    return render(request, "massage/teaching_class.html", context, status=error.status)


@login_required
@require_POST
def teaching_class_code(request, class_id):
    """A code for the class: its first, or a new one (the old code and link stop working)."""
    instructor = access.check_instructor(request.user)
    teaching_class = teaching_selectors.class_of(instructor, class_id)
    had_one = bool(teaching_class.join_code)
    try:
        code = teaching_services.class_code_new(teaching_class=teaching_class)
    except teaching_services.TeachingError as error:
        return _class_answer_failed(request, instructor, teaching_class, error)
    if had_one:
        message = _("The new code is %(code)s. The old code and its link no longer work.")
    else:
        message = _("The class code is %(code)s. Share it, or the link, with the families.")
    messages.success(request, message % {"code": _code_display(code)})
    return redirect("massage:teaching-class", class_id=class_id)


def _answer_join_request(request, class_id, request_id, answer, said):
    """The instructor's answer to a family asking to join: `answer` is the service that gives
    it, `said` the message once given (it names the family and the class)."""
    instructor = access.check_instructor(request.user)
    teaching_class = teaching_selectors.class_of(instructor, class_id)
    try:
        join_request = answer(teaching_class=teaching_class, request_id=request_id)
    except teaching_services.TeachingError as error:
        return _class_answer_failed(request, instructor, teaching_class, error)
    messages.success(
        request, said % {"family": join_request.family.name, "name": teaching_class.name}
    )
    return redirect("massage:teaching-class", class_id=class_id)


@login_required
@require_POST
def join_request_approve(request, class_id, request_id):
    return _answer_join_request(
        request,
        class_id,
        request_id,
        teaching_services.join_request_approve,
        _("%(family)s is in %(name)s now."),
    )


@login_required
@require_POST
def join_request_decline(request, class_id, request_id):
    return _answer_join_request(
        request,
        class_id,
        request_id,
        teaching_services.join_request_decline,
        _("Declined. %(family)s sees that you said no; nothing of theirs was shared."),
    )


def _code_not_found(request, code: str):
    form = ClassCodeForm({"code": code})
    form.is_valid()
    form.add_error(
        "code",
        _(
            "No class has this code. Check it with your instructor: "
            "they may have replaced it with a new one."
        ),
    )
    return render(request, "massage/class_code_find.html", {"form": form}, status=404)


def _families_query(request) -> str:
    family = request.GET.get("family", "")
    return f"?family={family}" if family.isdigit() else ""


@login_required
@require_safe
def class_code_find(request):
    """ "Join a class with a code": a parent types the code their instructor gave them."""
    if "code" not in request.GET:
        return render(request, "massage/class_code_find.html", {"form": ClassCodeForm()})
    form = ClassCodeForm(request.GET)
    if not form.is_valid():
        return render(request, "massage/class_code_find.html", {"form": form}, status=INVALID)
    code = teaching_services.normalize_class_code(form.cleaned_data["code"])
    if teaching_selectors.class_for_code(code) is None:
        return _code_not_found(request, form.cleaned_data["code"])
    return redirect(reverse("massage:class-code", args=[code]) + _families_query(request))


@login_required
@require_http_methods(["GET", "POST"])
def class_code(request, code):
    """The class a code opens, its instructor, and a parent's request to join it."""
    code = teaching_services.normalize_class_code(code)
    teaching_class = teaching_selectors.class_for_code(code)
    if teaching_class is None:
        return _code_not_found(request, code)
    instructor = teaching_class.instructor
    context = {
        "teaching_class": teaching_class,
        "instructor": instructor,
        "profile": getattr(instructor, "instructor_profile", None),
        "code_display": _code_display(code),
    }
    if teaching_class.archived_at is not None:
        return render(request, "massage/class_code.html", context | {"ended": True}, status=GONE)
    family_choices = access.changeable_families(request.user, access.MANAGE).order_by("name", "pk")
    families = list(family_choices)
    if request.method == "POST":
        _check_posted_family(request, families)
    initial = {}
    wanted = request.GET.get("family", "")
    if any(str(family.pk) == wanted for family in families):
        initial["family"] = wanted
    form = JoinRequestForm(_posted(request), families=family_choices, initial=initial)
    refusals = {
        family.pk: teaching_services.join_refusal(teaching_class, family) for family in families
    }
    context |= {
        "form": form,
        "families": families,
        "own_class": instructor.pk == request.user.pk,
        "refusals": [(family, refusals[family.pk]) for family in families if refusals[family.pk]],
        "may_ask": any(refusal is None for refusal in refusals.values()),
    }
    if request.method != "POST":
        return render(request, "massage/class_code.html", context)
    if not form.is_valid():
        return render(request, "massage/class_code.html", context, status=INVALID)
    family = form.cleaned_data["family"]
    membership = family_selectors.parent_membership_in(request.user, family.pk)
    try:
        join_request, _mailed = teaching_services.join_request_create(
            teaching_class=teaching_class,
            membership=membership,
            scope=form.cleaned_data["scope"],
            message=form.cleaned_data["message"],
            url_for=lambda cls: request.build_absolute_uri(
                reverse("massage:teaching-class", args=[cls.pk])
            ),
        )
    except teaching_services.TeachingError as error:
        form.add_error(None, str(error))
        context["family_page"] = family
        return render(request, "massage/class_code.html", context, status=error.status)
    messages.success(
        request,
        _(
            "Sent to %(name)s. Nothing is shared until they say yes; "
            "their answer shows here, under Your instructors."
        )
        % {"name": instructor.get_full_name()},
    )
    return redirect("massage:family-detail", family_id=join_request.family_id)


def _check_posted_family(request, families) -> None:
    """Only a family's parents may ask on its behalf: 403 for anyone else, before the form."""
    if not families:
        raise PermissionDenied(access.REFUSALS[access.MANAGE])
    posted = request.POST.get("family", "")
    if (
        posted.isdigit()
        and len(posted) <= MAX_DIGITS
        and all(family.pk != int(posted) for family in families)
    ):
        membership = family_selectors.memberships_of(request.user).filter(family_id=posted).first()
        if membership is not None:
            access.check_may_change(membership, access.MANAGE)


@login_required
@require_POST
def join_request_withdraw(request, family_id, request_id):
    """A parent takes back the family's request to join a class, while it waits."""
    membership = family_selectors.parent_membership_in(request.user, family_id)
    join_request = teaching_selectors.join_request_in_family(membership.family, request_id)
    try:
        teaching_services.join_request_withdraw(join_request=join_request, membership=membership)
    except teaching_services.TeachingError as error:
        messages.error(request, str(error))
        context = family_selectors.family_page(membership)
        return render(request, "massage/family_detail.html", context, status=error.status)
    messages.success(
        request,
        _("Your request to join %(name)s is withdrawn.")
        % {"name": join_request.teaching_class.name},
    )
    return redirect("massage:family-detail", family_id=family_id)
