"""Each target list keeps its people per decile (its page counted them on every view: 1.9 s for a
province's list of two million, issue 25); the lists saved before are counted once here."""

from django.db import migrations, models
from django.db.models import Count


def count_saved_lists(apps, schema_editor):
    TargetList = apps.get_model("targeting", "TargetList")
    TargetPerson = apps.get_model("targeting", "TargetPerson")
    counts: dict[int, dict[str, int]] = {}
    rows = TargetPerson.objects.order_by().values("target_list", "desil").annotate(n=Count("pk"))
    for row in rows:
        counts.setdefault(row["target_list"], {})[str(row["desil"])] = row["n"]
    for pk, by_desil in counts.items():
        TargetList.objects.filter(pk=pk).update(by_desil=by_desil)


class Migration(migrations.Migration):
    dependencies = [
        ("targeting", "0004_eligibility_counts"),
    ]

    operations = [
        migrations.AddField(
            model_name="targetlist",
            name="by_desil",
            field=models.JSONField(blank=True, default=dict, verbose_name="people per decile"),
        ),
        migrations.RunPython(count_saved_lists, migrations.RunPython.noop, elidable=True),
    ]
