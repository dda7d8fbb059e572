from __future__ import annotations

from functools import cached_property

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Q
from django.db.models.functions import Upper
from django.utils.translation import gettext_lazy as _

from regions import reach
from regions.models import Region
from regions.reach import reach_q


class UserQuerySet(models.QuerySet):
    def agents(self) -> UserQuerySet:
        return self.filter(role=User.Role.AGENT, is_superuser=False)

    def managed_by(self, user: User) -> UserQuerySet:
        """The agents a user manages: agents all of whose villages lie inside the user's reach.

        An agent who also works in a village outside it belongs to another official as well, so this
        one may not change them alone.
        """
        agents = self.agents()
        if user.is_superuser:
            return agents
        if not user.is_official:
            return self.none()
        outside = Region.objects.exclude(reach_q(user))
        return (
            agents.filter(regions__in=Region.objects.for_user(user)).exclude(regions__in=outside).distinct()
        )


class DesaUserManager(UserManager.from_queryset(UserQuerySet)):  # type: ignore[misc]  # django-stubs cannot follow from_queryset on a base
    pass


class User(AbstractUser):
    """Anyone who signs in. Administrators are superusers; everyone else has a role and regions."""

    class Role(models.TextChoices):
        OFFICIAL = "official", _("Official")
        AGENT = "agent", _("Village agent")

    role = models.CharField(_("role"), max_length=10, choices=Role.choices, blank=True)
    phone = models.CharField(_("mobile phone"), max_length=16, blank=True, help_text=_("e.g. 0812 3456 7890"))
    regions = models.ManyToManyField(
        Region,
        verbose_name=_("regions"),
        blank=True,
        related_name="users",
        help_text=_("An official's provinces, regencies or districts; an agent's villages."),
    )

    objects = DesaUserManager()  # type: ignore[misc]  # AbstractUser declares a plain UserManager

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                condition=Q(role__in=["", "official", "agent"]),
                name="accounts_user_role_valid",
            ),
        ]
        # "Entered by" names a user as typed, in any case (enrollment.filters): found on this index,
        # not by reading every user of a country's 84,000 agents.
        indexes = [models.Index(Upper("username"), name="accounts_user_username_upper")]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @property
    def is_official(self) -> bool:
        return self.role == self.Role.OFFICIAL

    @property
    def is_agent(self) -> bool:
        return self.role == self.Role.AGENT

    @property
    def acts_as_official(self) -> bool:
        """Officials, and administrators who act as one everywhere: they oversee an area's workers
        (verify, reject, claims, payments, imports, exports with whole numbers, sign-off approval)."""
        return self.is_superuser or self.is_official

    @property
    def can_manage_agents(self) -> bool:
        """Create, change and deactivate village agents (UserQuerySet.managed_by says which)."""
        return self.acts_as_official

    @cached_property
    def region_codes(self) -> list[str]:
        """The codes of the user's own regions, read once per request; the root of every scope."""
        return list(self.regions.order_by("code").values_list("code", flat=True))

    def reaches(self, region: Region) -> bool:
        return reach.reaches(self, region)

    def level_over(self, region: Region) -> int | None:
        """The level at which the user acts for `region` (regions.reach.level_over)."""
        return reach.level_over(self, region)
