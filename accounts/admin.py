from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "first_name", "last_name", "role", "is_active", "is_superuser"]
    list_filter = ["role", "is_active", "is_superuser"]
    autocomplete_fields = ["regions"]
    fieldsets = (
        *(BaseUserAdmin.fieldsets or ()),
        (_("Desa100"), {"fields": ("role", "phone", "regions")}),
    )
    add_fieldsets = (
        *BaseUserAdmin.add_fieldsets,
        (_("Desa100"), {"fields": ("role", "phone", "regions")}),
    )
