from django.contrib import admin

from .models import BoxEmptying, BoxEmptyingWeight, BoxReport, CollectionBox


@admin.register(CollectionBox)
class CollectionBoxAdmin(admin.ModelAdmin):
    list_display = ["code", "site", "host", "status", "last_emptied_at"]
    list_filter = ["status"]
    search_fields = ["code", "site", "host__name"]
    autocomplete_fields = ["host"]


@admin.register(BoxReport)
class BoxReportAdmin(admin.ModelAdmin):
    list_display = ["box", "kind", "reported_at", "resolved_at"]
    list_filter = ["kind"]
    readonly_fields = ["client_hash"]


class WeightInline(admin.TabularInline):
    model = BoxEmptyingWeight
    extra = 0


@admin.register(BoxEmptying)
class BoxEmptyingAdmin(admin.ModelAdmin):
    list_display = ["box", "scheduled_for", "done_at"]
    inlines = [WeightInline]
