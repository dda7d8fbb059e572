"""The main menu: one list of the pages a user may open, each with its icon, in the order of the work."""

from dataclasses import dataclass

from django import template
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

register = template.Library()

# (url name, label, heroicon, who sees it: everyone signed in, officials who manage agents, or staff)
MENU = [
    ("home", _("Home"), "home", "all"),
    ("enrollment:enrollment_create", _("Enroll"), "user-plus", "all"),
    ("targeting:worklist", _("Worklist"), "list-bullet", "all"),
    ("enrollment:enrollment_list", _("Enrollments"), "users", "all"),
    ("enrollment:review_queue", _("Review"), "clipboard-document-check", "officials"),
    ("targeting:near_duplicate_list", _("Duplicates"), "document-duplicate", "officials"),
    ("enrollment:expiring_list", _("Ending soon"), "clock", "officials"),
    ("coverage:behind_list", _("Contributions behind"), "banknotes", "all"),
    ("billing:payer_list", _("Bills"), "document-text", "officials"),
    ("coverage:claim_list", _("Claims"), "shield-check", "officials"),
    ("campaigns:campaign_list", _("Campaigns"), "megaphone", "all"),
    ("targeting:list_list", _("Target lists"), "user-group", "officials"),
    ("imports:list", _("Imports"), "arrow-up-tray", "all"),
    ("accounts:agent_list", _("Agents"), "identification", "officials"),
    ("reports:export_log", _("Exports"), "arrow-down-tray", "officials"),
    ("regions:region_list", _("Regions"), "map", "all"),
    ("admin:index", _("Administration"), "cog-6-tooth", "staff"),
]


@dataclass(frozen=True)
class MenuItem:
    url: str
    label: str | Promise
    icon: str
    current: bool


class Menu(list[MenuItem]):
    """The entries, and what they depend on: the rendered menu is kept per `key` and language
    (templates/includes/menu.html), since drawing its icons and labels cost 2.6 ms of every page."""

    key: str


@register.simple_tag(takes_context=True)
def menu_items(context) -> Menu:
    """The user's menu, the entry whose address begins the current page's marked as current."""
    user = context["request"].user
    allowed = {
        "all",
        *(["officials"] if user.acts_as_official else []),
        *(["staff"] if user.is_staff else []),
    }
    entries = [(reverse(name), label, icon) for name, label, icon, who in MENU if who in allowed]
    path = context["request"].path
    # The longest address that begins the path: /enrollments/review/ is Review, not Enrollments.
    matches = [url for url, _label, _icon in entries if path.startswith(url) and (url != "/" or path == "/")]
    current = max(matches, key=len, default=None)
    menu = Menu(MenuItem(url, label, icon, url == current) for url, label, icon in entries)
    menu.key = f"{','.join(sorted(allowed))}|{current}"
    return menu
