"""Forms of the documents pages: thin, the rules live in `services.py`."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from satuatap.core.forms import ScanUploadForm
from satuatap.people.models import DocumentType


class DocumentTypeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: DocumentType) -> str:
        return obj.name


class DocumentUploadForm(ScanUploadForm):
    document_type = DocumentTypeChoiceField(
        label=_("Document type"), queryset=DocumentType.objects.all()
    )
    field_order = ["document_type"]

    # Which field a domain error from `upload_document` belongs to.
    ERROR_FIELDS = {**ScanUploadForm.ERROR_FIELDS, "issue_date_required": "issued_on"}


class DocumentRejectForm(forms.Form):
    reason = forms.CharField(label=_("Reason for rejection"), max_length=255)
