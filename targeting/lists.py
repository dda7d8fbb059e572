"""A target list's file, read through the import pages (imports.kinds): the same reader, column
mapping, dry run, problem rows, background worker and same-day undo as a sign-up list.

The dry run sorts each row against the current round of the same source in the area: new, decile
changed, unchanged, or cannot be read; the people of the earlier round missing from the file are
"gone". Confirming makes the list current: the earlier rounds of the same source in the area are
replaced (kept until `purge_target_lists` the next day, so the confirmation can be undone today).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterator

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from accounts.models import User
from config.formatting import grouped
from enrollment.models import Worker
from enrollment.nik import check_nik, mask_nik
from imports.kinds import ListKind, Sorted, register
from imports.models import ImportBatch
from imports.reading import Table, clean_nik, parse_date
from imports.services import ImportRefused
from regions.models import Region

from .models import TargetList, TargetListQuerySet, TargetPerson

ALIASES = {
    "nik": ("nik", "noktp", "nomornik", "nikart", "nikanggota", "nomorindukkependudukan"),
    "kk_number": ("kk", "nokk", "nomorkk", "nomorkartukeluarga", "nokartukeluarga", "kknumber"),
    "desil": ("desil", "desilnasional", "peringkatdesil", "desilkesejahteraan", "decile"),
    "full_name": ("nama", "namalengkap", "namaart", "namaanggota", "fullname", "name"),
    "sex": ("jeniskelamin", "jk", "kelamin", "sex", "lp"),
    "birth_date": ("tanggallahir", "tgllahir", "tgllhr", "birthdate"),
    "village_code": (
        "kodedesa", "kodekelurahan", "kodedesakelurahan", "kodewilayah", "kdesa", "villagecode", "kodekemendagri",
    ),
    "rt": ("rt",),
    "rw": ("rw",),
    "rt_rw": ("rtrw",),
    "occupation": ("pekerjaan", "pekerjaanutama", "occupation"),
}  # fmt: skip
LABELS = {
    "nik": gettext_lazy("NIK"),
    "kk_number": gettext_lazy("Family card (KK) number"),
    "desil": gettext_lazy("Decile (desil)"),
    "full_name": gettext_lazy("Full name"),
    "sex": gettext_lazy("Sex"),
    "birth_date": gettext_lazy("Birth date"),
    "village_code": gettext_lazy("Village code"),
    "rt": gettext_lazy("RT"),
    "rw": gettext_lazy("RW"),
    "rt_rw": gettext_lazy("RT/RW"),
    "occupation": gettext_lazy("Occupation"),
}
CATEGORIES = {
    "new": gettext_lazy("New on this round"),
    "changed": gettext_lazy("Decile changed"),
    "same": gettext_lazy("Unchanged"),
    "gone": gettext_lazy("On the current round, not on this one: they leave the list"),
    "problem": gettext_lazy("Cannot be read"),
}
SEXES = {"l": Worker.Sex.MALE, "lk": Worker.Sex.MALE, "laki-laki": Worker.Sex.MALE, "1": Worker.Sex.MALE,
         "p": Worker.Sex.FEMALE, "pr": Worker.Sex.FEMALE, "perempuan": Worker.Sex.FEMALE, "2": Worker.Sex.FEMALE}  # fmt: skip


def target_list_of(batch: ImportBatch) -> TargetList:
    return TargetList.objects.select_related("region").get(batch_id=batch.pk)


def replaced_by(target_list: TargetList) -> TargetListQuerySet:
    """The current rounds of the same source that this list replaces: its area's and those inside it."""
    return (
        TargetList.objects.current()
        .filter(source=target_list.source, region__code__startswith=target_list.region.code)
        .exclude(pk=target_list.pk)
    )


def covering(target_list: TargetList) -> TargetListQuerySet:
    """Current rounds of the same source for a larger area holding this one: a round is replaced
    whole, so the new round must be for that area."""
    code = target_list.region.code
    larger = [code[:n] for n in (2, 5, 8) if n < len(code)]
    return TargetList.objects.current().filter(source=target_list.source, region__code__in=larger)


def _villages(area: Region, codes: set[str]) -> dict[str, int]:
    if area.level == Region.Level.VILLAGE:
        return {area.code: area.pk}
    return dict(
        Region.objects.filter(
            code__in=[code for code in codes if code.startswith(f"{area.code}.")], level=Region.Level.VILLAGE
        ).values_list("code", "pk")
    )


