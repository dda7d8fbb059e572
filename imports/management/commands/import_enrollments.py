"""Import a file of sign-ups from the command line, as the import page does, with a progress bar."""

from __future__ import annotations

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from accounts.models import User
from campaigns.models import Campaign
from imports import services
from imports.models import ImportBatch
from imports.reading import MAX_BYTES


class Command(BaseCommand):
    help = "Check a CSV or XLSX file of sign-ups for a campaign as a user, and enroll its valid rows."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--campaign", required=True, help="the campaign's slug")
        parser.add_argument("--user", required=True, help="the username the rows are entered as")
        parser.add_argument("--dry-run", action="store_true", help="check every row, save nothing")
        parser.add_argument(
            "--leave-out",
            action="store_true",
            help="rows beyond a village's slots are left out, not reserved",
        )

    def handle(self, *args, file: Path, campaign: str, user: str, dry_run: bool, leave_out: bool, **options):
        translation.activate("id")
        by = User.objects.filter(username=user, is_active=True).first()
        if by is None:
            raise CommandError(f"No active user {user!r}.")
        chosen = Campaign.objects.for_user(by).filter(slug=campaign).first()
        if chosen is None:
            raise CommandError(f"No campaign {campaign!r} in the reach of {user}.")
        if not file.is_file() or file.stat().st_size > MAX_BYTES:
            raise CommandError(f"{file}: not a file, or larger than {MAX_BYTES // 1_000_000} MB.")
        batch = services.import_upload(
            kind=ImportBatch.Kind.SIGNUPS,
            campaign=chosen,
            data=file.read_bytes(),
            file_name=file.name,
            by=by,
            reserve_if_full=not leave_out,
        )
        services.import_check(batch, progress=self.bar("check"))
        self.stderr.write("")
        if batch.state != ImportBatch.State.CHECKED:
            raise CommandError(batch.error)
        self.stdout.write(f"{batch.rows} rows: {batch.valid} valid, {len(batch.problems)} problems.")
        for row, column, message in batch.problems[:20]:
            self.stdout.write(f"  row {row}, {column}: {message}")
        if dry_run:
            services.import_discard(batch, by=by)
            return
        try:
            services.import_commit(batch, by=by, progress=self.bar("save"))
        except services.ImportRefused as refused:
            raise CommandError(str(refused)) from None
        self.stderr.write("")
        self.stdout.write(
            f"Import {batch.pk}: {batch.enrolled} enrolled, {batch.reserved} reserved, {batch.left_out} left out."
        )

    def bar(self, label: str):
        def show(done: int, total: int) -> None:
            width = 30
            filled = width * done // max(total, 1)
            sys.stderr.write(f"\r{label} [{'#' * filled}{'.' * (width - filled)}] {done:,}/{total:,} rows")
            sys.stderr.flush()

        return show
