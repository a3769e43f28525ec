from django.contrib import admin

from .models import RecyclerLicence, RecyclingBatch


@admin.register(RecyclerLicence)
class RecyclerLicenceAdmin(admin.ModelAdmin):
    list_display = ["organisation", "kind", "number", "issuer", "valid_from", "expires_on"]
    list_filter = ["kind"]


@admin.register(RecyclingBatch)
class RecyclingBatchAdmin(admin.ModelAdmin):
    """Batches change on their pages (devices move through the lifecycle there)."""

    list_display = ["number", "recycler", "status", "shipped_on", "closed_at"]
    list_filter = ["status"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
