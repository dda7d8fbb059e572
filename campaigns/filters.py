import django_filters
from django.utils.translation import gettext_lazy as _

from regions.codes import ancestor_codes

from .models import Campaign


class CampaignFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=Campaign.Status.choices, empty_label=_("Any status")
    )
    region = django_filters.CharFilter(
        label=_("Region code"),
        method="filter_region",
        help_text=_("Campaigns organized in or above this region, e.g. 32.14"),
    )
    q = django_filters.CharFilter(label=_("Name"), field_name="name", lookup_expr="icontains")

    class Meta:
        model = Campaign
        fields = ["status", "region", "q"]

    def filter_region(self, queryset, name, value):
        # A campaign "of" 32.14 is organized by 32.14, by something inside it, or by its province.
        value = value.strip()
        return queryset.filter(organizer__code__startswith=value) | queryset.filter(
            organizer__code__in=ancestor_codes(value)
        )
