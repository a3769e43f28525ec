from django.contrib import admin

from .models import Donation, DonationItem


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
