from django.contrib import admin

from .models import Certificate, SanitizationRecord, StorageMedium


class ReadOnlyAdmin(admin.ModelAdmin):
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(StorageMedium)
class StorageMediumAdmin(ReadOnlyAdmin):
    """Media are registered on the device's sanitization page or by the wipe station."""

    list_display = ["serial", "media_type", "manufacturer", "model", "capacity_bytes", "asset"]
    list_filter = ["media_type"]
    search_fields = ["=serial", "=asset__tag"]


@admin.register(SanitizationRecord)
class SanitizationRecordAdmin(ReadOnlyAdmin):
    """Read-only: sanitization records are append-only, even here."""

    list_display = ["medium", "nist_category", "technique", "result", "ended_at", "operator"]
    list_filter = ["nist_category", "technique", "result"]
    search_fields = ["=medium__serial", "=record_id"]


@admin.register(Certificate)
class CertificateAdmin(ReadOnlyAdmin):
    """Certificates are issued and revoked on the donation's certificate page."""

    list_display = ["number", "donation", "issued_at", "revoked_at"]
    search_fields = ["=number"]
