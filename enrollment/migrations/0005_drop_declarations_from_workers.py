"""Issue 7, step 3 of 3: drop what moved from the worker, tighten what 0004 filled, add the rules."""

from importlib import import_module

import django.db.models.deletion
from django.db import migrations, models

step1 = import_module("enrollment.migrations.0003_declarations_on_enrollments")
declaration_fields, WORKER_DECLARED, WORKER_DECLARED_CHARS = (
    step1.declaration_fields,
    step1.WORKER_DECLARED,
    step1.WORKER_DECLARED_CHARS,
)


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


class Migration(migrations.Migration):
    dependencies = [("enrollment", "0004_copy_declarations_to_enrollments")]

    operations = [
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
                condition=models.Q(
                    ("kpj_number__isnull", True), models.Q(("kpj_number", ""), _negated=True), _connector="OR"
                ),
                name="enrollment_worker_kpj_not_empty",
                violation_error_message="Enter the membership number (KPJ).",
            ),
        ),
        migrations.AddConstraint(
            model_name="heir",
            constraint=models.UniqueConstraint(
                fields=("enrollment", "position"), name="enrollment_heir_one_per_position"
            ),
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
                    ("coverage_starts__isnull", False),
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
