from django.contrib import admin

from lis.core.models import AuditRecord


@admin.register(AuditRecord)
class AuditRecordAdmin(admin.ModelAdmin):
    list_display = ["at", "action", "actor", "target_type", "target_id"]
    list_filter = ["action"]
    search_fields = ["action", "target_id"]
    readonly_fields = ["at", "action", "actor", "target_type", "target_id", "details"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
