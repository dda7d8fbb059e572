"""Break each rule in its one home and see which test catches it: `.venv/bin/python -m tests.rule_mutants`.

Issue 22 gave each rule one home (docs/architecture.md, "Where each rule lives"). Each mutant below
edits that home, runs the tests named for it, and puts the file back: CAUGHT means a test failed.
A mutant whose text is gone fails tests/test_layers.py, so the list cannot go stale unseen.
"""

from __future__ import annotations

from tests.mutants import run

# (rule, file, text, mutated text, the tests that should catch it)
MUTANTS = [
    (
        "lapse: the dashboard's breakdown reads a copy of the rule (three unpaid months become two)",
        "dashboards/summary.py",
        "default=state_expression(today))",
        'default=Case(When(paid_through__lt=Value(today.replace(day=1)), then=Value("lapsed")), default=Value("paid"))',
        ["tests/enrollment/test_lapse.py"],
    ),
    (
        "lapse: the threshold table",
        "enrollment/lapse.py",
        "    CoverageState.LAPSED: 3,",
        "    CoverageState.LAPSED: 4,",
        ["tests/enrollment/test_lapse.py"],
    ),
    (
        "slots: an import's chunk takes slots past the target",
        "campaigns/models/quota.py",
        " WHERE {table}.id = v.column1 AND {table}.filled + v.column2 <= {table}.target",
        " WHERE {table}.id = v.column1",
        ["tests/enrollment/test_bulk.py", "tests/imports/"],
    ),
    (
        "level and code width",
        "regions/codes.py",
        "LENGTH_BY_LEVEL = {1: 2, 2: 5, 3: 8, 4: 13}",
        "LENGTH_BY_LEVEL = {1: 2, 2: 5, 3: 9, 4: 13}",
        ["tests/dashboards/", "tests/regions/"],
    ),
    (
        "once per campaign: a reserve is not counted as already in",
        "enrollment/models/enrollments.py",
        "        return self.filter(campaign=campaign, status__in=Enrollment.OPEN)",
        "        return self.filter(campaign=campaign, status__in=Enrollment.SLOT_HOLDING)",
        ["tests/enrollment/", "tests/imports/"],
    ),
    (
        "reach: the predicate by equality instead of prefix",
        "regions/reach.py",
        "any(region.code.startswith(code) for code in user.region_codes)",
        "any(region.code == code for code in user.region_codes)",
        ["tests/regions/test_reach.py"],
    ),
    (
        "who may enroll into a village: a signed list no longer closes it",
        "enrollment/rules.py",
        "    return quota.unlocked_for(by).reason",
        "    return None",
        ["tests/reports/test_signoff.py", "tests/enrollment/test_bulk.py"],
    ),
    (
        "who may change an entry: any agent of the village, not only the one who entered it",
        "enrollment/models/enrollments.py",
        "        own = or_its_agent and self.entered_by_id == user.pk and user.reaches(self.village)",
        "        own = or_its_agent and user.reaches(self.village)",
        ["tests/enrollment/test_review.py"],
    ),
    (
        "a refusal's reason: the page no longer says the check's words",
        "enrollment/views/changes.py",
        "    if not (verdict := enrollment.can_correct(request.user)):\n        raise PermissionDenied(verdict.reason)",
        "    if not (verdict := enrollment.can_correct(request.user)):\n        raise PermissionDenied",
        ["tests/enrollment/test_review.py"],
    ),
    (
        "renewed: asked of renewals in any status",
        "enrollment/models/enrollments.py",
        "    return Enrollment.objects.filter(renewed_from=enrollment, status__in=Enrollment.OPEN)",
        "    return Enrollment.objects.filter(renewed_from=enrollment)",
        ["tests/coverage/test_renewal.py", "tests/enrollment/test_review.py"],
    ),
    (
        "a roll-up's typed sums: a counter left out",
        "campaigns/models/quota.py",
        "    regency_approved: int = 0\n",
        "",
        ["tests/campaigns/test_allocation.py", "tests/dashboards/"],
    ),
    (
        "billing: a payment skips an older unpaid month to pay a later one",
        "billing/services.py",
        "        if result.unpaid or line.amount > available:",
        "        if line.amount > available:",
        ["tests/billing/test_bills.py"],
    ),
    (
        "billing: a month paid another way is still owed",
        "billing/models.py",
        "        return self.filter(bill__replaced_by__isnull=True).exclude(Exists(paid))",
        "        return self.filter(bill__replaced_by__isnull=True, settlement__isnull=True)",
        ["tests/billing/"],
    ),
    (
        "reminders: sent in the quiet hours",
        "billing/reminders.py",
        "    if QUIET_UNTIL <= local.time() < QUIET_FROM:",
        "    if True:",
        ["tests/billing/test_reminders.py"],
    ),
    (
        "reminders: no daily cap",
        "billing/reminders.py",
        "        if capped and sent_today[message.payer_id] >= settings.MESSAGES_DAILY_CAP:",
        "        if False:",
        ["tests/billing/test_reminders.py"],
    ),
    (
        "reminders: the same event written twice",
        "billing/reminders.py",
        "event=draft.event[:120],",
        'event=f"{draft.event[:100]}:{timezone.now().timestamp()}",',
        ["tests/billing/test_reminders.py"],
    ),
    (
        "the shown status: ended cover shown as active",
        "enrollment/models/choices.py",
        "    if status == Status.ACTIVE and coverage_ends is not None and coverage_ends <= today:",
        "    if False:",
        ["tests/coverage/test_cover_ended.py"],
    ),
]


def main() -> None:
    run((label, path, old, new, ["-n", "2", *tests]) for label, path, old, new, tests in MUTANTS)


if __name__ == "__main__":
    main()
