"""A claim names its worker (filled in the next migration), so that the database can pay a death
benefit once per worker. Its own migration: PostgreSQL creates the column's index at the end of the
migration, and refuses to while the rows updated in the same transaction have pending triggers."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("coverage", "0001_contributions_and_claims"),
        ("enrollment", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="claim",
            name="worker",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="claims",
                to="enrollment.worker",
                verbose_name="worker",
            ),
        ),
    ]
