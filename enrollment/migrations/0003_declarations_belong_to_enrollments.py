"""Issue 7: what a worker declares at a sign-up moves from the shared Worker to its Enrollment.

Before, one Worker row per NIK held the name, phone, address, income, KK, consent and heirs, and any
later sign-up anywhere overwrote them. Now the Worker keeps only the identity (NIK, birth date, sex and
the KPJ, which moves here from the enrollments) and each enrollment keeps its own declaration and heirs.

Forward copies each worker's data to every one of their enrollments (heirs too); backward puts the
latest enrollment's declaration back on the worker. Old columns are made nullable before they are
dropped so that the reverse can re-add and refill them.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

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
                Heir(enrollment=enrollment, position=position, name=h.name, relationship=h.relationship, nik=h.nik)
                for position, h in enumerate(old_heirs[:2], start=1)
            )
            if enrollment.kpj_number:
                kpjs.add(enrollment.kpj_number)
        if len(kpjs) > 1:
            raise RuntimeError(f"Worker {worker.pk} has several KPJ numbers {sorted(kpjs)}; keep one, then migrate.")
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
            Enrollment.objects.filter(worker=worker, activated_at__isnull=False).update(kpj_number=worker.kpj_number)
    Heir.objects.filter(worker__isnull=True).delete()


def historical_fk(to, verbose_name):
    return models.ForeignKey(
        blank=True,
        db_constraint=False,
        null=True,
        on_delete=django.db.models.deletion.DO_NOTHING,
        related_name="+",
        to=to,
        verbose_name=verbose_name,
    )


OCCUPATIONS = [
    ("petani", "Farmer (petani)"), ("buruh_tani", "Farm labourer (buruh tani)"), ("nelayan", "Fisher (nelayan)"),
    ("pedagang", "Trader (pedagang)"), ("buruh_bangunan", "Construction labourer (buruh bangunan)"),
    ("tukang", "Craftsman (tukang)"), ("ojek", "Ojek driver (tukang ojek / ojek online)"), ("sopir", "Driver (sopir)"),
    ("kurir", "Courier (kurir)"), ("guru_ngaji", "Quran teacher (guru ngaji)"), ("marbot", "Mosque caretaker (marbot)"),
    ("pemandi_jenazah", "Washer of the dead (pemandi jenazah)"), ("pemulung", "Waste picker (pemulung)"),
    ("seniman", "Artist (seniman)"), ("buruh_harian", "Day labourer (buruh harian lepas)"),
    ("perangkat_desa", "Village official (perangkat desa)"), ("rt_rw", "RT/RW head"), ("bpd", "BPD member"),
    ("bumdes", "BUMDes staff"), ("linmas", "Linmas"), ("kader_posyandu", "Posyandu cadre (kader Posyandu)"),
    ("kader_pkk", "PKK cadre (kader PKK)"), ("other", "Other"),
]


def declaration_fields():
    """The declared fields, as added to Enrollment and to its history (placeholders until filled)."""
    return [
        ("full_name", models.CharField(blank=True, default="", max_length=150, verbose_name="full name")),
        ("phone", models.CharField(blank=True, default="", max_length=16, verbose_name="mobile phone")),
        ("address", models.CharField(blank=True, default="", max_length=250, verbose_name="address")),
        ("occupation", models.CharField(choices=OCCUPATIONS, default="other", max_length=20, verbose_name="occupation")),
        ("occupation_other", models.CharField(blank=True, default="", max_length=100, verbose_name="other occupation")),
        ("monthly_income", models.PositiveBigIntegerField(default=0, verbose_name="declared monthly income (Rp)")),
        ("kk_number", models.CharField(blank=True, default="", max_length=16, verbose_name="family card (KK) number")),
        ("declared_not_hospitalised", models.BooleanField(default=False, verbose_name="declared not in hospital")),
        ("consent_given_at", models.DateTimeField(null=True, verbose_name="consent given at")),
    ]


def tightened(name, field):
    """The final field: no placeholder default, consent required."""
    if name == "consent_given_at":
        return models.DateTimeField(verbose_name="consent given at")
    if name == "declared_not_hospitalised":
        return field
    kwargs = {"verbose_name": field.verbose_name, "blank": field.blank}
    if isinstance(field, models.CharField):
        kwargs["max_length"] = field.max_length
        if field.choices:
            kwargs["choices"] = field.choices
        return models.CharField(**kwargs)
    return models.PositiveBigIntegerField(verbose_name=field.verbose_name)


WORKER_DECLARED = {
    "full_name": models.CharField(blank=True, max_length=150, verbose_name="full name"),
    "occupation": models.CharField(blank=True, choices=OCCUPATIONS, max_length=20, verbose_name="occupation"),
    "monthly_income": models.PositiveBigIntegerField(null=True, verbose_name="declared monthly income (Rp)"),
    "consent_at": models.DateTimeField(null=True, verbose_name="consent to data processing given at"),
}
WORKER_DECLARED_CHARS = ["phone", "address", "occupation_other", "kk_number"]


class Migration(migrations.Migration):
    dependencies = [
        ("enrollment", "0002_constraint_messages"),
        ("regions", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="Erasure",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("erased_at", models.DateTimeField(auto_now_add=True, verbose_name="erased at")),
                ("reason", models.CharField(max_length=250, verbose_name="reason")),
                ("enrollment_count", models.PositiveIntegerField(verbose_name="enrollments erased")),
                (
                    "erased_by",
                    models.ForeignKey(
                        blank=True,
                        help_text="Empty when the retention purge erased it.",
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="erased by",
                    ),
                ),
            ],
            options={
                "verbose_name": "erasure of personal data",
                "verbose_name_plural": "erasures of personal data",
                "ordering": ["-erased_at"],
            },
        ),
        # Identity: the NIK may be erased, the KPJ becomes the worker's.
        migrations.RemoveConstraint(model_name="worker", name="enrollment_worker_nik_16_digits"),
        migrations.RemoveConstraint(model_name="worker", name="enrollment_worker_kk_16_digits"),
        migrations.RemoveConstraint(model_name="worker", name="enrollment_worker_other_named"),
        migrations.RemoveConstraint(model_name="enrollment", name="enrollment_enrollment_active_has_kpj"),
        migrations.AlterField(
            model_name="worker",
            name="nik",
            field=models.CharField(blank=True, max_length=16, null=True, unique=True, verbose_name="NIK"),
        ),
        migrations.AlterField(
            model_name="historicalworker",
            name="nik",
            field=models.CharField(blank=True, db_index=True, max_length=16, null=True, verbose_name="NIK"),
        ),
        migrations.AddField(
            model_name="worker",
            name="kpj_number",
            field=models.CharField(
                blank=True, max_length=20, null=True, unique=True, verbose_name="membership number (KPJ)"
            ),
        ),
        migrations.AddField(
            model_name="historicalworker",
            name="kpj_number",
            field=models.CharField(
                blank=True, db_index=True, max_length=20, null=True, verbose_name="membership number (KPJ)"
            ),
        ),
        # The worker's old declared columns become nullable, so that a reverse can re-add them.
        *[
            migrations.AlterField(model_name=model, name=name, field=field)
            for model in ("worker", "historicalworker")
            for name, field in WORKER_DECLARED.items()
        ],
        migrations.AlterField(
            model_name="worker",
            name="village",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="residents",
                to="regions.region",
                verbose_name="village of residence",
            ),
        ),
        migrations.AlterField(
            model_name="heir",
            name="worker",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="heirs",
                to="enrollment.worker",
                verbose_name="worker",
            ),
        ),
        # Declarations on the enrollment.
        *[
            migrations.AddField(model_name=model, name=name, field=field)
            for model in ("enrollment", "historicalenrollment")
            for name, field in declaration_fields()
        ],
        *[
            migrations.AddField(model_name=model, name=name, field=field)
            for model in ("enrollment", "historicalenrollment")
            for name, field in [
                (
                    "consent_collected_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="consent collected by",
                    )
                    if model == "enrollment"
                    else historical_fk(settings.AUTH_USER_MODEL, "consent collected by"),
                ),
                (
                    "erasure",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="enrollments",
                        to="enrollment.erasure",
                        verbose_name="personal data erased",
                    )
                    if model == "enrollment"
                    else historical_fk("enrollment.erasure", "personal data erased"),
                ),
                (
                    "renewed_from",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="renewals",
                        to="enrollment.enrollment",
                        verbose_name="renewal of",
                    )
                    if model == "enrollment"
                    else historical_fk("enrollment.enrollment", "renewal of"),
                ),
            ]
        ],
        # Heirs belong to an enrollment, by position, and are marked removed rather than deleted.
        migrations.AddField(
            model_name="heir",
            name="enrollment",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="heirs",
                to="enrollment.enrollment",
                verbose_name="enrollment",
            ),
        ),
        migrations.AddField(
            model_name="historicalheir",
            name="enrollment",
            field=historical_fk("enrollment.enrollment", "enrollment"),
        ),
        *[
            migrations.AddField(model_name=model, name=name, field=field)
            for model in ("heir", "historicalheir")
            for name, field in [
                ("position", models.PositiveSmallIntegerField(default=1, verbose_name="position")),
                ("removed_at", models.DateTimeField(blank=True, null=True, verbose_name="removed at")),
            ]
        ],
        migrations.RunPython(copy_declarations_to_enrollments, copy_declarations_back_to_workers),
        # Drop what moved, tighten what was filled.
        *[
            migrations.RemoveField(model_name=model, name=name)
            for model in ("worker", "historicalworker")
            for name in [*WORKER_DECLARED, *WORKER_DECLARED_CHARS, "village"]
        ],
        migrations.RemoveField(model_name="heir", name="worker"),
        migrations.RemoveField(model_name="historicalheir", name="worker"),
        migrations.RemoveField(model_name="enrollment", name="kpj_number"),
        migrations.RemoveField(model_name="historicalenrollment", name="kpj_number"),
        migrations.AlterField(
            model_name="heir",
            name="enrollment",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="heirs",
                to="enrollment.enrollment",
                verbose_name="enrollment",
            ),
        ),
        *[
            migrations.AlterField(model_name=model, name=name, field=tightened(name, field))
            for model in ("enrollment", "historicalenrollment")
            for name, field in declaration_fields()
        ],
        migrations.AlterModelOptions(
            name="heir",
            options={"ordering": ["position"], "verbose_name": "heir", "verbose_name_plural": "heirs"},
        ),
        migrations.AddConstraint(
            model_name="worker",
            constraint=models.CheckConstraint(
                condition=models.Q(("nik__isnull", True), ("nik__regex", "^[0-9]{16}$"), _connector="OR"),
                name="enrollment_worker_nik_16_digits",
                violation_error_message="A NIK has exactly 16 digits.",
            ),
        ),
        migrations.AddConstraint(
            model_name="worker",
            constraint=models.CheckConstraint(
                condition=models.Q(("kpj_number__isnull", True), models.Q(("kpj_number", ""), _negated=True), _connector="OR"),
                name="enrollment_worker_kpj_not_empty",
                violation_error_message="Enter the membership number (KPJ).",
            ),
        ),
        migrations.AddConstraint(
            model_name="heir",
            constraint=models.UniqueConstraint(fields=("enrollment", "position"), name="enrollment_heir_one_per_position"),
        ),
        migrations.AddConstraint(
            model_name="heir",
            constraint=models.CheckConstraint(
                condition=models.Q(("nik", ""), ("nik__regex", "^[0-9]{16}$"), _connector="OR"),
                name="enrollment_heir_nik_16_digits",
                violation_error_message="A NIK has exactly 16 digits.",
            ),
        ),
        migrations.AddConstraint(
            model_name="enrollment",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("status", "active"), _negated=True),
                    models.Q(("coverage_ends__isnull", False), ("coverage_starts__isnull", False)),
                    _connector="OR",
                ),
                name="enrollment_enrollment_active_has_coverage",
            ),
        ),
        migrations.AddConstraint(
            model_name="enrollment",
            constraint=models.CheckConstraint(
                condition=models.Q(("kk_number", ""), ("kk_number__regex", "^[0-9]{16}$"), _connector="OR"),
                name="enrollment_enrollment_kk_16_digits",
                violation_error_message="A family card (KK) number has 16 digits.",
            ),
        ),
        migrations.AddConstraint(
            model_name="enrollment",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("occupation", "other"), _negated=True),
                    models.Q(("occupation_other", ""), _negated=True),
                    _connector="OR",
                ),
                name="enrollment_enrollment_other_named",
                violation_error_message="Name the occupation.",
            ),
        ),
    ]
