import datetime as dt

import django_filters
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from campaigns.models import Campaign
from config.forms import BootstrapForm
from regions.codes import level_of

from .models import Enrollment, shown_status_choices


class EnrollmentFilter(django_filters.FilterSet):
    """Every choice is narrowed to what the user may see, so the filter itself leaks nothing."""

    q = django_filters.CharFilter(label=_("Name or NIK"), method="filter_q")
    campaign = django_filters.ModelChoiceFilter(label=_("Campaign"), queryset=Campaign.objects.none())
    region = django_filters.CharFilter(label=_("Region code"), method="filter_region")
    # A NIK searched for arrives as the worker's id (enrollment/views.py), never in the address itself.
    worker = django_filters.NumberFilter(field_name="worker_id", widget=forms.HiddenInput)
    # "Active" and "cover ended" as the lists show them (Enrollment.shown_status).
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=shown_status_choices, method="filter_status"
    )
    occupation = django_filters.ChoiceFilter(
        label=_("Occupation"), field_name="occupation", choices=Enrollment.Occupation.choices
    )
    # A user name, not a list: a province has thousands of agents, too many for a page (issue 9).
    entered_by = django_filters.CharFilter(label=_("Entered by (user name)"), method="filter_entered_by")
    entered = django_filters.DateFromToRangeFilter(
        label=_("Entered between"),
        method="filter_entered",
        widget=django_filters.widgets.DateRangeWidget(attrs={"type": "date"}),
    )

    class Meta:
        model = Enrollment
        fields = ["q", "campaign", "region", "status", "occupation", "entered_by", "entered", "worker"]
        form = BootstrapForm  # crispy took a third of the list's time rendering a form that starts closed

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["campaign"].queryset = Campaign.objects.for_user(user)

    def filter_q(self, queryset, name, value):
        value = value.strip()
        # Names only: a NIK is posted and arrives as `worker` (enrollment/views.py), never in an address.
        return queryset.filter(full_name__icontains=value)

    def filter_status(self, queryset, name, value):
        return queryset.in_shown_status(value, timezone.localdate())

    def filter_entered_by(self, queryset, name, value):
        """The user's id first (on the index of their upper-cased name), then the enrollments by it:
        a case-blind match across the join read every enrollment of the area (3.7 s for the
        administrator, 8.1 s for a province at 8.4 million, issue 25)."""
        users = User.objects.filter(username__iexact=value.strip()).values_list("pk", flat=True)
        return queryset.filter(entered_by_id__in=list(users[:5]))

    def filter_entered(self, queryset, name, value: slice):
        """Whole local days, as bounds on the entry time itself: `entered_at__date` turned every
        row's time into a date first, which no index holds (the review queue from a date: 0.7 s for
        the administrator at 8.4 million, issue 25)."""
        if value.start:
            queryset = queryset.filter(entered_at__gte=_day_starts(value.start))
        if value.stop:
            queryset = queryset.filter(entered_at__lt=_day_starts(value.stop + dt.timedelta(days=1)))
        return queryset

    def filter_region(self, queryset, name, value):
        return queryset.filter(village__code__startswith=value.strip())


def _day_starts(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


class CheckboxFilter(django_filters.BooleanFilter):
    field_class = forms.BooleanField


class ReviewFilter(EnrollmentFilter):
    """The review queue's filters: where, who entered it, when, and the NIKs issued elsewhere."""

    # A tick box: unticked is "no filter" (False), not django-filter's "unknown" (None), so an
    # empty form does not count as changed and the filter panel stays closed.
    other_district = CheckboxFilter(
        label=_("Only NIKs issued in another district"), method="filter_other_district", required=False
    )
    overlap = CheckboxFilter(
        label=_("Only workers covered by another campaign too"), method="filter_overlap", required=False
    )

    # Each reads every waiting entry of the area to find the few that match: a regency's in
    # milliseconds, the country's in 5-9 s (issue 25). A province and above choose a regency first.
    AREA_WIDE = ("other_district", "overlap")

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.user = user
        for name in ("q", "status", "occupation", "worker"):
            del self.filters[name]
        self.filters["region"].label = _("District or village code")

    def get_form_class(self):
        filterset = self

        class ReviewFilterForm(super().get_form_class()):  # type: ignore[misc]  # django-filter builds the class
            def clean(self):
                data = super().clean()
                wanted = [name for name in filterset.AREA_WIDE if data.get(name)]
                if wanted and filterset.wider_than_a_regency(data.get("region") or ""):
                    for name in wanted:
                        self.add_error(
                            name,
                            _(
                                "Enter a regency or a smaller area in “District or village code” first: this check reads every waiting entry of the area, which for a province takes too long."
                            ),
                        )
                return data

        return ReviewFilterForm

    def wider_than_a_regency(self, region: str) -> bool:
        codes = [region.strip()] if region.strip() else self.user.region_codes
        return (self.user.is_superuser and not region.strip()) or any(level_of(code) < 2 for code in codes)

    def filter_other_district(self, queryset, name, value):
        return queryset.nik_from_other_district() if value else queryset

    def filter_overlap(self, queryset, name, value):
        return queryset.filter(overlap=True) if value else queryset
