"""Administration of the registry's reference data."""

from django.contrib import admin

from satuatap.people.models import DocumentType


@admin.register(DocumentType)
class DocumentTypeAdmin(admin.ModelAdmin):
    list_display = ("code", "name_id", "name_en", "desk_type_code", "validity_days", "order")
    search_fields = ("code", "name_id", "name_en")
