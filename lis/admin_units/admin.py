from django.contrib import admin
from django.http import HttpRequest

from lis.admin_units.models import AdministrativeUnit, UnitSuccession


class ReadOnlyAdmin(admin.ModelAdmin):
    """Reference data comes from the shipped files (`lis load-reference`)."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(AdministrativeUnit)
class AdministrativeUnitAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "unit_type", "level", "catalogue", "parent"]
    list_filter = ["catalogue", "level"]
    search_fields = ["code", "name"]
    list_select_related = ["parent"]


@admin.register(UnitSuccession)
class UnitSuccessionAdmin(ReadOnlyAdmin):
    list_display = [
        "predecessor",
        "successor",
        "change",
        "keeps_identity",
        "effective_date",
    ]
    list_filter = ["keeps_identity", "effective_date"]
    search_fields = [
        "predecessor__code",
        "predecessor__name",
        "successor__code",
        "successor__name",
    ]
    list_select_related = ["predecessor", "successor"]
