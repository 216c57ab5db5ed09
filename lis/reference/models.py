"""Versioned code lists: land-use types and land-user object codes.

Old data keeps the codes it was recorded in; reports convert through
explicit mapping rows, never by guessing (DESIGN.md, "Code lists").
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class LandUseCatalogue(models.TextChoices):
    TT27_2018 = "TT27/2018", _("Circular 27/2018/TT-BTNMT")
    TT08_2024 = "TT08/2024", _("Circular 08/2024/TT-BTNMT")


class LandUseGroup(models.TextChoices):
    AGRICULTURAL = "NNP", _("agricultural land")
    NON_AGRICULTURAL = "PNN", _("non-agricultural land")
    UNUSED = "CSD", _("unused land")


class LandUseTypeQuerySet(models.QuerySet):
    def in_catalogue(self, catalogue: str) -> "LandUseTypeQuerySet":
        return self.filter(catalogue=catalogue)

    def leaves(self) -> "LandUseTypeQuerySet":
        return self.filter(is_leaf=True)


class LandUseType(models.Model):
    """A land-use type (loại đất) of one catalogue, in its group hierarchy."""

    catalogue = models.CharField(
        _("catalogue"), max_length=10, choices=LandUseCatalogue.choices
    )
    code = models.CharField(_("code"), max_length=10)
    name = models.CharField(_("name"), max_length=300)
    group = models.CharField(_("group"), max_length=3, choices=LandUseGroup.choices)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent type"),
    )
    is_leaf = models.BooleanField(
        _("leaf code"),
        default=True,
        help_text=_(
            "A leaf code is a column of the statistics forms. Parcels carry leaf"
            " codes or the detail codes under one (LUC, LUK under LUA), never"
            " aggregate codes."
        ),
    )
    sort_order = models.PositiveIntegerField(_("order"), default=0)

    objects = LandUseTypeQuerySet.as_manager()

    class Meta:
        verbose_name = _("land-use type")
        verbose_name_plural = _("land-use types")
        ordering = ["catalogue", "sort_order", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["catalogue", "code"], name="land_use_type_unique_code"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} – {self.name}"


class LandUseTypeMapping(models.Model):
    """An old code's correspondence to a new one (TT 27/2018 → TT 08/2024).

    A code that maps to several new codes has one row per target, each
    marked for review: a person decides, the system never guesses.
    """

    source = models.ForeignKey(
        LandUseType,
        on_delete=models.CASCADE,
        related_name="mappings_out",
        verbose_name=_("old type"),
    )
    target = models.ForeignKey(
        LandUseType,
        on_delete=models.CASCADE,
        related_name="mappings_in",
        verbose_name=_("new type"),
    )
    needs_review = models.BooleanField(_("needs review"), default=False)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("land-use type mapping")
        verbose_name_plural = _("land-use type mappings")
        constraints = [
            models.UniqueConstraint(
                fields=["source", "target"], name="land_use_mapping_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source.code} → {self.target.code}"


class ObjectRole(models.TextChoices):
    USER = "user", _("land user")
    MANAGER = "manager", _("land manager")


class LandUserObjectType(models.Model):
    """A land-user or land-manager object code (mã đối tượng), TT 08/2024."""

    catalogue = models.CharField(
        _("catalogue"), max_length=10, choices=LandUseCatalogue.choices
    )
    code = models.CharField(_("code"), max_length=10)
    name = models.CharField(_("name"), max_length=300)
    role = models.CharField(_("role"), max_length=10, choices=ObjectRole.choices)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent"),
    )
    is_leaf = models.BooleanField(_("assignable to a land user"), default=True)
    sort_order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("land-user object type")
        verbose_name_plural = _("land-user object types")
        ordering = ["catalogue", "sort_order", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["catalogue", "code"], name="land_user_object_unique_code"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} – {self.name}"
