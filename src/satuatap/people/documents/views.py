"""Pages for a person's documents: upload, the permission-checked download, verify, reject,
and the documents waiting for verification at the desk the user verifies for.

A document of a person the user may not see is a 404, whether or not it exists.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from satuatap.core import sensitive
from satuatap.core.downloads import private_file_response
from satuatap.core.errors import add_domain_message
from satuatap.core.exceptions import DomainError
from satuatap.core.uploads import ALLOWED_CONTENT_TYPES
from satuatap.people import selectors as people_selectors
from satuatap.people.documents import selectors, services
from satuatap.people.documents.forms import DocumentRejectForm, DocumentUploadForm
from satuatap.people.models import DocumentType, PersonDocument


def _safe_next(request) -> str | None:
    """The `next` address given by the page that sent the user here, if it is one of ours."""
    url = request.POST.get("next") or request.GET.get("next")
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return None


def _preselected_type(request) -> DocumentType | None:
    """`?type=` names the document type to preselect, by id or by code."""
    value = (request.GET.get("type") or "").strip()[:40]
    if not value:
        return None
    lookup: dict[str, int | str] = (
        {"pk": int(value)} if value.isdigit() and len(value) < 10 else {"code": value}
    )
    return DocumentType.objects.filter(**lookup).first()


def _get_document_or_404(request, person_id: int, document_id: int) -> PersonDocument:
    document = selectors.get_visible_document(
        request.user, person_id=person_id, document_id=document_id
    )
    if document is None:
        raise Http404
    return document


@login_required
@require_http_methods(["GET", "POST"])
def document_upload(request, person_id: int):
    person = people_selectors.get_visible_person(request.user, person_id)
    if person is None:
        raise Http404
    if not request.user.has_perm("people.upload_document", person):
        raise PermissionDenied
    if request.method == "POST":
        form = DocumentUploadForm(request.POST, request.FILES)
    else:
        form = DocumentUploadForm(initial={"document_type": _preselected_type(request)})
    if form.is_bound and form.is_valid():
        try:
            services.upload_document(person=person, by=request.user, **form.cleaned_data)
        except DomainError as error:
            form.add_error(form.ERROR_FIELDS.get(error.code), error.message)
        else:
            messages.success(request, _("The document was uploaded and waits for verification."))
            return redirect(_safe_next(request) or reverse("people:detail", args=[person.pk]))
    return render(request, "people/document_form.html", {"form": form, "person": person})


@login_required
@require_GET
def document_file(request, person_id: int, document_id: int):
    document = _get_document_or_404(request, person_id, document_id)
    if (gate := sensitive.gate(request, document)) is not None:
        return gate
    return private_file_response(
        document.file,
        # The type code and id, never the stored path.
        filename=f"{document.document_type.code}-{document.pk}{document.extension}",
        content_type=document.content_type,
        allowed_content_types=ALLOWED_CONTENT_TYPES,
    )


def _decide(request, document: PersonDocument, decide, success: str):
    try:
        decide()
    except DomainError as error:
        add_domain_message(request, error)
    else:
        messages.success(request, success)
    return redirect(_safe_next(request) or reverse("people:detail", args=[document.person_id]))


@login_required
@require_POST
def document_verify(request, person_id: int, document_id: int):
    document = _get_document_or_404(request, person_id, document_id)
    return _decide(
        request,
        document,
        lambda: services.verify_document(document=document, by=request.user),
        _("The document is marked as verified."),
    )


@login_required
@require_POST
def document_reject(request, person_id: int, document_id: int):
    document = _get_document_or_404(request, person_id, document_id)
    form = DocumentRejectForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    return _decide(
        request,
        document,
        lambda: services.reject_document(document=document, reason=reason, by=request.user),
        _("The document is marked as rejected."),
    )


@login_required
@require_GET
def documents_to_verify(request):
    user = request.user
    if user.office is None or not selectors.verifies_documents(user):
        raise PermissionDenied
    documents = selectors.documents_to_verify(user, user.office.today())
    page = Paginator(documents, 50).get_page(request.GET.get("page"))
    return render(request, "people/documents_to_verify.html", {"page": page})
