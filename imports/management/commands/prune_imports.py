"""Delete the files of imports older than IMPORT_FILE_DAYS: they hold NIKs, and after the day of a
possible undo nothing needs them. The import's record (who, when, counts, checksum) stays."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from imports.models import ImportBatch
from operations.schedule import once_at_a_time


class Command(BaseCommand):
    help = "Delete uploaded import files older than IMPORT_FILE_DAYS (run daily from cron)."

    @once_at_a_time(lease=dt.timedelta(hours=1))
    def handle(self, *args, **options):
        cutoff = timezone.now() - dt.timedelta(days=settings.IMPORT_FILE_DAYS)
        old = ImportBatch.objects.filter(uploaded_at__lt=cutoff).exclude(file="")
        count = 0
        for batch in old.iterator():
            batch.file.delete(save=False)
            ImportBatch.objects.filter(pk=batch.pk).update(file="")
            count += 1
        self.stdout.write(f"{count} import files deleted.")