def _read(
    number: int, record: dict[str, str], villages: dict[str, int], area: Region, table: Table
) -> dict | str:
    """The row as a person of the list, or what is wrong with it."""
    nik = clean_nik(record.get("nik", ""))
    if table.lost_digits(number, "nik") or table.lost_digits(number, "kk_number"):
        return _(
            "Excel changed the NIK or KK into a number and lost its last digits: format the column as text"
        )
    check = check_nik(nik)
    if not check.valid:
        return "; ".join(check.errors)
    kk = clean_nik(record.get("kk_number", ""))
    if not (len(kk) == 16 and kk.isascii() and kk.isdigit()):
        return _("a family card (KK) number has 16 digits")
    desil = record.get("desil", "").strip()
    if not (desil.isascii() and desil.isdigit() and 1 <= int(desil) <= 10):
        return _("the decile (desil) is a number from 1 to 10")
    code = record.get("village_code", "").strip() or (area.code if area.level == Region.Level.VILLAGE else "")
    if code not in villages:
        return _("%(code)s is not a village of %(area)s") % {"code": code or "-", "area": area.display_name}
    born = (
        parse_date(record.get("birth_date", "")) if record.get("birth_date", "").strip() else check.birth_date
    )
    if born is None:
        return _("write the birth date as 15/08/1995")
    written_sex = record.get("sex", "").strip().lower()
    rt_rw = record.get("rt_rw", "").strip() or "/".join(
        part for part in (record.get("rt", "").strip(), record.get("rw", "").strip()) if part
    )
    return {
        "nik": check.nik, "kk_number": kk, "desil": int(desil), "village": villages[code],
        "full_name": " ".join(record.get("full_name", "").split())[:150],
        "sex": SEXES.get(written_sex, check.sex), "birth_date": born.isoformat(),
        "rt_rw": rt_rw[:9], "occupation": record.get("occupation", "").strip()[:60],
    }  # fmt: skip


def sort(batch: ImportBatch, table: Table) -> Iterator[Sorted]:
    target_list = target_list_of(batch)
    area = target_list.region
    if wider := covering(target_list).select_related("region").first():
        raise ImportRefused(
            _("The current round of this source is for %(area)s: upload the new round for the whole of it.")
            % {"area": wider.region.display_name}
        )
    codes = {record.get("village_code", "").strip() for _number, record in table.records()}
    villages = _villages(area, codes)
    earlier = {
        nik: (desil, name)
        for nik, desil, name in TargetPerson.objects.filter(target_list__in=replaced_by(target_list))
        .exclude(nik=None)
        .values_list("nik", "desil", "full_name")
        .iterator(chunk_size=5000)
    }
    seen: dict[str, int] = {}
    for number, record in table.records():
        person = _read(number, record, villages, area, table)
        if isinstance(person, str):
            written = clean_nik(record.get("nik", ""))[:16]
            masked = mask_nik(written) if len(written) == 16 else f"{written[:4]}{'*' * len(written[4:])}"
            name = " ".join(record.get("full_name", "").split())[:150]
            yield Sorted(number, "problem", masked, name, person)
            continue
        nik = person["nik"]
        if nik in seen:
            yield Sorted(number, "problem", mask_nik(nik), person["full_name"],
                         _("the same NIK is on row %(row)s") % {"row": seen[nik]})  # fmt: skip
            continue
        seen[nik] = number
        before = earlier.get(nik)
        if before is None:
            category, note = "new", _("decile %(desil)s") % {"desil": person["desil"]}
        elif before[0] != person["desil"]:
            category = "changed"
            note = _("decile %(before)s → %(now)s") % {"before": before[0], "now": person["desil"]}
        else:
            category, note = "same", _("decile %(desil)s") % {"desil": person["desil"]}
        yield Sorted(number, category, mask_nik(nik), person["full_name"], note, person)
    for nik, (desil, name) in earlier.items():
        if nik not in seen:
            yield Sorted(0, "gone", mask_nik(nik or ""), name, _("decile %(desil)s") % {"desil": desil})


def confirm(batch: ImportBatch, rows: list[Sorted], by: User) -> dict:
    """The list becomes current, its people written at once; the earlier rounds it replaces step down."""
    target_list = target_list_of(batch)
    if target_list.state != TargetList.State.CHECKING:
        raise ImportRefused(_("This list is saved already."))
    TargetPerson.objects.bulk_create(
        (
            TargetPerson(
                target_list=target_list,
                village_id=row.data["village"],
                nik=row.data["nik"],
                kk_number=row.data["kk_number"],
                desil=row.data["desil"],
                full_name=row.data["full_name"],
                sex=row.data["sex"],
                birth_date=dt.date.fromisoformat(row.data["birth_date"]),
                rt_rw=row.data["rt_rw"],
                occupation=row.data["occupation"],
            )
            for row in rows
        ),
        batch_size=5000,
    )
    counts = batch.summary.get("counts", {})
    replaced = list(replaced_by(target_list).values_list("pk", flat=True))
    TargetList.objects.filter(pk__in=replaced).update(
        state=TargetList.State.REPLACED, replaced_by=target_list
    )
    target_list.state, target_list.people = TargetList.State.CURRENT, len(rows)
    target_list.by_desil = dict(Counter(str(row.data["desil"]) for row in rows))
    target_list.changes = {
        "new": counts.get("new", 0), "changed": counts.get("changed", 0), "gone": counts.get("gone", 0),
        "replaced": len(replaced),
    }  # fmt: skip
    target_list.save(update_fields=["state", "people", "by_desil", "changes"])
    return {"list": target_list.pk, "replaced": replaced}


