from django.contrib import admin

from .models import Opportunity, Shift, SignUp, Volunteer


class ShiftInline(admin.TabularInline):
    model = Shift
    extra = 0


@admin.register(Opportunity)
class OpportunityAdmin(admin.ModelAdmin):
    list_display = ["title_en", "title_zh", "kind", "place", "published"]
    list_filter = ["kind", "published"]
    inlines = [ShiftInline]


@admin.register(Volunteer)
class VolunteerAdmin(admin.ModelAdmin):
    list_display = ["name", "email", "company", "company_name", "user"]
    list_select_related = ["company", "user"]
    search_fields = ["name", "email", "company_name"]
    raw_id_fields = ["user"]


@admin.register(SignUp)
class SignUpAdmin(admin.ModelAdmin):
    list_display = ["volunteer", "shift", "status", "attendance", "hours", "hours_adjusted"]
    list_filter = ["status", "attendance"]
    list_select_related = ["volunteer", "shift__opportunity"]
    raw_id_fields = ["shift", "volunteer"]
    readonly_fields = ["adjusted_by", "adjusted_at", "attendance_by", "attendance_at"]
