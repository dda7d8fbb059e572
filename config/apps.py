from django.utils.translation import gettext_lazy as _
from django_tasks_db.apps import TasksAppConfig


class BackgroundJobsConfig(TasksAppConfig):
    """django-tasks-db as Django admin names it for our administrators: in their language, and by what
    it holds for them (the large imports the task worker checks and saves)."""

    verbose_name = _("Background jobs")  # type: ignore[assignment]  # Django reads a lazy string here too
