"""Each claim's worker, from its enrollment. Claims recorded twice before (a double click, two
officials) are kept, refused with a reason that points at the claim that stands: a duplicate already
paid is money the payer must recover, and the refusal says so rather than hiding it.
"""

from django.db import migrations
from django.db.models import OuterRef, Subquery

ONCE_ONLY = ["jkm_death", "jkk_death"]


def fill_worker_and_refuse_duplicates(apps, schema_editor):
    Claim = apps.get_model("coverage", "Claim")
    Enrollment = apps.get_model("enrollment", "Enrollment")
    Claim.objects.update(worker=Subquery(Enrollment.objects.filter(pk=OuterRef("enrollment")).values("worker")[:1]))
    first: dict[tuple[int, str], int] = {}
    standing = Claim.objects.filter(kind__in=ONCE_ONLY).exclude(status="refused").order_by("pk")
    for claim in standing.only("pk", "worker_id", "kind", "status"):
        key = (claim.worker_id, claim.kind)
        if key not in first:
            first[key] = claim.pk
            continue
        reason = f"Dicatat dua kali: sama dengan klaim #{first[key]}."
        if claim.status == "paid":
            reason += " Jumlah yang sudah dibayar harus dikembalikan."
        Claim.objects.filter(pk=claim.pk).update(status="refused", reason=reason)


class Migration(migrations.Migration):
    dependencies = [("coverage", "0002_claim_worker")]

    operations = [migrations.RunPython(fill_worker_and_refuse_duplicates, migrations.RunPython.noop)]
