from django.contrib import admin

from .models import (
    Allocation,
    ClassroomPhoto,
    ClassroomProject,
    ClassroomSponsor,
    Delivery,
    OpeningEvent,
    SchoolApplication,
)


@admin.register(SchoolApplication)
class SchoolApplicationAdmin(admin.ModelAdmin):
    list_display = ["school_name", "province", "status", "created_at"]
    list_filter = ["status", "province"]
    search_fields = ["school_name", "contact_name", "contact_email"]


class SponsorInline(admin.TabularInline):
    model = ClassroomSponsor
    extra = 0


@admin.register(ClassroomProject)
class ClassroomProjectAdmin(admin.ModelAdmin):
    list_display = ["name", "school", "seats", "status", "target_opening"]
    list_filter = ["status"]
    inlines = [SponsorInline]


@admin.register(Allocation)
class AllocationAdmin(admin.ModelAdmin):
    # Allocations change through the project page (row locks and the lifecycle), not here.
    list_display = ["asset", "project", "allocated_at", "released_at"]
    readonly_fields = ["project", "asset", "allocated_at", "allocated_by", "released_at"]

    def has_add_permission(self, request):
        return False


admin.site.register(Delivery)
admin.site.register(OpeningEvent)
admin.site.register(ClassroomPhoto)
