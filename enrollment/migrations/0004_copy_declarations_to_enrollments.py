"""Issue 7, step 2 of 3: copy each worker's declaration to every one of their enrollments (heirs too).

Backward puts the latest enrollment's declaration back on the worker. A worker with two different KPJ
numbers, or a KPJ held by two workers, stops the migration rather than lose one: correct it first.
"""

from django.db import migrations

DECLARED = ["full_name", "phone", "address", "occupation", "occupation_other", "monthly_income", "kk_number"]


def copy_declarations_to_enrollments(apps, schema_editor):
    Worker = apps.get_model("enrollment", "Worker")
    Enrollment = apps.get_model("enrollment", "Enrollment")
    HistoricalEnrollment = apps.get_model("enrollment", "HistoricalEnrollment")
    Heir = apps.get_model("enrollment", "Heir")
    for worker in Worker.objects.iterator():
        declared = {name: getattr(worker, name) for name in DECLARED}
        old_heirs = list(Heir.objects.filter(worker=worker, enrollment__isnull=True).order_by("pk"))
        kpjs = set()
        for enrollment in Enrollment.objects.filter(worker=worker).order_by("entered_at", "pk"):
            fields = {
                **declared,
                "consent_given_at": worker.consent_at or enrollment.entered_at,
                "consent_collected_by_id": enrollment.entered_by_id,
                "declared_not_hospitalised": True,  # the entry form required the declaration
            }
            Enrollment.objects.filter(pk=enrollment.pk).update(**fields)
            HistoricalEnrollment.objects.filter(id=enrollment.pk).update(**fields)
            Heir.objects.bulk_create(
                Heir(
                    enrollment=enrollment,
                    position=position,
                    name=h.name,
                    relationship=h.relationship,
                    nik=h.nik,
                )
                for position, h in enumerate(old_heirs[:2], start=1)
            )
            if enrollment.kpj_number:
                kpjs.add(enrollment.kpj_number)
        if len(kpjs) > 1:
            raise RuntimeError(
                f"Worker {worker.pk} has several KPJ numbers {sorted(kpjs)}; keep one, then migrate."
            )
        if kpjs:
            kpj = kpjs.pop()
            if Worker.objects.filter(kpj_number=kpj).exclude(pk=worker.pk).exists():
                raise RuntimeError(f"KPJ {kpj} is held by several workers; correct it, then migrate.")
            Worker.objects.filter(pk=worker.pk).update(kpj_number=kpj)
    Heir.objects.filter(enrollment__isnull=True).delete()


def copy_declarations_back_to_workers(apps, schema_editor):
    Worker = apps.get_model("enrollment", "Worker")
    Enrollment = apps.get_model("enrollment", "Enrollment")
    Heir = apps.get_model("enrollment", "Heir")
    for worker in Worker.objects.iterator():
        latest = Enrollment.objects.filter(worker=worker).order_by("-entered_at", "-pk").first()
        if latest is None:
            continue
        Worker.objects.filter(pk=worker.pk).update(
            **{name: getattr(latest, name) for name in DECLARED},
            village_id=latest.village_id,
            consent_at=latest.consent_given_at,
            nik=worker.nik or "",
        )
        for heir in Heir.objects.filter(enrollment=latest, removed_at__isnull=True):
            Heir.objects.create(worker=worker, name=heir.name, relationship=heir.relationship, nik=heir.nik)
        if worker.kpj_number:
            Enrollment.objects.filter(worker=worker, activated_at__isnull=False).update(
                kpj_number=worker.kpj_number
            )
    Heir.objects.filter(worker__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("enrollment", "0003_declarations_on_enrollments")]

    operations = [migrations.RunPython(copy_declarations_to_enrollments, copy_declarations_back_to_workers)]
