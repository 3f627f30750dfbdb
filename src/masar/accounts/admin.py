from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from masar.accounts.models import ApiToken, Membership, Organization, User


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["code", "name_en", "name_ar", "kind", "country"]
    list_filter = ["kind"]
    search_fields = ["code", "name_en", "name_ar"]


class MembershipInline(admin.TabularInline):
    model = Membership
    fk_name = "user"
    extra = 0


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    inlines = [MembershipInline]
    list_display = ["username", "organization", "is_service_account", "is_active"]
    list_filter = ["organization__kind", "is_service_account"]
    fieldsets = (
        *BaseUserAdmin.fieldsets,  # type: ignore[misc]
        ("Masar", {"fields": ("organization", "full_name_ar", "is_service_account")}),
    )


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = [
        "prefix",
        "name",
        "user",
        "created_at",
        "expires_at",
        "long_lived",
        "revoked_at",
        "last_used_at",
    ]
    list_filter = ["long_lived"]
    readonly_fields = ["prefix", "digest", "long_lived"]
