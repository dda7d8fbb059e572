import datetime as dt

import factory
from django.db import connection
from django.utils import timezone

from accounts.models import User
from campaigns.models import Campaign, Quota
from regions.models import Region

PASSWORD = "a-Strong-passw0rd"
TODAY = timezone.localdate()  # what the services call today


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name", locale="id_ID")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def regions(self, create, extracted, **kwargs):
        """UserFactory(regions=["32.14"]): region codes or Region objects."""
        if create and extracted:
            from regions.models import Region

            codes = [r if isinstance(r, str) else r.code for r in extracted]
            self.regions.set(Region.objects.filter(code__in=codes))
        if create:
            self.save()


class OfficialFactory(UserFactory):
    role = User.Role.OFFICIAL


class AgentFactory(UserFactory):
    role = User.Role.AGENT


class AdminFactory(UserFactory):
    is_superuser = True
    is_staff = True


class CampaignFactory(factory.django.DjangoModelFactory):
    """A campaign organized by an existing region: CampaignFactory(organizer=Region.objects.get(code="32"))."""

    class Meta:
        model = Campaign

    name = factory.Sequence(lambda n: f"1 Desa 100 Perlindungan {2025 + n}")
    slug = factory.Sequence(lambda n: f"desa-100-{n}")
    # A year-long campaign around today, so that enrollments and coverage dates fall inside it
    # whenever the tests run.
    starts_on = factory.LazyFunction(lambda: TODAY - dt.timedelta(days=30))
    ends_on = factory.LazyFunction(lambda: TODAY + dt.timedelta(days=335))
    budget = 25_000_000_000
    created_by = factory.SubFactory(AdminFactory)


def quota(campaign, code: str, target: int = 100, filled: int = 0, baseline: int = 0) -> Quota:
    """A village quota; `filled` stands for that many registered workers who are not in the test."""
    return Quota.objects.create(
        campaign=campaign,
        village=Region.objects.get(code=code),
        target=target,
        filled=filled,
        registered_count=filled,
        baseline=baseline,
    )


# Reading the signed-in user: with their region codes in the same query on PostgreSQL
# (accounts.auth.UserBackend), then the codes on their own elsewhere.
SIGNED_IN = 1 if connection.vendor == "postgresql" else 2


def nik_for(n: int, *, district: str = "321416", born: str = "150895") -> str:
    """A structurally valid NIK: district 32.14.16, born 15 Aug 1995 (a man), serial n."""
    return f"{district}{born}{n:04d}"


def declaration(**overrides) -> dict:
    """What a worker declares at a sign-up, as the entry form hands it to the service."""
    data = {
        "full_name": "Asep Saepudin",
        "phone": "+6281234567890",
        "address": "Kp. Cibodas RT 02/RW 03",
        "occupation": "petani",
        "occupation_other": "",
        "monthly_income": 1_500_000,
        "kk_number": "",
        "declared_not_hospitalised": True,
    }
    return {**data, **overrides}


def enroll(campaign, by, n: int = 1, *, code: str = "32.14.16.2005", heirs=None, **overrides):
    """Worker n (nik_for(n)) signed up by `by` in the village `code` of `campaign`, through the service."""
    from enrollment.services import enrollment_register

    return enrollment_register(
        campaign=campaign,
        village=Region.objects.get(code=code),
        nik=nik_for(n),
        declaration=declaration(**overrides),
        heirs=[{"name": "Euis", "relationship": "spouse", "nik": ""}] if heirs is None else heirs,
        funding_source=None,
        entered_by=by,
    )


def campaign_data(**overrides) -> dict:
    """What the campaign form posts for a Purwakarta campaign, with `overrides`."""
    data = {
        "name": "1 Desa 100 Perlindungan 2026 — Purwakarta",
        "slug": "",
        "description": "",
        "organizer": "32.14",
        "starts_on": "2026-01-01",
        "ends_on": "2026-12-31",
        "covers_jkk": "on",
        "covers_jkm": "on",
        "coverage_months": "12",
        "contribution_per_month": "16800",
        "min_age": "15",
        "max_age": "65",
        "budget": "3991680000",
        "bill_due_day": "15",
        # The edit page's rate schedule, empty (the create page ignores it).
        "rates-TOTAL_FORMS": "0",
        "rates-INITIAL_FORMS": "0",
    }
    return {**data, **overrides}
