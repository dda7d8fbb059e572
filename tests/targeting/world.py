"""Target lists as the tests build them: a DTSEN file, its upload, its confirmation."""

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from imports import tasks
from imports.models import ImportBatch
from regions.models import Region
from targeting import lists
from targeting.models import TargetList
from targeting.services import target_list_upload
from tests.factories import nik_for

TANJUNGSARI, CIBODAS = "32.14.16.2005", "32.14.16.2006"
KK = "3214161201150004"


def dtsen_csv(rows: list[tuple[str, str, int, str, str]]) -> bytes:
    """A SIKS-NG desil export: (nik, kk, desil, name, village code) per row."""
    lines = ["NIK;No KK;Desil;Nama;Kode Desa;RT;RW"]
    lines += [f"{nik};{kk};{desil};{name};{code};002;001" for nik, kk, desil, name, code in rows]
    return ("\n".join(lines) + "\n").encode()


def upload(official, rows, *, area="32.14", source=TargetList.Source.DTSEN, round_="DTSEN triwulan III 2026"):
    """A list uploaded and checked by `official`, as the page does; not yet current."""
    target_list = target_list_upload(
        target_list=TargetList(
            region=Region.objects.get(code=area), source=source, round=round_,
            given_by="Dinas Sosial Kab. Purwakarta", given_on=timezone.localdate() - dt.timedelta(days=3),
            document_number="BA/12/2026",
        ),
        data=dtsen_csv(rows), file_name="desil.csv", by=official,
    )  # fmt: skip
    batch = lists.batch_of(target_list)
    tasks.start(batch, "check")
    batch.refresh_from_db()
    return target_list, batch


def confirmed(official, rows, **kwargs) -> TargetList:
    target_list, batch = upload(official, rows, **kwargs)
    tasks.start(batch, "commit")
    target_list.refresh_from_db()
    assert target_list.state == TargetList.State.CURRENT, ImportBatch.objects.get(pk=batch.pk).error
    return target_list


def five_people():
    """Four people of Tanjungsari (two in one household) and one of Cibodas."""
    return [
        (nik_for(101), KK, 1, "Euis Komariah", TANJUNGSARI),
        (nik_for(102), KK, 1, "Ujang Saepuloh", TANJUNGSARI),
        (nik_for(103), "3214161201150005", 3, "Dedi Mulyadi", TANJUNGSARI),
        (nik_for(104), "3214161201150006", 7, "Rina Marlina", TANJUNGSARI),
        (nik_for(105), "3214161201150007", 2, "Asep Sunandar", CIBODAS),
    ]


def as_file(rows) -> SimpleUploadedFile:
    return SimpleUploadedFile("desil.csv", dtsen_csv(rows), content_type="text/csv")
