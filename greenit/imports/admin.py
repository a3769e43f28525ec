from django.contrib import admin

from .models import AssetImport


@admin.register(AssetImport)
class AssetImportAdmin(admin.ModelAdmin):
    """Imports are made and run on their pages; the admin shows them."""

    list_display = ["original_name", "donation", "status", "created_count", "created_at"]
    list_filter = ["status"]
    readonly_fields = [f.name for f in AssetImport._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
