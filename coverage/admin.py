from django.contrib import admin

from .models import Contribution


@admin.register(Contribution)
class ContributionAdmin(admin.ModelAdmin):
    list_display = ["enrollment", "month", "amount", "funding_source", "paid_on", "recorded_by"]
    list_filter = ["month"]
    list_select_related = ["enrollment", "funding_source", "recorded_by"]
    raw_id_fields = ["enrollment"]
    date_hierarchy = "month"
    show_full_result_count = False
