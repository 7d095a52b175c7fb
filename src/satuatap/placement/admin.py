"""Administration of the national placement data: agencies, the checklist rules, schemes."""

from django.contrib import admin

from satuatap.placement.files.models import ChecklistRule, SchemePolicy
from satuatap.placement.models import Agency


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    """Read-only here: an agency's licence and data are changed only by the ministry placement
    administrator, through the agency pages, the API or the import (`placement.rules`)."""

    list_display = ("name", "licence_number", "licence_valid_until", "status")
    list_filter = ("status",)
    search_fields = ("name", "licence_number")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ChecklistRule)
class ChecklistRuleAdmin(admin.ModelAdmin):
    list_display = (
        "document_type",
        "scheme",
        "country",
        "sector",
        "sex",
        "marital",
        "legal_basis",
        "is_active",
    )
    list_filter = ("is_active", "scheme", "sector", "marital", "document_type")
    list_editable = ("is_active",)


@admin.register(SchemePolicy)
class SchemePolicyAdmin(admin.ModelAdmin):
    list_display = ("scheme", "minimum_age", "needs_job_order")
