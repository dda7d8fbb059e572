"""Issue 7, step 1 of 3: what a worker declares at a sign-up moves from the shared Worker to its Enrollment.

Before, one Worker row per NIK held the name, phone, address, income, KK, consent and heirs, and any
later sign-up anywhere overwrote them. Now the Worker keeps only the identity (NIK, birth date, sex and
the KPJ, which moves here from the enrollments) and each enrollment keeps its own declaration and heirs.

This step adds the new columns (placeholders until 0004 fills them) and makes the worker's old ones
nullable, so that 0005 can drop them and a reverse can re-add and refill them. The three steps are
separate migrations because PostgreSQL refuses to alter a table in the transaction that wrote rows
to it with deferred constraints.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

DECLARED = ["full_name", "phone", "address", "occupation", "occupation_other", "monthly_income", "kk_number"]


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
    ("petani", "Farmer (petani)"),
    ("buruh_tani", "Farm labourer (buruh tani)"),
    ("nelayan", "Fisher (nelayan)"),
    ("pedagang", "Trader (pedagang)"),
    ("buruh_bangunan", "Construction labourer (buruh bangunan)"),
    ("tukang", "Craftsman (tukang)"),
    ("ojek", "Ojek driver (tukang ojek / ojek online)"),
    ("sopir", "Driver (sopir)"),
    ("kurir", "Courier (kurir)"),
    ("guru_ngaji", "Quran teacher (guru ngaji)"),
    ("marbot", "Mosque caretaker (marbot)"),
    ("pemandi_jenazah", "Washer of the dead (pemandi jenazah)"),
    ("pemulung", "Waste picker (pemulung)"),
    ("seniman", "Artist (seniman)"),
    ("buruh_harian", "Day labourer (buruh harian lepas)"),
    ("perangkat_desa", "Village official (perangkat desa)"),
    ("rt_rw", "RT/RW head"),
    ("bpd", "BPD member"),
    ("bumdes", "BUMDes staff"),
    ("linmas", "Linmas"),
    ("kader_posyandu", "Posyandu cadre (kader Posyandu)"),
    ("kader_pkk", "PKK cadre (kader PKK)"),
    ("other", "Other"),
]


def declaration_fields():
    """The declared fields, as added to Enrollment and to its history (placeholders until filled)."""
    return [
        ("full_name", models.CharField(blank=True, default="", max_length=150, verbose_name="full name")),
        ("phone", models.CharField(blank=True, default="", max_length=16, verbose_name="mobile phone")),
        ("address", models.CharField(blank=True, default="", max_length=250, verbose_name="address")),
        (
            "occupation",
            models.CharField(choices=OCCUPATIONS, default="other", max_length=20, verbose_name="occupation"),
        ),
        (
            "occupation_other",
            models.CharField(blank=True, default="", max_length=100, verbose_name="other occupation"),
        ),
        (
            "monthly_income",
            models.PositiveBigIntegerField(default=0, verbose_name="declared monthly income (Rp)"),
        ),
        (
            "kk_number",
            models.CharField(blank=True, default="", max_length=16, verbose_name="family card (KK) number"),
        ),
        (
            "declared_not_hospitalised",
            models.BooleanField(default=False, verbose_name="declared not in hospital"),
        ),
        ("consent_given_at", models.DateTimeField(null=True, verbose_name="consent given at")),
    ]


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
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
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
    ]
