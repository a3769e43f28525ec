from django.contrib import admin

from .models import Consent, ConsentText, PrivacyRequest


@admin.register(ConsentText)
class ConsentTextAdmin(admin.ModelAdmin):
    """A new version is a new row; a published text is never edited (consents point at it)."""

    list_display = ["purpose", "version", "published_at"]
    list_filter = ["purpose"]

    def get_readonly_fields(self, request, obj=None):
        return ["purpose", "version", "text_en", "text_zh_hans", "published_at"] if obj else []


@admin.register(Consent)
class ConsentAdmin(admin.ModelAdmin):
    list_display = ["text", "email", "given_at", "withdrawn_at", "by_guardian"]
    list_filter = ["text__purpose"]
    search_fields = ["email"]
    readonly_fields = ["text", "content_type", "object_id", "given_at", "withdrawn_at"]


@admin.register(PrivacyRequest)
class PrivacyRequestAdmin(admin.ModelAdmin):
    list_display = ["reference", "kind", "email", "received_at", "due_on", "done_at"]
    list_filter = ["kind"]
    search_fields = ["email", "name"]
