"""The purpose page's answer: the reader says why they open a sensitive record (core.sensitive)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from satuatap.core import sensitive
from satuatap.core.forms import ReadPurposeForm


def _safe_next(request) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("home")


@login_required
@require_POST
def read_purpose(request):
    """Grant the chosen purpose for the record named in the form, then go back to the page
    that asked. A record the reader may not read is a 404, as on the page itself."""
    subject = sensitive.subject_from_token(request.POST.get("subject", ""))
    if subject is None or not sensitive.may_read(request.user, subject):
        raise Http404
    form = ReadPurposeForm(request.POST)
    if not form.is_valid():
        return sensitive.purpose_page(request, subject, form=form, status=422)
    sensitive.grant(request, subject, form.cleaned_data["purpose"])
    return redirect(_safe_next(request))
