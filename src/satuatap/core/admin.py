from auditlog.models import LogEntry
from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

from satuatap.core import two_factor
from satuatap.core.models import (
    ApiToken,
    Desk,
    DeskType,
    Organisation,
    RetentionRun,
    RoleAssignment,
    RoleGrant,
    User,
)
from satuatap.core.roles import roles_of_organisation_kind
from satuatap.core.two_factor import services as two_factor_services

admin.site.site_header = _("SatuAtap administration")
admin.site.site_title = _("SatuAtap")


def _is_office_account(user) -> bool:
    """An account of an office: its head manages it (`core.staff`), not the admin site."""
    return user is not None and user.pk is not None and user.office is not None


class RoleAssignmentFormSet(forms.BaseInlineFormSet):
    def clean(self):
        """Roles fit the account's organisation: ministry roles in the ministry, partner roles
        at a partner (`roles.roles_of_organisation_kind`)."""
        super().clean()
        organisation = getattr(self.instance, "organisation", None)
        allowed = roles_of_organisation_kind(organisation.kind) if organisation else frozenset()
        for form in self.forms:
            role = form.cleaned_data.get("role") if hasattr(form, "cleaned_data") else None
            if role and not form.cleaned_data.get("DELETE") and role not in allowed:
                form.add_error(
                    "role", _("This role does not belong to the account's organisation.")
                )


class RoleAssignmentInline(admin.TabularInline):
    model = RoleAssignment
    formset = RoleAssignmentFormSet
    extra = 1

    # The roles of an office's staff are its head's to change (core.staff): the admin site
    # shows them only. Accounts of the ministry and of partners keep their roles here.
    def has_add_permission(self, request, obj=None):
        return not _is_office_account(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return not _is_office_account(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not _is_office_account(obj) and super().has_delete_permission(request, obj)


class UserAddForm(DjangoUserAdmin.add_form):
    def clean_organisation(self):
        organisation = self.cleaned_data.get("organisation")
        if organisation is not None and organisation.is_office:
            raise forms.ValidationError(
                _(
                    "An office's staff are added by its head (Office staff); a new office and "
                    "its first head on the Offices page."
                )
            )
        return organisation


class TwoFactorResetForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is two-factor sign-in reset?"),
        max_length=two_factor.MAX_REASON_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


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
    add_form = UserAddForm
    add_fieldsets = (
        (None, {"fields": ("username", "full_name", "organisation", "password1", "password2")}),
    )
    inlines = [RoleAssignmentInline]
    actions = ["reset_two_factor"]

    def get_readonly_fields(self, request, obj=None):
        """An office's account: only `is_active` (an emergency stop) and the password form
        stay open to the administrator; its head changes the rest (docs/security.md)."""
        if _is_office_account(obj):
            return ("username", "full_name", "email", "language", "organisation", "desk")
        return super().get_readonly_fields(request, obj)

    def get_fieldsets(self, request, obj=None):
        if _is_office_account(obj):
            return (
                (None, {"fields": ("username", "password")}),
                (_("Person"), {"fields": ("full_name", "email", "language")}),
                (_("Organisation"), {"fields": ("organisation", "desk")}),
                (_("Access"), {"fields": ("is_active",)}),
            )
        return super().get_fieldsets(request, obj)

    @admin.action(description=_("Reset two-factor sign-in (lost phone)"))
    def reset_two_factor(self, request, queryset):
        """Asks why first (a page of its own), then resets the accounts the administrator may
        reset: the ministry's, partners' and office heads' (an office's other staff are reset
        by their head)."""
        form = TwoFactorResetForm(request.POST if "apply" in request.POST else None)
        if not form.is_valid():
            context = {
                **self.admin_site.each_context(request),
                "title": _("Reset two-factor sign-in"),
                "users": queryset,
                "form": form,
                "opts": self.model._meta,
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            }
            return TemplateResponse(request, "admin/core/user/reset_two_factor.html", context)
        done = skipped = 0
        for user in queryset:
            if not request.user.has_perm("core.reset_two_factor", user):
                skipped += 1
                continue
            two_factor_services.reset_devices(
                user=user, by=request.user, reason=form.cleaned_data["reason"]
            )
            done += 1
        self.message_user(
            request,
            _("Two-factor sign-in is reset for %(count)s users; they set it up again at sign-in.")
            % {"count": done},
        )
        if skipped:
            self.message_user(
                request,
                _(
                    "%(count)s users were left as they are: an office's staff are reset by "
                    "their office head."
                )
                % {"count": skipped},
                level=messages.WARNING,
            )
        return None


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


@admin.register(RoleGrant)
class RoleGrantAdmin(admin.ModelAdmin):
    """Read-only: grants are decided on their own page (`core:role-grants`)."""

    list_display = ("user", "role", "requested_by", "requested_at", "decided_by", "is_confirmed")
    list_filter = ("role", "is_confirmed")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


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
