"""What must always hold between quotas and enrollments (DESIGN.md invariants 1, 2 and 5), checked
against the rows themselves: after a restore, a migration, a load test, or whenever in doubt."""

from __future__ import annotations

from django.db.models import Count, Exists, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce

from campaigns.models import Quota

from .models import Enrollment, Worker

SHOWN = 20  # problems named per check; the count says how many in all


def integrity_problems() -> list[str]:
    """Every broken rule, one line each (at most SHOWN per rule, then a count). Empty when all hold."""
    problems: list[str] = []
    _check_counters(problems)
    over = Quota.objects.filter(filled__gt=F("target")).values_list(
        "campaign_id", "village__code", "filled", "target"
    )
    _add(problems, over, "quota of campaign {0} in {1}: filled {2} is above its target {3}")
    twice = (
        Enrollment.objects.filter(status__in=Enrollment.OPEN)
        .values("worker_id", "campaign_id")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .values_list("worker_id", "campaign_id", "n")
    )
    _add(problems, twice, "worker {0} is open {2} times in campaign {1}")
    has_quota = Quota.objects.filter(campaign_id=OuterRef("campaign_id"), village_id=OuterRef("village_id"))
    stray = Enrollment.objects.exclude(Exists(has_quota)).values_list("pk", "campaign_id", "village__code")
    _add(problems, stray, "enrollment {0} is in campaign {1} at {2}, which has no quota there")
    shared_kpj = (
        Worker.objects.exclude(Q(kpj_number__isnull=True) | Q(kpj_number=""))
        .values("kpj_number")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .values_list("kpj_number", "n")
    )
    _add(problems, shared_kpj, "membership number {0} is held by {1} workers")
    return problems


def _check_counters(problems: list[str]) -> None:
    """Each quota's status counters equal its enrollments of that status (and so `filled`, which the
    database holds equal to the slot-holding counters)."""
    for status in Enrollment.Status.values:
        counter = f"{status}_count"
        counted = (
            Enrollment.objects.filter(
                status=status, campaign_id=OuterRef("campaign_id"), village_id=OuterRef("village_id")
            )
            .order_by()
            .values("campaign_id")
            .annotate(n=Count("pk"))
            .values("n")
        )
        wrong = (
            Quota.objects.annotate(counted=Coalesce(Subquery(counted), 0))
            .exclude(**{counter: F("counted")})
            .values_list("campaign_id", "village__code", counter, "counted")
        )
        _add(
            problems,
            wrong,
            f"quota of campaign {{0}} in {{1}}: {status} counter {{2}}, but {{3}} enrollments are {status}",
        )


def _add(problems: list[str], rows, template: str) -> None:
    found = list(rows[: SHOWN + 1])
    problems.extend(template.format(*row) for row in found[:SHOWN])
    if len(found) > SHOWN:
        problems.append(f"… and more like the above ({rows.count()} in all)")
