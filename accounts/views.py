from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.forms import SetPasswordForm
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from config.requests import AuthenticatedHttpRequest
from regions.models import Region

from .decorators import agent_manager_required
from .forms import AgentCreateForm, AgentEditForm
from .models import User

AGENTS_PER_PAGE = 25


def _get_agent_for_user(request: AuthenticatedHttpRequest, pk: int) -> User:
    """An agent the signed-in official manages, or 404: outsiders do not learn the agent exists."""
    return get_object_or_404(User.objects.managed_by(request.user), pk=pk)


@agent_manager_required
def agent_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    agents = User.objects.managed_by(request.user).order_by("first_name", "username")
    query = request.GET.get("q", "").strip()
    if query:
        # Each part on its own trigram index (accounts.0003, regions.0002), then the agents by id: an
        # OR across the villages' join, made distinct, read every agent (320 ms for the country).
        by_name = User.objects.filter(Q(username__icontains=query) | Q(first_name__icontains=query))
        by_village = User.regions.through.objects.filter(region__name__icontains=query)
        agents = agents.filter(Q(pk__in=by_name.values("pk")) | Q(pk__in=by_village.values("user_id")))
    agents = agents.prefetch_related(Prefetch("regions", queryset=Region.objects.order_by("code")))
    page = Paginator(agents, AGENTS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "accounts/agent_list.html", {"page": page, "query": query})


@agent_manager_required
def agent_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = AgentCreateForm(request.POST or None, official=request.user)
    if form.is_valid():
        form.instance.role = User.Role.AGENT
        agent = form.save()
        messages.success(
            request, _("Agent %(name)s created. Give them their username and password.") % {"name": agent}
        )
        return redirect("accounts:agent_list")
    return render(request, "accounts/agent_form.html", {"form": form})


@agent_manager_required
def agent_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    agent = _get_agent_for_user(request, pk)
    form = AgentEditForm(request.POST or None, instance=agent, official=request.user)
    if form.is_valid():
        form.save()
        messages.success(request, _("Agent %(name)s saved.") % {"name": agent})
        return redirect("accounts:agent_list")
    return render(request, "accounts/agent_form.html", {"form": form, "agent": agent})


@agent_manager_required
def agent_password(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    agent = _get_agent_for_user(request, pk)
    form = SetPasswordForm(agent, request.POST or None)
    if form.is_valid():
        form.save()
        messages.success(request, _("New password set for %(name)s.") % {"name": agent})
        return redirect("accounts:agent_list")
    return render(request, "accounts/agent_password.html", {"form": form, "agent": agent})


@agent_manager_required
@require_POST
def agent_active(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Deactivate an agent (they can no longer sign in; their entries stay), or reactivate them."""
    agent = _get_agent_for_user(request, pk)
    agent.is_active = request.POST.get("active") == "1"
    agent.save(update_fields=["is_active"])
    if agent.is_active:
        messages.success(request, _("%(name)s can sign in again.") % {"name": agent})
    else:
        messages.success(request, _("%(name)s is deactivated and can no longer sign in.") % {"name": agent})
    return redirect("accounts:agent_list")
