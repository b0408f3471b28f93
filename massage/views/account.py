"""The signed-in person's own account: their name, their families, and deleting it all."""

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from massage import selectors, services
from massage.errors import INVALID
from massage.forms import AccountDeleteForm, ProfileForm

__all__ = ["account", "account_delete"]


@login_required
@require_http_methods(["GET", "POST"])
def account(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your name is saved."))
        return redirect("massage:account")
    context = {"form": form, "memberships": selectors.account_memberships(request.user)}
    status = INVALID if request.method == "POST" else 200
    return render(request, "massage/account_detail.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def account_delete(request):
    form = AccountDeleteForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        families = services.account_delete(user=request.user)
        logout(request)
        if families:
            messages.success(
                request,
                _("Your account is deleted, and with it: %(families)s.")
                % {"families": ", ".join(families)},
            )
        else:
            messages.success(request, _("Your account is deleted."))
        return redirect("massage:landing")
    context = {"form": form, "memberships": selectors.account_memberships(request.user)}
    status = INVALID if request.method == "POST" else 200
    return render(request, "massage/account_confirm_delete.html", context, status=status)
