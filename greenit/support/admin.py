from django.contrib import admin

from .models import Ticket


@admin.register(Ticket)
class TicketAdmin(admin.ModelAdmin):
    """Read-only: resolving a ticket may move devices, so it happens on the ticket's page."""

    list_display = ["number", "project", "asset", "status", "resolution", "created_at"]
    list_filter = ["status", "resolution"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
