from django.contrib import admin

from lis.admin_units.admin import ReadOnlyAdmin
from lis.reference.models import LandUserObjectType, LandUseType, LandUseTypeMapping


@admin.register(LandUseType)
class LandUseTypeAdmin(ReadOnlyAdmin):
    list_display = [
        "code",
        "name",
        "catalogue",
        "group",
        "parent",
        "is_leaf",
        "sort_order",
    ]
    list_filter = ["catalogue", "group", "is_leaf"]
    search_fields = ["code", "name"]
    list_select_related = ["parent"]


@admin.register(LandUseTypeMapping)
class LandUseTypeMappingAdmin(ReadOnlyAdmin):
    list_display = ["source", "target", "needs_review", "note"]
    list_filter = ["needs_review"]
    search_fields = ["source__code", "target__code", "note"]
    list_select_related = ["source", "target"]


@admin.register(LandUserObjectType)
class LandUserObjectTypeAdmin(ReadOnlyAdmin):
    list_display = [
        "code",
        "name",
        "catalogue",
        "role",
        "parent",
        "is_leaf",
        "sort_order",
    ]
    list_filter = ["catalogue", "role"]
    search_fields = ["code", "name"]
    list_select_related = ["parent"]
