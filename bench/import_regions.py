"""Time `import_regions` for the whole country: a first import into an empty table, then a re-run.

Runs against a throwaway test database created from DATABASE_URL (SQLite by default), so it never
touches your data:

    .venv/bin/python bench/import_regions.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/desa100 .venv/bin/python bench/import_regions.py

Latest figures are in bench/README.md.
"""

import os
import sys
import time
from io import StringIO
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402


def timed(label: str, *args: str) -> None:
    out = StringIO()
    start = time.perf_counter()
    call_command("import_regions", *args, stdout=out)
    print(f"{label:<28} {time.perf_counter() - start:6.2f} s   {out.getvalue().strip()}")


def search(text: str, repeat: int = 20) -> None:
    """The region search page's query (first 50 matches, with parents), averaged over `repeat` runs."""
    from regions.models import Region
    from regions.views import SEARCH_LIMIT

    start = time.perf_counter()
    for _ in range(repeat):
        found = list(Region.objects.search(text).select_related("parent__parent")[:SEARCH_LIMIT])
    elapsed = (time.perf_counter() - start) / repeat * 1000
    print(f"search {text!r:<24} {elapsed:6.1f} ms   {len(found)} shown")


def main() -> None:
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0)
    try:
        print(f"database: {connection.vendor}")
        timed("first import (91,599 rows)")
        timed("second run (no changes)")
        for text in ("tanjungsari", "sari", "32.14.16", "xyzzy"):
            search(text)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
