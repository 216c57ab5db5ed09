"""The cadastre core: map sheets, parcels, land users, rights, certificates.

A parcel's legacy key is the commune it was surveyed in (with that unit's
catalogue) + map sheet number + parcel number; the database enforces it, as
it enforces valid geometry and positive areas.
"""

from django.conf import settings
from django.contrib.gis.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from lis.admin_units.models import AdministrativeUnit
from lis.reference.models import LandUserObjectType, LandUseType


class MapSheet(models.Model):
    """A cadastral map sheet (tờ bản đồ địa chính) of a surveyed commune."""

    commune = models.ForeignKey(
        AdministrativeUnit,
        on_delete=models.PROTECT,
        related_name="map_sheets",
        verbose_name=_("surveyed commune"),
    )
    number = models.PositiveIntegerField(_("sheet number"))
    scale = models.PositiveIntegerField(_("scale denominator"), null=True, blank=True)
    srid = models.PositiveIntegerField(
        _("survey CRS (EPSG)"),
        help_text=_("The coordinate reference system the sheet was drawn in."),
    )
    outline = models.PolygonField(
        _("outline"), srid=settings.LIS_STORAGE_SRID, null=True, blank=True
    )

    class Meta:
        verbose_name = _("map sheet")
        verbose_name_plural = _("map sheets")
        ordering = ["commune__code", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["commune", "number"], name="map_sheet_unique_number"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.commune.code}/{self.number}"


class ParcelQuerySet(models.QuerySet):
    def in_commune(self, unit: AdministrativeUnit) -> "ParcelQuerySet":
        """Parcels surveyed in `unit` (old catalogue) or lying in it now."""
        return self.filter(Q(map_sheet__commune=unit) | Q(commune=unit))

    def with_legacy_key(
        self, commune: AdministrativeUnit, sheet: int, number: int
    ) -> "ParcelQuerySet":
        return self.filter(
            map_sheet__commune=commune, map_sheet__number=sheet, parcel_number=number
        )


