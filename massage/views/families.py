"""A family's pages: creating it, its babies, inviting and removing members, leaving, deleting."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from massage import access, pending_invitation
from massage.decorators import wants_fragment
from massage.errors import GONE, INVALID
from massage.forms import BabyForm, FamilyForm, InvitationForm
from massage.models import Baby
from massage.selectors import families as family_selectors
from massage.services import families as family_services


@login_required
@require_http_methods(["GET", "POST"])
def family_create(request):
    form = FamilyForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            family = family_services.family_create(
                user=request.user, name=form.cleaned_data["name"]
            )
            messages.success(
                request,
                _("Family created: %(family)s. Now add your baby.") % {"family": family.name},
            )
            return redirect("massage:baby-create", family_id=family.pk)
        return render(request, "massage/family_form.html", {"form": form}, status=INVALID)
    return render(request, "massage/family_form.html", {"form": form})


@login_required
@require_safe
def family_detail(request, family_id):
    membership = family_selectors.membership_in(request.user, family_id)
    return render(request, "massage/family_detail.html", family_selectors.family_page(membership))


@login_required
@require_http_methods(["GET", "POST"])
def family_update(request, family_id):
    membership = family_selectors.parent_membership_in(request.user, family_id)
    form = FamilyForm(request.POST or None, instance=membership.family)
    context = {"form": form, "family": membership.family}
    if request.method == "POST":
        if form.is_valid():
            form.save()
            messages.success(request, _("Family name saved."))
            return redirect("massage:family-detail", family_id=family_id)
        return render(request, "massage/family_form.html", context, status=INVALID)
    return render(request, "massage/family_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def family_delete(request, family_id):
    membership = family_selectors.parent_membership_in(request.user, family_id)
    family = membership.family
    if request.method == "POST":
        if request.POST.get("confirm_name", "").strip() == family.name:
            family_services.family_delete(membership=membership)
            messages.success(request, _("The family and everything about its babies were deleted."))
            return redirect("today")
        messages.error(request, _("Type the family's name exactly to confirm."))
        return render(
            request, "massage/family_confirm_delete.html", {"family": family}, status=INVALID
        )
    return render(request, "massage/family_confirm_delete.html", {"family": family})


@login_required
@require_http_methods(["GET", "POST"])
def baby_create(request, family_id):
    membership = family_selectors.parent_membership_in(request.user, family_id)
    form = BabyForm(request.POST or None, instance=Baby(family=membership.family))
    context = {"form": form, "family": membership.family}
    if request.method == "POST":
        if form.is_valid():
            baby = form.save()
            messages.success(request, _("%(name)s is added.") % {"name": baby.name})
            return redirect("today")
        return render(request, "massage/baby_form.html", context, status=INVALID)
    return render(request, "massage/baby_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def baby_update(request, baby_id):
    baby = family_selectors.baby_to_change(request.user, baby_id, access.MANAGE)
    form = BabyForm(request.POST or None, instance=baby)
    context = {"form": form, "family": baby.family, "baby": baby}
    if request.method == "POST":
        if form.is_valid():
            form.save()
            messages.success(request, _("Saved."))
            return redirect("massage:family-detail", family_id=baby.family_id)
        return render(request, "massage/baby_form.html", context, status=INVALID)
    return render(request, "massage/baby_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def baby_delete(request, baby_id):
    baby = family_selectors.baby_to_change(request.user, baby_id, access.MANAGE)
    if request.method == "POST":
        baby.delete()
        messages.success(request, _("%(name)s was removed.") % {"name": baby.name})
        return redirect("massage:family-detail", family_id=baby.family_id)
    return render(request, "massage/baby_confirm_delete.html", {"baby": baby})


@login_required
@require_http_methods(["GET", "POST"])
def invitation_create(request, family_id):
    membership = family_selectors.parent_membership_in(request.user, family_id)
    form = InvitationForm(request.POST or None)
    context = {"form": form, "family": membership.family}
    if request.method == "POST":
        if form.is_valid():
            invitation, token = family_services.invitation_create(
                family=membership.family,
                invited_by=request.user,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
            )
            link = request.build_absolute_uri(reverse("massage:invitation-accept", args=[token]))
            emailed = bool(invitation.email) and family_services.invitation_email(
                invitation=invitation, url=link
            )
            context |= {"invitation": invitation, "link": link, "emailed": emailed}
            return render(request, "massage/invitation_created.html", context, status=201)
        return render(request, "massage/invitation_form.html", context, status=INVALID)
    return render(request, "massage/invitation_form.html", context)


@login_required
@require_POST
def invitation_revoke(request, family_id, invitation_id):
    membership = family_selectors.parent_membership_in(request.user, family_id)
    invitation = family_selectors.invitation_in(membership, invitation_id)
    family_services.invitation_revoke(invitation=invitation)
    return _family_region(request, membership, "invitations", _("Invitation withdrawn."))


@require_http_methods(["GET", "POST"])
def invitation_accept(request, token):
    try:
        invitation = family_services.invitation_for_token(token)
    except family_services.InvitationError as error:
        pending_invitation.forget(request, token)
        return render(
            request, "massage/invitation_invalid.html", {"reason": str(error)}, status=GONE
        )
    # Kept until accepted or declined, so signing up or logging in by any way still joins.
    pending_invitation.remember(request, token)
    if not request.user.is_authenticated:
        return render(
            request, "massage/invitation_welcome.html", {"invitation": invitation, "token": token}
        )
    if request.method == "POST":
        pending_invitation.forget(request, token)
        try:
            membership = family_services.invitation_accept(token=token, user=request.user)
        except family_services.InvitationError as error:
            return render(
                request,
                "massage/invitation_invalid.html",
                {"reason": str(error)},
                status=error.status,
            )
        messages.success(
            request, _("You have joined %(family)s.") % {"family": membership.family.name}
        )
        return redirect("today")
    # The link is what admits someone (a grandparent may sign up with another address than the
    # one the parent typed), so a different email only earns a warning, never a refusal.
    email_differs = bool(invitation.email) and (
        invitation.email.casefold() != request.user.email.casefold()
    )
    return render(
        request,
        "massage/invitation_accept.html",
        {"invitation": invitation, "email_differs": email_differs, "token": token},
    )


@require_POST
def invitation_decline(request, token):
    """ "No, thanks": forget the link in this browser. It still works until it expires."""
    pending_invitation.forget(request, token)
    messages.info(
        request,
        _("You haven't joined. If you change your mind, the link works until it expires."),
    )
    return redirect("today" if request.user.is_authenticated else "massage:landing")


@login_required
@require_POST
def member_remove(request, family_id, member_id):
    membership = family_selectors.parent_membership_in(request.user, family_id)
    member = family_selectors.member_in(membership, member_id)
    try:
        family_services.membership_remove(membership=member, by=membership)
    except family_services.FamilyError as error:
        messages.error(request, str(error))
        return _family_region(request, membership, "members", status=error.status)
    return _family_region(
        request, membership, "members", _("%(name)s was removed.") % {"name": member.user}
    )


@login_required
@require_http_methods(["GET", "POST"])
def family_leave(request, family_id):
    membership = family_selectors.membership_in(request.user, family_id)
    if request.method == "POST":
        try:
            family_services.membership_leave(membership=membership)
        except family_services.FamilyError as error:
            messages.error(request, str(error))
            return render(
                request,
                "massage/family_leave.html",
                {"family": membership.family},
                status=error.status,
            )
        messages.success(request, _("You left %(family)s.") % {"family": membership.family.name})
        return redirect("today")
    return render(request, "massage/family_leave.html", {"family": membership.family})


def _family_region(request, membership, region, message="", status=200):
    """After a change on the family page: the changed region for htmx, else the whole page."""
    if message:
        messages.success(request, message)
    if wants_fragment(request):
        return render(
            request,
            f"massage/family_detail.html#{region}",
            family_selectors.family_page(membership),
            status=status,
        )
    if status >= 400:
        return render(
            request,
            "massage/family_detail.html",
            family_selectors.family_page(membership),
            status=status,
        )
    return redirect("massage:family-detail", family_id=membership.family_id)
