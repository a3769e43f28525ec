from django.contrib import admin

from greenit.accounts import permissions

from .models import AssetImport, VocabularyEntry


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


@admin.register(VocabularyEntry)
class VocabularyEntryAdmin(admin.ModelAdmin):
    """Spellings administrators add to the shipped vocabulary (data/vocabulary.json)."""

    list_display = ["alias", "kind", "meaning", "source"]
    list_filter = ["kind"]
    search_fields = ["alias", "meaning", "source"]

    def _may(self, request) -> bool:
        return permissions.may(request.user, "edit_import_vocabulary")

    def has_module_permission(self, request) -> bool:
        return self._may(request)

    def has_view_permission(self, request, obj=None) -> bool:
        return self._may(request)

    def has_add_permission(self, request) -> bool:
        return self._may(request)

    def has_change_permission(self, request, obj=None) -> bool:
        return self._may(request)

    def has_delete_permission(self, request, obj=None) -> bool:
        return self._may(request)
