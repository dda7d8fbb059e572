"""Every claim has its worker, and the database pays a death benefit once per worker (invariant 8).
A migration of its own: PostgreSQL alters no table with updates of the same transaction pending."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import Q


class Migration(migrations.Migration):
    dependencies = [("coverage", "0003_claim_worker_filled")]

    operations = [
        migrations.AlterField(
            model_name="claim",
            name="worker",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="claims",
                to="enrollment.worker",
                verbose_name="worker",
            ),
        ),
        migrations.AddConstraint(
            model_name="claim",
            constraint=models.UniqueConstraint(
                condition=Q(("kind__in", ["jkm_death", "jkk_death"])) & ~Q(("status", "refused")),
                fields=("worker", "kind"),
                name="coverage_claim_death_once_per_worker",
                violation_error_message="This benefit has been claimed for this worker already.",
            ),
        ),
    ]
