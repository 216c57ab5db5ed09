"""The cadastre in Django's admin: for looking, never for writing.

Services are the only writers of legal data (DESIGN.md): each checks the
rules, runs in one transaction and leaves an audit record. An admin form
would bypass all three, so every cadastral model is read-only here, for
superusers too. Geometry is shown as text (GeoDjango's map widget loads
its base layer from the internet, which the data centre may not have).
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from lis.cadastre.models import (
    Certificate,
    IdentityDocument,
    LandUsePurpose,
    LandUser,
    MapSheet,
    Parcel,
    Right,
)
from lis.core.text import compact_key, search_key

WKT_PREVIEW_CHARS = 2000


class ReadOnlyMixin:
    """No adding, changing or deleting: services write the register."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class ReadOnlyAdmin(ReadOnlyMixin, admin.ModelAdmin):
    pass


class ReadOnlyInline(ReadOnlyMixin, admin.TabularInline):
    extra = 0
    can_delete = False


def _wkt(geom) -> str:
    if geom is None:
        return "—"
    text = geom.wkt
    if len(text) > WKT_PREVIEW_CHARS:
        return text[:WKT_PREVIEW_CHARS] + " …"
    return text


@admin.register(MapSheet)
class MapSheetAdmin(ReadOnlyAdmin):
    list_display = ["number", "commune", "scale", "srid"]
    list_filter = ["commune__catalogue"]
    search_fields = ["commune__code", "commune__name", "=number"]
    list_select_related = ["commune"]
    exclude = ["outline"]
    readonly_fields = ["outline_wkt"]

    @admin.display(description=_("outline (WKT)"))
    def outline_wkt(self, sheet: MapSheet) -> str:
        return _wkt(sheet.outline)


class LandUsePurposeInline(ReadOnlyInline):
    model = LandUsePurpose
    fields = ["land_use_type", "area_m2", "long_term", "term_end"]


class RightInline(ReadOnlyInline):
    model = Right
    fields = ["kind", "holder", "share", "origin", "certificate"]


@admin.register(Parcel)
class ParcelAdmin(ReadOnlyAdmin):
    list_display = ["legacy_key", "surveyed_commune", "commune", "legal_area_m2", "uid"]
    list_select_related = ["map_sheet__commune", "commune"]
    search_fields = [
        "=map_sheet__number",
        "=parcel_number",
        "map_sheet__commune__code",
        "=uid",
    ]
    list_filter = ["commune"]
    exclude = ["geom"]
    readonly_fields = ["geom_wkt"]
    inlines = [LandUsePurposeInline, RightInline]

    @admin.display(
        description=_("surveyed commune"), ordering="map_sheet__commune__code"
    )
    def surveyed_commune(self, parcel: Parcel) -> str:
        return str(parcel.map_sheet.commune)

    @admin.display(description=_("boundary (WKT, storage CRS)"))
    def geom_wkt(self, parcel: Parcel) -> str:
        return _wkt(parcel.geom)


class IdentityDocumentInline(ReadOnlyInline):
    model = IdentityDocument
    fields = ["kind", "number", "issue_date", "issuer"]


@admin.register(LandUser)
class LandUserAdmin(ReadOnlyAdmin):
    list_display = ["full_name", "kind", "birth_year"]
    list_filter = ["kind"]
    search_fields = ["name_key"]
    inlines = [IdentityDocumentInline]

    def get_search_results(self, request, queryset, search_term):
        # Names are searched on their diacritic-free key: "nguyen van" finds
        # "Nguyễn Văn An".
        return super().get_search_results(request, queryset, search_key(search_term))


@admin.register(Certificate)
class CertificateAdmin(ReadOnlyAdmin):
    list_display = ["serial_number", "register_number", "issue_date", "status"]
    list_filter = ["status"]
    search_fields = ["serial_key", "register_number"]

    def get_search_results(self, request, queryset, search_term):
        # "BĐ 123456", "bd123456" and "BD-123456" name the same serial.
        return super().get_search_results(request, queryset, compact_key(search_term))


@admin.register(Right)
class RightAdmin(ReadOnlyAdmin):
    list_display = ["parcel", "holder", "kind", "share", "certificate"]
    list_select_related = ["parcel__map_sheet__commune", "holder", "certificate"]
    list_filter = ["kind"]
    raw_id_fields = ["parcel", "holder", "certificate"]
