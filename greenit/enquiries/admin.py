from django.contrib import admin

from .models import Enquiry, EnquiryReply


class ReplyInline(admin.TabularInline):
    model = EnquiryReply
    extra = 0
    readonly_fields = ["body", "sent_by", "sent_at", "delivered"]
    can_delete = False


@admin.register(Enquiry)
class EnquiryAdmin(admin.ModelAdmin):
    list_display = ["reference", "topic", "name", "email", "status", "created_at"]
    list_filter = ["status", "topic"]
    search_fields = ["name", "email", "organisation_name", "message"]
    inlines = [ReplyInline]
