"""Remove one area check at a time and see whether the URL walk notices: `.venv/bin/python -m tests.walk_mutants`.

Each mutant edits one file, runs the walk for that URL, and puts the file back. CAUGHT means a test
failed; MISSED means another layer (the service, the form) still refused, which the service tests cover.
"""

import pathlib

from tests.mutants import run

SCOPED_LOOKUP = "enrollment = enrollment_for_user(request, pk)"
UNSCOPED_LOOKUP = "enrollment = Enrollment.objects.get(pk=pk)"


def view_scope(action: str) -> tuple[str, str, str, str, str]:
    """Look the enrollment up without the user's area in view `enrollment_<action>`."""
    view = f"enrollment_{action}"
    path = next(p for p in pathlib.Path("enrollment/views").glob("*.py") if f"def {view}(" in p.read_text())
    src = path.read_text()
    body = src[src.index(f"def {view}(") :]
    old = body[: body.index(SCOPED_LOOKUP) + len(SCOPED_LOOKUP)]
    return (
        f"{action}: view scope",
        str(path),
        old,
        old.replace(SCOPED_LOOKUP, UNSCOPED_LOOKUP),
        view,
    )


MUTANTS = [
    *(view_scope(action) for action in ("verify", "activate", "reject", "card", "renew", "erase")),
    (
        "promote: view scope",
        "enrollment/views/changes.py",
        """        Quota.objects.for_user(request.user).select_related("campaign", "village"), pk=pk""",
        """        Quota.objects.select_related("campaign", "village"), pk=pk""",
        "quota_promote",
    ),
    (
        "bulk: view scope",
        "enrollment/views/review.py",
        """    in_reach = Enrollment.objects.for_user(request.user).select_related("campaign", "worker", "village")""",
        """    in_reach = Enrollment.objects.select_related("campaign", "worker", "village")""",
        "review_bulk",
    ),
    (
        "quota upload: villages in reach",
        "campaigns/services.py",
        """    villages = Region.objects.for_user(user).villages()""",
        """    villages = Region.objects.villages()""",
        "quota_upload",
    ),
    (
        "quota upload: read-only users",
        "campaigns/views.py",
        """    if not campaign.can_change_quotas(request.user):
        raise PermissionDenied""",
        """    pass""",
        "quota_upload",
    ),
    (
        "quota edit: quota scope",
        "campaigns/views.py",
        """    return campaign, Quota.objects.for_user(request.user).filter(campaign=campaign)""",
        """    return campaign, Quota.objects.filter(campaign=campaign)""",
        "quota_edit",
    ),
    (
        "campaign edit: can_change",
        "campaigns/views.py",
        """    if not campaign.can_change(request.user):
        raise PermissionDenied""",
        """    pass""",
        "campaign_edit",
    ),
    (
        "agent edit: managed_by",
        "accounts/views.py",
        """    return get_object_or_404(User.objects.managed_by(request.user), pk=pk)""",
        """    return get_object_or_404(User.objects.all(), pk=pk)""",
        "agent_edit",
    ),
    (
        "enrollment create: service reach",
        "enrollment/forms.py",
        """        self.quotas = quotas = Quota.objects.open_for(user)  # the quota field's choices""",
        """        self.quotas = quotas = Quota.objects.filter(campaign__status="active").select_related("campaign", "village")""",
        "enrollment_create",
    ),
    (
        "correct: can_correct reach",
        "enrollment/models/enrollments.py",
        """        own = or_its_agent and self.entered_by_id == user.pk and user.reaches(self.village)""",
        """        own = or_its_agent and self.entered_by_id == user.pk""",
        "enrollment_edit",
    ),
]
MUTANTS += [
    (
        "campaign activate: can_change",
        "campaigns/views.py",
        '''def campaign_status(request: AuthenticatedHttpRequest, slug: str, action: str) -> HttpResponse:
    """Activate or close, after a confirmation page; both record who and when."""
    campaign = _get_rw_campaign_for_user(request, slug)''',
        '''def campaign_status(request: AuthenticatedHttpRequest, slug: str, action: str) -> HttpResponse:
    """Activate or close, after a confirmation page; both record who and when."""
    campaign = _get_campaign_for_user(request, slug)''',
        "campaign_close",
    ),
    (
        "allocate: region choices",
        "campaigns/forms.py",
        """        model_choice(self, "region").queryset = Region.objects.for_user(user).exclude(""",
        """        model_choice(self, "region").queryset = Region.objects.all().exclude(""",
        "quota_allocate",
    ),
]
MUTANTS += [
    (
        "recap: quota scope",
        "reports/views.py",
        """    quotas = Quota.objects.for_user(request.user).filter(""",
        """    quotas = Quota.objects.filter(""",
        "recap",
    ),
    (
        "sign-off: can_sign_off",
        "reports/views.py",
        """    if not quota.can_sign_off(request.user):
        raise PermissionDenied""",
        """    pass""",
        "recap_sign_off",
    ),
    (
        "reopen: can_reopen",
        "reports/views.py",
        """    if not quota.can_reopen(request.user):
        raise PermissionDenied""",
        """    pass""",
        "recap_reopen",
    ),
    (
        "scan: quota scope",
        "reports/views.py",
        """        SignoffStep.objects.filter(quota__in=Quota.objects.for_user(request.user))""",
        """        SignoffStep.objects.filter(quota__in=Quota.objects.all())""",
        "signoff_scan",
    ),
    (
        "money: campaign area",
        "dashboards/views.py",
        """    region = get_object_or_404(Region.objects.for_user(user), code=code) if code else None""",
        """    region = get_object_or_404(Region.objects.all(), code=code) if code else None""",
        "region_money",
    ),
]
MUTANTS += [
    (
        "claim: enrollment scope",
        "coverage/views.py",
        """    enrollment = get_object_or_404(
        Enrollment.objects.for_user(request.user)""",
        """    enrollment = get_object_or_404(
        Enrollment.objects.all()""",
        "claim_create",
    ),
    (
        "claim decide: claim scope",
        "coverage/views.py",
        """    claim = get_object_or_404(Claim.objects.for_user(request.user), pk=pk)""",
        """    claim = get_object_or_404(Claim.objects.all(), pk=pk)""",
        "claim_decide",
    ),
    (
        "cancel: wrongly refuses the agent their own entry (the walk asserts the answer per role)",
        "enrollment/views/changes.py",
        """    if not (verdict := enrollment.can_cancel(request.user)):""",
        """    if not (verdict := enrollment.can_erase(request.user)):""",
        "enrollment_cancel",
    ),
    (
        "payer: scope",
        "billing/views.py",
        """    return get_object_or_404(Payer.objects.for_user(request.user).select_related("campaign", "region"), pk=pk)""",
        """    return get_object_or_404(Payer.objects.select_related("campaign", "region"), pk=pk)""",
        "payment_create",
    ),
    (
        "payment: service reach",
        "billing/models.py",
        """            user.acts_as_official and user.reaches(self.region),""",
        """            user.acts_as_official,""",
        "payment_create",
    ),
    (
        "renew bulk: scope",
        "enrollment/views/renewal.py",
        """        Enrollment.objects.for_user(request.user).filter(pk__in=ids).select_related("village", "worker")""",
        """        Enrollment.objects.filter(pk__in=ids).select_related("village", "worker")""",
        "renew_bulk",
    ),
]


def main() -> None:
    run(
        (label, path, old, new, ["tests/test_url_walk.py", "-k", key])
        for label, path, old, new, key in MUTANTS
    )


if __name__ == "__main__":
    main()
