from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OperationsConfig(AppConfig):
    """What running Desa100 on several servers needs: scheduled jobs that run once however many
    servers run them, and the figures an operator watches (/metrics)."""

    name = "operations"
    verbose_name = _("Operations")