def undo(batch: ImportBatch, by: User, reason: str) -> int:
    """The list is withdrawn (its people deleted) and the rounds it replaced are current again."""
    target_list = target_list_of(batch)
    replaced = batch.summary.get("done", {}).get("replaced", [])
    count = target_list.people
    target_list_withdraw(target_list=target_list, by=by, reason=reason)
    TargetList.objects.filter(pk__in=replaced, state=TargetList.State.REPLACED).update(
        state=TargetList.State.CURRENT, replaced_by=None
    )
    return count


def target_list_withdraw(*, target_list: TargetList, by: User | None, reason: str) -> int:
    """Withdraw a list: its people are deleted at once (the purpose of holding them has ended);
    the list's record (source, round, handover, who withdrew it and why) stays."""
    deleted, _by_model = TargetPerson.objects.filter(target_list=target_list).delete()
    target_list.state, target_list.withdrawn_at = TargetList.State.WITHDRAWN, timezone.now()
    target_list.withdrawn_by, target_list.withdraw_reason = by, reason.strip()[:250]
    target_list.save(update_fields=["state", "withdrawn_at", "withdrawn_by", "withdraw_reason"])
    return deleted


def purge_replaced(*, before: dt.date) -> int:
    """Delete the people of rounds replaced before the day (kept that long for a same-day undo)."""
    stale = TargetList.objects.filter(
        Q(state=TargetList.State.REPLACED) & Q(replaced_by__created_at__date__lt=before)
    )
    deleted, _by_model = TargetPerson.objects.filter(target_list__in=stale).delete()
    return deleted


def _instructions() -> list[str]:
    return [
        _("One row per person, below the header row. The order of the columns does not matter."),
        _("Required: nik, no_kk, desil (1 to 10), and kode_desa unless the list is for one village."),
        _(
            "nama, jenis_kelamin, tanggal_lahir, rt, rw and pekerjaan are used when present: the agent's form is filled with them."
        ),
        _("Keep the NIK and KK columns as text in Excel, or their last digits are lost."),
        _("Upload it in Desa100: Target lists, then Add a target list. Nothing is saved before you confirm."),
    ]


def may_upload(user: User) -> bool:
    return user.acts_as_official


register(
    ImportBatch.Kind.TARGETS,
    ListKind(
        aliases=ALIASES,
        labels=LABELS,
        required=("nik", "kk_number", "desil"),
        example=[
            ("nik", "1303014507920003"),
            ("no_kk", "1303011201150004"),
            ("desil", "2"),
            ("nama", "Rosmaini"),
            ("jenis_kelamin", "P"),
            ("tanggal_lahir", "05/07/1992"),
            ("kode_desa", "13.03.01.2001"),
            ("rt", "002"),
            ("rw", "001"),
            ("pekerjaan", "Petani"),
        ],
        instructions=_instructions,
        categories=CATEGORIES,
        confirmed=("new", "changed", "same"),
        open_categories=("changed", "gone", "problem"),
        may_upload=may_upload,
        sort=sort,
        confirm=confirm,
        undo=undo,
        undone=gettext_lazy(
            "Undone: the list of %(count)s people withdrawn, the round it replaced current again."
        ),
        key_label=gettext_lazy("NIK"),
        who_label=gettext_lazy("Name"),
        confirm_label=lambda count: (
            ngettext(
                "Make the list of %(shown)s person current",
                "Make the list of %(shown)s people current",
                count,
            )
            % {"shown": grouped(count)}
        ),
        confirm_note=gettext_lazy(
            "Rows that cannot be read are left out: download them, correct them and upload the whole list again."
        ),
        done_label=gettext_lazy("Made current on %(when)s: %(count)s people."),
        undo_note=gettext_lazy(
            "Undo it today if it was the wrong file: the list is withdrawn and the round it replaced is current again, with your reason."
        ),
        upload_url="targeting:list_new",
    ),
)


def batch_of(target_list: TargetList) -> ImportBatch:
    return ImportBatch.objects.get(pk=target_list.batch_id)
