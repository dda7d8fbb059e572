from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BillingConfig(AppConfig):
    name = "billing"
    verbose_name = _("Bills and payments")

    def ready(self) -> None:
        from . import statements  # noqa: F401  (registers the bank statement with the import pages)
