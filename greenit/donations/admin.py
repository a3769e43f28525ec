from django.contrib import admin

from .models import Donation, DonationItem, DonationReceipt


class DonationItemInline(admin.TabularInline):
    model = DonationItem
    extra = 0


@admin.register(Donation)
class DonationAdmin(admin.ModelAdmin):
    list_display = ["reference", "donor", "status", "created_at"]
    list_filter = ["status", "province"]
    search_fields = ["reference", "donor_name", "donor_organisation__name"]
    readonly_fields = ["reference", "created_by"]
    autocomplete_fields = ["donor_organisation"]
    inlines = [DonationItemInline]
    show_full_result_count = False


@admin.register(DonationReceipt)
class DonationReceiptAdmin(admin.ModelAdmin):
    """Receipts are drafted, issued and withdrawn on their pages (numbers are given there,
    under a lock); the admin only shows them, and never lets an issued one be edited."""

    list_display = ["number", "donor", "status", "issued_at"]
    list_filter = ["status", "year"]
    search_fields = ["number", "donor"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
