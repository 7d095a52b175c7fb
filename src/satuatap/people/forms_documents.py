"""Forms of the documents pages: thin, the rules live in `people/documents.py`."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from satuatap.core.forms import DateInput
from satuatap.people.models import DocumentType

# A hint for the browser's file picker only; the server decides by the file's content.
ACCEPTED_FILES = "application/pdf,image/jpeg,image/png,.pdf,.jpg,.jpeg,.png"


class DocumentTypeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: DocumentType) -> str:
        return obj.name


class DocumentUploadForm(forms.Form):
    document_type = DocumentTypeChoiceField(
        label=_("Document type"), queryset=DocumentType.objects.all()
    )
    number = forms.CharField(label=_("Document number"), required=False, max_length=64)
    issued_on = forms.DateField(label=_("Issued on"), required=False, widget=DateInput())
    expires_on = forms.DateField(label=_("Expires on"), required=False, widget=DateInput())
    file = forms.FileField(
        label=_("Scan"),
        widget=forms.FileInput(attrs={"accept": ACCEPTED_FILES}),
    )

    # Which field a domain error from `upload_document` belongs to.
    ERROR_FIELDS = {
        "unsupported_file_type": "file",
        "file_too_large": "file",
        "empty_file": "file",
        "expiry_before_issue": "expires_on",
        "issue_date_required": "issued_on",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _("A PDF, JPEG or PNG file of at most %(size)s MB.") % {
            "size": f"{settings.DOCUMENT_MAX_BYTES / (1024 * 1024):g}"
        }


class DocumentRejectForm(forms.Form):
    reason = forms.CharField(label=_("Reason for rejection"), max_length=255)
