from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from . import two_factor
from .models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "first_name", "last_name", "role", "is_active", "is_superuser"]
    list_filter = ["role", "is_active", "is_superuser"]
    actions = ["reset_two_factor"]
    autocomplete_fields = ["regions"]
    fieldsets = (
        *(BaseUserAdmin.fieldsets or ()),
        (_("Desa100"), {"fields": ("role", "phone", "regions")}),
    )
    add_fieldsets = (
        *BaseUserAdmin.add_fieldsets,
        (_("Desa100"), {"fields": ("role", "phone", "regions")}),
    )

    @admin.action(description=_("Reset two-factor sign-in (lost phone)"), permissions=["change"])
    def reset_two_factor(self, request, queryset) -> None:
        """A user who lost their phone and their recovery codes sets up a new authenticator at their
        next sign-in. Each reset is in the user's admin history (who, when) and the log."""
        for user in queryset:
            two_factor.two_factor_reset(user, by=request.user)
            self.log_change(request, user, [{"changed": {"fields": [str(_("two-factor sign-in (reset)"))]}}])
        self.message_user(
            request,
            _("Two-factor sign-in reset for %(count)d users: they set it up again at their next sign-in.")
            % {"count": len(queryset)},
            messages.SUCCESS,
        )
