from django.contrib import admin

from .models import Asset, CustodyEvent, DeviceModel, Make


class CustodyEventInline(admin.TabularInline):
    model = CustodyEvent
    extra = 0
    can_delete = False
    readonly_fields = ["at", "actor", "from_state", "to_state", "location", "note"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Asset)
class AssetAdmin(admin.ModelAdmin):
    """State changes go through the lifecycle (the asset page), never through the admin."""

    list_display = ["tag", "category", "make", "model", "serial", "state", "donation"]
    list_filter = ["state", "category"]
    search_fields = ["=tag", "=serial"]
    readonly_fields = ["tag", "state", "state_changed_at", "created_at", "donation"]
    inlines = [CustodyEventInline]
    show_full_result_count = False

    def has_add_permission(self, request):
        return False  # devices come in through intake, which writes their first custody event

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CustodyEvent)
class CustodyEventAdmin(admin.ModelAdmin):
    """Read-only: the chain of custody is append-only, even here."""

    list_display = ["asset", "at", "actor", "from_state", "to_state", "location"]
    list_filter = ["to_state"]
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Make)
class MakeAdmin(admin.ModelAdmin):
    """An administrator may correct a make's name; its key keeps the spellings that match."""

    list_display = ["name", "key"]
    search_fields = ["name"]


@admin.register(DeviceModel)
class DeviceModelAdmin(admin.ModelAdmin):
    list_display = ["name", "make", "key"]
    list_filter = ["make"]
    search_fields = ["name"]
