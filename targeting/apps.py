from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TargetingConfig(AppConfig):
    name = "targeting"
    verbose_name = _("Target lists")

    def ready(self) -> None:
        # The target list is read by the import pages (imports.kinds); its rules join the entry's; its
        # people are erased with the worker (enrollment.erasure).
        from . import eligibility, erasure, lists  # noqa: F401
