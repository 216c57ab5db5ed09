"""Administrative units, versioned by catalogue, and the 2025 crosswalk.

An old and a new code can be equal and mean different land (25195 was
Phường Tân Phú until 30/06/2025 and is Phường Bình Phước since), so a code
is never stored without its catalogue.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class UnitCatalogue(models.TextChoices):
    BEFORE_2025 = "2004", _("catalogue until 30/06/2025 (QĐ 124/2004/QĐ-TTg)")
    FROM_2025 = "2025", _("catalogue from 01/07/2025 (QĐ 19/2025/QĐ-TTg)")


class UnitLevel(models.TextChoices):
    PROVINCE = "province", _("province")
    DISTRICT = "district", _("district")
    COMMUNE = "commune", _("commune")


class AdministrativeUnitQuerySet(models.QuerySet):
    def communes(self) -> "AdministrativeUnitQuerySet":
        return self.filter(level=UnitLevel.COMMUNE)

    def in_catalogue(self, catalogue: str) -> "AdministrativeUnitQuerySet":
        return self.filter(catalogue=catalogue)


class AdministrativeUnit(models.Model):
    catalogue = models.CharField(
        _("catalogue"), max_length=4, choices=UnitCatalogue.choices
    )
    code = models.CharField(_("code"), max_length=5)
    name = models.CharField(_("name"), max_length=200)
    unit_type = models.CharField(_("unit type"), max_length=30)
    level = models.CharField(_("level"), max_length=10, choices=UnitLevel.choices)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent unit"),
    )
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid until"), null=True, blank=True)
    legal_basis = models.CharField(_("legal basis"), max_length=300, blank=True)

    objects = AdministrativeUnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("administrative unit")
        verbose_name_plural = _("administrative units")
        ordering = ["catalogue", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["catalogue", "code"], name="admin_unit_unique_code"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code}/{self.catalogue})"


class UnitSuccession(models.Model):
    """One old unit's land passing into a new unit (sắp xếp đơn vị hành chính)."""

    predecessor = models.ForeignKey(
        AdministrativeUnit,
        on_delete=models.PROTECT,
        related_name="successions",
        verbose_name=_("old unit"),
    )
    successor = models.ForeignKey(
        AdministrativeUnit,
        on_delete=models.PROTECT,
        related_name="predecessions",
        verbose_name=_("new unit"),
    )
    change = models.CharField(_("change"), max_length=200)
    legal_basis = models.CharField(_("legal basis"), max_length=300)
    effective_date = models.DateField(_("effective date"))
    keeps_identity = models.BooleanField(
        _("unit kept unchanged"),
        default=False,
        help_text=_("The new unit covers exactly the old unit's land."),
    )

    class Meta:
        verbose_name = _("unit succession")
        verbose_name_plural = _("unit successions")
        ordering = ["predecessor__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["predecessor", "successor"], name="unit_succession_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.predecessor} → {self.successor}"
