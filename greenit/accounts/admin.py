from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from . import login_limits
from .forms import AdminLoginForm
from .models import ApiToken, Organisation, User


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "name_en", "is_donor", "is_sponsor", "is_school", "is_recycler"]
    list_filter = ["is_donor", "is_sponsor", "is_school", "is_recycler", "is_partner", "province"]
    search_fields = ["name", "name_en"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "email", "first_name", "last_name", "organisation", "is_active"]
    list_filter = ["groups", "is_active", "organisation"]
    fieldsets = [
        *BaseUserAdmin.fieldsets,
        ("greenit", {"fields": ["organisation", "phone"]}),
    ]
    autocomplete_fields = ["organisation"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "prefix", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["prefix", "created_at", "last_used_at"]
    exclude = ["key_hash"]

    def has_add_permission(self, request):
        return False  # keys are issued on the tokens page, where the key is shown once


# /admin/login/ checks passwords through the same limited backend as the site's login; its
# form names the pause, and a paused login answers 429 as the site's does.
admin.site.login_form = AdminLoginForm
_admin_login = admin.site.login


def _limited_admin_login(request, extra_context=None):
    response = _admin_login(request, extra_context)
    if login_limits.paused_seconds(request):
        response.status_code = 429
    return response


admin.site.login = _limited_admin_login
