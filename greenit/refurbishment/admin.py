from django.contrib import admin

from .models import PartUsed, Refurbishment, SoftwareKit


@admin.register(SoftwareKit)
class SoftwareKitAdmin(admin.ModelAdmin):
    list_display = ["name", "version", "is_active", "created_at"]
    list_filter = ["is_active"]


class PartUsedInline(admin.TabularInline):
    model = PartUsed
    extra = 0


@admin.register(Refurbishment)
class RefurbishmentAdmin(admin.ModelAdmin):
    """Read-only: a test moves the device through the lifecycle, so it is recorded on its page."""

    list_display = ["asset", "grade", "software_kit", "technician", "tested_at"]
    list_filter = ["grade"]
    inlines = [PartUsedInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
