from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from config.admin import HistoryAdmin
from regions.models import Region

from .forms import BaseFundingSourceFormSet
from .models import Campaign, FundingSource, Quota


class FundingSourceInline(admin.TabularInline):
    model = FundingSource
    formset = BaseFundingSourceFormSet  # a source that pays for enrollments cannot be deleted
    extra = 0


@admin.register(Campaign)
class CampaignAdmin(HistoryAdmin):
    list_display = ["name", "organizer", "status", "starts_on", "ends_on", "budget"]
    list_filter = ["status"]
    search_fields = ["name", "slug", "organizer__name", "organizer__code"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["organizer"]
    readonly_fields = ["created_by", "created_at", "activated_by", "activated_at", "closed_by", "closed_at"]
    inlines = [FundingSourceInline]
    list_select_related = ["organizer"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def has_delete_permission(self, request, obj=None):
        return obj is None or not obj.quotas.exists()  # a campaign with quotas is closed, not deleted


class ProvinceFilter(admin.SimpleListFilter):
    """Quotas by the province of their village (the first two digits of its code)."""

    title = _("province")
    parameter_name = "province"

    def lookups(self, request, model_admin):
        return [(r.code, r.name) for r in Region.objects.filter(level=Region.Level.PROVINCE)]

    def queryset(self, request, queryset):
        return queryset.filter(village__code__startswith=f"{self.value()}.") if self.value() else queryset


@admin.register(Quota)
class QuotaAdmin(HistoryAdmin):
    list_display = ["village", "campaign", "target", "filled", "baseline"]
    list_filter = ["campaign", ProvinceFilter]
    search_fields = ["village__code", "village__name"]
    autocomplete_fields = ["village"]
    readonly_fields = ["filled", *Quota.COUNTERS]  # changed only by enrollments, atomically
    list_select_related = ["village", "campaign"]
    show_full_result_count = False

    def has_delete_permission(self, request, obj=None):
        """Only a mistaken quota nobody was enrolled into may go; one with enrollments stays."""
        return obj is None or not any(getattr(obj, counter) for counter in Quota.COUNTERS)
