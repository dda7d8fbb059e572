from django import forms
from django.utils.translation import gettext_lazy as _

from config.forms import BootstrapWidgetsMixin
from config.uploads import CsvUploadForm
from regions.forms import RegionCodeField
from regions.models import Region

from . import services


class EstimateForm(BootstrapWidgetsMixin, forms.Form):
    region = RegionCodeField(Region.objects.none(), label=_("Region code"))
    informal_workers = forms.IntegerField(
        label=_("Informal workers (estimate)"), min_value=0, max_value=services.MAX_WORKFORCE
    )
    source = forms.CharField(label=_("Source"), max_length=200, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = Region.objects.for_user(user)


class EstimateUploadForm(BootstrapWidgetsMixin, CsvUploadForm):
    help_text = _(
        "One region per line: region_code,informal_workers[,source], e.g. 32.14,152000,BPS 2025 "
        "(a village, district, regency or province; commas or semicolons)."
    )
