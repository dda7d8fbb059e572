"""The pages of two-factor sign-in: the code after the password, setting up an authenticator, the
user's own overview (recovery codes, turning it off where the role allows)."""

from __future__ import annotations

import django_otp
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp.plugins.otp_static.models import StaticDevice

from config.requests import AuthenticatedHttpRequest

from . import two_factor
from .forms import CodeForm, NewAuthenticatorForm


def _next(request: AuthenticatedHttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return "/"


def _verified(request: AuthenticatedHttpRequest, device) -> None:
    """The session passed the second factor: a new session key (what was stolen before is worth
    nothing now), and no more asking until sign-out."""
    request.session.cycle_key()
    django_otp.login(request, device)
    request.session.pop(two_factor.PENDING_SESSION_KEY, None)


class SignInView(auth_views.LoginView):
    """The password; a user with an authenticator is then asked for its code (accounts.middleware)."""

    template_name = "accounts/login.html"

    def form_valid(self, form):
        response = super().form_valid(form)
        if two_factor.uses_two_factor(form.get_user()):
            self.request.session[two_factor.PENDING_SESSION_KEY] = True
        return response


@login_required
def two_factor_verify(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The code after the password."""
    if not two_factor.uses_two_factor(request.user):
        return redirect(f"{reverse('accounts:two_factor_setup')}?{urlencode({'next': _next(request)})}")
    form = CodeForm(request.POST or None, user=request.user)
    if form.is_valid():
        _verified(request, form.device)
        if isinstance(form.device, StaticDevice):
            messages.warning(
                request,
                _("You used a recovery code; %(left)s are left. Make new ones on your two-factor page.")
                % {"left": two_factor.recovery_codes_left(request.user)},
            )
        return redirect(_next(request))
    return render(request, "accounts/two_factor_verify.html", {"form": form, "next": _next(request)})


@login_required
def two_factor_setup(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Scan the QR code (or type the secret) into an authenticator app, then type its first code.
    A user who already has one must have signed in with it to replace it."""
    if two_factor.uses_two_factor(request.user) and not request.user.is_verified():  # type: ignore[attr-defined]
        return redirect("accounts:two_factor_verify")
    device = two_factor.authenticator_start(request.user)
    form = NewAuthenticatorForm(request.POST or None)
    if form.is_valid():
        codes = two_factor.authenticator_confirm(request.user, device, form.cleaned_data["code"])
        if codes is not None:
            _verified(request, device)
            return render(request, "accounts/two_factor_codes.html", {"codes": codes, "next": _next(request)})
        form.add_error("code", _("This code is not right. Type the code your app shows now."))
    context = {
        "form": form,
        "qr_code": two_factor.qr_code(device),
        "secret": two_factor.secret_text(device),
        "next": _next(request),
    }
    return render(request, "accounts/two_factor_setup.html", context)


@login_required
def two_factor_account(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The user's own two-factor page: on or off, recovery codes left, what they can do."""
    context = {
        "uses": two_factor.uses_two_factor(request.user),
        "must": two_factor.must_use(request.user),
        "codes_left": two_factor.recovery_codes_left(request.user),
    }
    return render(request, "accounts/two_factor.html", context)


@login_required
@require_POST
def two_factor_recovery_codes(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not request.user.is_verified():  # type: ignore[attr-defined]
        return redirect("accounts:two_factor_verify")
    codes = two_factor.recovery_codes_issue(request.user)
    return render(request, "accounts/two_factor_codes.html", {"codes": codes, "next": "/"})


@login_required
@require_POST
def two_factor_off(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Turn it off, for whom the role does not require it (agents), with a code from the app."""
    form = CodeForm(request.POST, user=request.user)
    if two_factor.must_use(request.user):
        messages.error(request, _("Your role signs in with a code; it cannot be turned off."))
    elif form.is_valid():
        two_factor.two_factor_reset(request.user, by=request.user)
        messages.success(request, _("Two-factor sign-in is off."))
    else:
        messages.error(
            request, _("This code is not right, or was already used. Type the code your app shows now.")
        )
    return redirect("accounts:two_factor_account")
