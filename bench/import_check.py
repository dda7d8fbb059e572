"""Time reading and checking an import file (issue 12's dry run) on the national database.

    .venv/bin/python bench/import_check.py              # 100,000 rows for regency 32.14
    .venv/bin/python bench/import_check.py --rows 20000

Builds a CSV of sign-ups in the villages of Kab. Purwakarta, reads it with `imports.reading` and
checks every row with `imports.checks.check_rows` as the province official of 32 (the lookups:
the campaign's quotas in reach, the NIKs already enrolled). Nothing is saved. Needs the database of
`bench/national.py`. Latest figures: bench/README.md.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ["DATABASE_URL"] = os.environ.get(
    "NATIONAL_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/desa100_national"
)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
os.environ.setdefault("DJANGO_DEBUG", "false")


def sign_ups(rows: int, codes: list[str]) -> bytes:
    """A file as a village meeting's spreadsheet would be: semicolons, dd/mm/yyyy, phones with spaces."""
    lines = ["nik;nama;kode_desa;pekerjaan;tanggal_lahir;jenis_kelamin;no_hp;penghasilan"]
    for n in range(rows):
        code = codes[n % len(codes)]
        district = code[:8].replace(".", "")
        day, serial = n // 9999 % 28 + 1, n % 9999 + 1  # a different NIK on every row
        lines.append(
            f"{district}{day:02d}0885{serial:04d};Pekerja {n};{code};petani;{day:02d}/08/1985;L;"
            "0812 3456 7890;1.500.000"
        )
    return "\n".join(lines).encode()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()

    import django

    django.setup()
    from django.utils import timezone

    from accounts.models import User
    from campaigns.models import Campaign
    from imports.checks import check_rows
    from imports.reading import read_table
    from regions.models import Region

    official = User.objects.get(username="pejabat.32")
    campaign = Campaign.objects.order_by("pk").first()
    codes = list(
        Region.objects.filter(code__startswith="32.14.", level=Region.Level.VILLAGE).values_list(
            "code", flat=True
        )
    )
    data = sign_ups(args.rows, codes)
    started = time.perf_counter()
    table = read_table(data)
    read = time.perf_counter() - started
    started = time.perf_counter()
    result = check_rows(table, campaign=campaign, user=official, today=timezone.localdate())
    checked = time.perf_counter() - started
    print(
        f"{args.rows:,} rows, {len(data) / 1e6:.1f} MB: read {read:.2f} s, checked {checked:.2f} s, "
        f"{args.rows / (read + checked):,.0f} rows/s; {len(result.valid):,} valid, {len(result.problems):,} problems"
    )


if __name__ == "__main__":
    main()
