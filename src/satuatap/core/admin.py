from auditlog.models import LogEntry
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from satuatap.core import two_factor
from satuatap.core.models import (
    ApiToken,
    Desk,
    DeskType,
    Organisation,
    RetentionRun,
    RoleAssignment,
    User,
)

admin.site.site_header = _("SatuAtap administration")
admin.site.site_title = _("SatuAtap")


class RoleAssignmentInline(admin.TabularInline):
    model = RoleAssignment
    extra = 1


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ("username", "full_name", "organisation", "is_active")
    list_filter = ("organisation__kind", "organisation", "role_assignments__role", "is_active")
    search_fields = ("username", "full_name", "email")
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Person"), {"fields": ("full_name", "email", "language")}),
        (_("Organisation"), {"fields": ("organisation", "desk")}),
        (_("Access"), {"fields": ("is_active", "is_staff", "is_superuser")}),
    )
    add_fieldsets = (
        (None, {"fields": ("username", "full_name", "organisation", "password1", "password2")}),
    )
    inlines = [RoleAssignmentInline]
    actions = ["reset_two_factor"]

    @admin.action(description=_("Reset two-factor sign-in (lost phone)"))
    def reset_two_factor(self, request, queryset):
        for user in queryset:
            two_factor.reset_devices(user=user, by=request.user)
        self.message_user(
            request,
            _("Two-factor sign-in is reset for %(count)s users; they set it up again at sign-in.")
            % {"count": queryset.count()},
        )


class DeskInline(admin.TabularInline):
    model = Desk
    extra = 0


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "partner_type", "region", "is_active")
    list_filter = ("kind", "partner_type", "is_active")
    search_fields = ("name", "slug")
    autocomplete_fields = ("region",)
    filter_horizontal = ("partner_offices",)
    inlines = [DeskInline]


@admin.register(DeskType)
class DeskTypeAdmin(admin.ModelAdmin):
    list_display = ("code", "name_id", "name_en", "default_prefix", "order")


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("prefix", "user", "created_at", "expires_at", "revoked_at")
    readonly_fields = ("key_hash", "prefix", "user", "created_at", "last_used_at")

    def has_add_permission(self, request):
        return False


@admin.register(RetentionRun)
class RetentionRunAdmin(admin.ModelAdmin):
    """The reports of the retention schedule, read-only (the page /retention/ shows them with
    office names and class labels)."""

    list_display = ("pk", "started_at", "finished_at", "trigger", "status")
    list_filter = ("trigger", "status")
    readonly_fields = ("started_at", "finished_at", "today", "trigger", "status", "results")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# The audit trail is read at /audit/ (core.views.audit_trail), which withholds the values of
# personal and case records; auditlog's own admin would show them all, so it is not offered.
import auditlog.admin  # noqa: E402, F401 - registers auditlog's admin, unregistered just below

admin.site.unregister(LogEntry)
