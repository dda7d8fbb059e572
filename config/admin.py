from django.contrib import admin


class RecordAdmin(admin.ModelAdmin):
    """A record of what users did (an export, a sign-off step, an import): read it, never write or
    delete it."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