class Parcel(models.Model):
    """A land parcel (thửa đất)."""

    map_sheet = models.ForeignKey(
        MapSheet,
        on_delete=models.PROTECT,
        related_name="parcels",
        verbose_name=_("map sheet"),
    )
    parcel_number = models.PositiveIntegerField(_("parcel number"))
    commune = models.ForeignKey(
        AdministrativeUnit,
        on_delete=models.PROTECT,
        related_name="parcels",
        verbose_name=_("current commune"),
    )
    geom = models.MultiPolygonField(_("boundary"), srid=settings.LIS_STORAGE_SRID)
    legal_area_m2 = models.DecimalField(
        _("legal area (m²)"), max_digits=14, decimal_places=1
    )
    computed_area_m2 = models.DecimalField(
        _("computed area (m²)"), max_digits=14, decimal_places=2
    )
    address = models.CharField(_("address"), max_length=300, blank=True)
    uid = models.CharField(_("parcel identifier (GeoHash)"), max_length=12, unique=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ParcelQuerySet.as_manager()

    class Meta:
        verbose_name = _("parcel")
        verbose_name_plural = _("parcels")
        ordering = ["map_sheet__commune__code", "map_sheet__number", "parcel_number"]
        constraints = [
            models.UniqueConstraint(
                fields=["map_sheet", "parcel_number"], name="parcel_unique_legacy_key"
            ),
            models.CheckConstraint(
                condition=Q(legal_area_m2__gt=0), name="parcel_legal_area_positive"
            ),
            models.CheckConstraint(
                condition=Q(computed_area_m2__gt=0),
                name="parcel_computed_area_positive",
            ),
            models.CheckConstraint(
                condition=Q(geom__isvalid=True), name="parcel_geometry_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.legacy_key

    @property
    def legacy_key(self) -> str:
        sheet = self.map_sheet
        return f"{sheet.commune.code}/{sheet.number}/{self.parcel_number}"


class LandUsePurpose(models.Model):
    """One land-use purpose of a parcel (mục đích sử dụng đất), with its area."""

    parcel = models.ForeignKey(
        Parcel,
        on_delete=models.CASCADE,
        related_name="purposes",
        verbose_name=_("parcel"),
    )
    land_use_type = models.ForeignKey(
        LandUseType,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("land-use type"),
    )
    area_m2 = models.DecimalField(_("area (m²)"), max_digits=14, decimal_places=1)
    long_term = models.BooleanField(_("long-term use"), default=False)
    term_end = models.DateField(_("term until"), null=True, blank=True)

    class Meta:
        verbose_name = _("land-use purpose")
        verbose_name_plural = _("land-use purposes")
        ordering = ["parcel", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(area_m2__gt=0), name="land_use_purpose_area_positive"
            ),
            models.UniqueConstraint(
                fields=["parcel", "land_use_type"], name="land_use_purpose_unique"
            ),
            models.CheckConstraint(
                condition=Q(long_term=False) | Q(term_end__isnull=True),
                name="land_use_purpose_one_term",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.land_use_type.code} {self.area_m2} m²"


class LandUserKind(models.TextChoices):
    INDIVIDUAL = "individual", _("individual")
    HOUSEHOLD = "household", _("household")
    ORGANISATION = "organisation", _("organisation")
    COMMUNITY = "community", _("community")


class LandUser(models.Model):
    """A land user (người sử dụng đất): person, household, organisation, community."""

    kind = models.CharField(_("kind"), max_length=15, choices=LandUserKind.choices)
    full_name = models.CharField(_("name"), max_length=300)
    name_key = models.CharField(
        _("search key"),
        max_length=300,
        db_index=True,
        editable=False,
        help_text=_("The name without diacritics, upper case."),
    )
    birth_year = models.PositiveSmallIntegerField(
        _("year of birth"), null=True, blank=True
    )
    address = models.CharField(_("address"), max_length=300, blank=True)
    object_type = models.ForeignKey(
        LandUserObjectType,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("object code"),
    )

    class Meta:
        verbose_name = _("land user")
        verbose_name_plural = _("land users")
        ordering = ["name_key", "id"]

    def __str__(self) -> str:
        return self.full_name


class DocumentKind(models.TextChoices):
    CMND = "CMND", _("identity card (9 digits)")
    CCCD = "CCCD", _("citizen identity card (12 digits)")
    PASSPORT = "PASSPORT", _("passport")
    BUSINESS_REGISTRATION = "BUSINESS", _("business registration")
    OTHER = "OTHER", _("other document")


class IdentityDocument(models.Model):
    """An identity document of a land user; numbers are text, zeros intact."""

    holder = models.ForeignKey(
        LandUser,
        on_delete=models.CASCADE,
        related_name="documents",
        verbose_name=_("holder"),
    )
    kind = models.CharField(_("kind"), max_length=10, choices=DocumentKind.choices)
    number = models.CharField(_("number"), max_length=20, db_index=True)
    issue_date = models.DateField(_("issue date"), null=True, blank=True)
    issuer = models.CharField(_("issued by"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("identity document")
        verbose_name_plural = _("identity documents")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "number"], name="identity_document_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.number}"


class CertificateStatus(models.TextChoices):
    VALID = "valid", _("valid")
    CANCELLED = "cancelled", _("cancelled")
    REPLACED = "replaced", _("replaced")


class Certificate(models.Model):
    """A land-use right certificate (giấy chứng nhận)."""

    serial_number = models.CharField(
        _("serial number"),
        max_length=20,
        unique=True,
        help_text=_("Upper case, one space between letters and digits: BĐ 123456."),
    )
    serial_key = models.CharField(
        _("serial search key"),
        max_length=20,
        db_index=True,
        editable=False,
        help_text=_("The serial without spaces or diacritics: BĐ 123456 → BD123456."),
    )
    register_number = models.CharField(_("register number"), max_length=30, blank=True)
    issue_date = models.DateField(_("issue date"))
    issuer = models.CharField(_("issued by"), max_length=200, blank=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=CertificateStatus.choices,
        default=CertificateStatus.VALID,
    )

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        ordering = ["serial_key"]

    def __str__(self) -> str:
        return self.serial_number


class RightKind(models.TextChoices):
    LAND_USE = "land_use", _("land-use right")
    ASSET_OWNERSHIP = "asset", _("ownership of attached assets")


class Right(models.Model):
    """A right of a land user on a parcel, with its share and origin.

    The term of use belongs to each land-use purpose of the parcel.
    """

    kind = models.CharField(
        _("kind"), max_length=10, choices=RightKind.choices, default=RightKind.LAND_USE
    )
    parcel = models.ForeignKey(
        Parcel,
        on_delete=models.CASCADE,
        related_name="rights",
        verbose_name=_("parcel"),
    )
    holder = models.ForeignKey(
        LandUser,
        on_delete=models.PROTECT,
        related_name="rights",
        verbose_name=_("holder"),
    )
    share = models.DecimalField(_("share"), max_digits=7, decimal_places=6, default=1)
    origin = models.CharField(_("origin"), max_length=300, blank=True)
    certificate = models.ForeignKey(
        Certificate,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="rights",
        verbose_name=_("certificate"),
    )

    class Meta:
        verbose_name = _("right")
        verbose_name_plural = _("rights")
        ordering = ["parcel", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(share__gt=0) & Q(share__lte=1), name="right_share_range"
            ),
            models.UniqueConstraint(
                fields=["parcel", "holder", "kind"], name="right_unique_holder"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.holder} – {self.parcel}"
