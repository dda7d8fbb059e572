from django.contrib import admin

from .codes import kind_of, level_of
from .models import Region


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "level", "parent"]
    list_filter = ["level", "kind"]
    search_fields = ["code", "name"]  # also serves the autocomplete of users' regions
    raw_id_fields = ["parent"]
    list_select_related = ["parent"]
    show_full_result_count = False  # counting 91,599 rows on every filter is wasted work
    ordering = ["code"]

    def get_search_results(self, request, queryset, search_term):
        # A code is searched by prefix (32.14 finds Purwakarta and everything under it), which the
        # code index answers; names fall back to the usual contains search.
        term = search_term.strip()
        if term and term.replace(".", "").isdigit():
            return queryset.filter(code__startswith=term), False
        return super().get_search_results(request, queryset, search_term)

    def get_readonly_fields(self, request, obj=None):
        # Codes are identities that other records and users' areas hang on: fixed once created.
        return ["code", "level", "kind"] if obj else ["level", "kind"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.level = level_of(obj.code)
            obj.kind = kind_of(obj.code)
        super().save_model(request, obj, form, change)
