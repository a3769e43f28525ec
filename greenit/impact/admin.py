from django.contrib import admin
from django.shortcuts import redirect

from .models import FactorSet, ImpactReport


@admin.register(FactorSet)
class FactorSetAdmin(admin.ModelAdmin):
    """Versions are read here; "Add" opens the staff page that writes the next version (an
    override with its reason), since a version is never edited."""

    list_display = ["version", "created_at", "created_by", "note"]
    readonly_fields = ["version", "factors", "created_at", "created_by", "note"]

    def add_view(self, request, form_url="", extra_context=None):
        return redirect("impact:factors")

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ImpactReport)
class ImpactReportAdmin(admin.ModelAdmin):
    list_display = ["pk", "organisation", "kind", "start", "end", "language", "status"]
    list_filter = ["kind", "status", "language"]
    readonly_fields = [f.name for f in ImpactReport._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
