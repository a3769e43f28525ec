from django.contrib import admin

from .models import (
    Certificate,
    PolicyChoice,
    PolicyRule,
    SampleItem,
    SanitizationPolicy,
    SanitizationRecord,
    StorageMedium,
    VerificationSample,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(StorageMedium)
class StorageMediumAdmin(ReadOnlyAdmin):
    """Media are registered on the device's sanitization page or by the wipe station."""

    list_display = ["serial", "media_type", "manufacturer", "model", "capacity_bytes", "asset"]
    list_filter = ["media_type"]
    search_fields = ["=serial", "=asset__tag"]


@admin.register(SanitizationRecord)
class SanitizationRecordAdmin(ReadOnlyAdmin):
    """Read-only: sanitization records are append-only, even here."""

    list_display = ["medium", "nist_category", "technique", "result", "ended_at", "operator"]
    list_filter = ["nist_category", "technique", "result"]
    search_fields = ["=medium__serial", "=record_id"]


@admin.register(Certificate)
class CertificateAdmin(ReadOnlyAdmin):
    """Certificates are issued and revoked on the donation's certificate page."""

    list_display = ["number", "donation", "issued_at", "revoked_at"]
    search_fields = ["=number"]


class PolicyRuleInline(admin.TabularInline):
    model = PolicyRule
    extra = 1


@admin.register(SanitizationPolicy)
class SanitizationPolicyAdmin(admin.ModelAdmin):
    """Policies are data: an administrator adds one (its rules below) or edits the shipped
    ones. A record is checked against its donation's policy when it is stored and again when
    the certificate is issued."""

    list_display = ["name", "standard", "effective_from", "is_default", "sample_percent"]
    inlines = [PolicyRuleInline]


@admin.register(PolicyChoice)
class PolicyChoiceAdmin(admin.ModelAdmin):
    """Which donor organisation (all its donations) or donation follows which policy; a
    donation's own choice is also made on its certificate page."""

    list_display = ["__str__", "policy"]
    autocomplete_fields = ["donation", "organisation"]


class SampleItemInline(admin.TabularInline):
    model = SampleItem
    can_delete = False
    extra = 0
    readonly_fields = [f.name for f in SampleItem._meta.fields]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(VerificationSample)
class VerificationSampleAdmin(ReadOnlyAdmin):
    """Read-only: samples are drawn and verified on the donation's certificate page."""

    list_display = ["donation", "drawn_at", "percent", "population", "drawn_by"]
    inlines = [SampleItemInline]
