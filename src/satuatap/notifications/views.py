"""The outbox page (failed messages, resend), the person page's opt-out and language forms,
and the providers' webhooks (delivery receipts and STOP replies)."""

from __future__ import annotations

import hashlib
import hmac
import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from satuatap.core.errors import add_domain_message
from satuatap.core.exceptions import DomainError
from satuatap.core.rules import is_case_supervisor
from satuatap.notifications import selectors, services
from satuatap.notifications.forms import (
    DigestForm,
    LanguageForm,
    OfficeSettingsForm,
    OptOutForm,
)
from satuatap.notifications.models import Channel, OptOutSource
from satuatap.people.selectors import get_visible_person

STOP_WORDS = frozenset({"STOP", "BERHENTI", "UNSUBSCRIBE"})


@login_required
def outbox(request):
    """The office's failed messages not about a case. Those about a case are on the MRC's
    own page (`cases:case-messages`), where each case's messages pass the sensitive-data gate."""
    if not request.user.has_perm("notifications.view_outbox"):
        raise PermissionDenied
    failed = list(selectors.failed_messages(request.user).filter(is_case_related=False)[:200])
    context = {"failed": failed, "is_case_supervisor": is_case_supervisor(request.user)}
    return render(request, "notifications/outbox.html", context)


@login_required
@require_POST
def resend(request, message_id: int):
    if not request.user.has_perm("notifications.view_outbox"):
        raise PermissionDenied
    message = selectors.get_visible_message(request.user, message_id)
    if message is None or not request.user.has_perm("notifications.resend_message", message):
        raise Http404
    try:
        services.resend_message(message=message, by=request.user)
    except DomainError as error:
        add_domain_message(request, error)
    else:
        messages.success(request, _("The message is queued again."))
    back = request.POST.get("next", "")
    if back and url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        return redirect(back)
    return redirect("notifications:outbox")


@login_required
@require_http_methods(["GET", "POST"])
def office_settings(request):
    """The office head's switch for the queue's messages to visitors (off by default)."""
    office = request.user.office
    if office is None or not request.user.has_perm("notifications.configure_office", office):
        raise PermissionDenied
    current = selectors.office_settings(office.pk)
    initial = {
        "ticket_calls": current.ticket_calls if current else False,
        "ticket_calls_ahead": current.ticket_calls_ahead if current else 3,
    }
    form = OfficeSettingsForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.set_office_settings(office=office, by=request.user, **form.cleaned_data)
        except DomainError as error:
            add_domain_message(request, error)
        else:
            messages.success(request, _("The message settings are saved."))
            return redirect("notifications:office-settings")
    return render(request, "notifications/office_settings.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def digest(request):
    """A staff member asks for the office's daily digest by e-mail, or stops it."""
    if not request.user.has_perm("notifications.subscribe_digest"):
        raise PermissionDenied
    subscribed = selectors.is_digest_subscriber(request.user)
    form = DigestForm(
        request.POST if request.method == "POST" else None, initial={"subscribed": subscribed}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.set_digest_subscription(
                user=request.user, subscribed=form.cleaned_data["subscribed"]
            )
        except DomainError as error:
            add_domain_message(request, error)
        else:
            messages.success(request, _("Your choice for the daily digest is saved."))
            return redirect("notifications:digest")
    return render(
        request,
        "notifications/digest.html",
        {"form": form, "subscribed": subscribed, "email": request.user.email},
    )


def _person_or_404(request, person_id: int):
    person = get_visible_person(request.user, person_id)
    if person is None:
        raise Http404
    if not request.user.has_perm("notifications.record_opt_out", person):
        raise PermissionDenied
    return person


@login_required
@require_POST
def person_opt_out(request, person_id: int):
    person = _person_or_404(request, person_id)
    form = OptOutForm(request.POST, person=person)
    if not form.is_valid():
        messages.error(request, _("Choose a number and a channel."))
        return redirect("people:detail", person_id=person.pk)
    try:
        services.record_opt_out(
            channel=form.cleaned_data["channel"],
            address=form.number(),
            source=OptOutSource.DESK,
            person=person,
            by=request.user,
        )
    except DomainError as error:
        add_domain_message(request, error)
    else:
        messages.success(request, _("No more messages go to this number on this channel."))
    return redirect("people:detail", person_id=person.pk)


@login_required
@require_POST
def person_language(request, person_id: int):
    person = _person_or_404(request, person_id)
    form = LanguageForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a language."))
        return redirect("people:detail", person_id=person.pk)
    services.set_message_language(person=person, language=form.cleaned_data["language"])
    messages.success(request, _("The language for messages is saved."))
    return redirect("people:detail", person_id=person.pk)


# --- Webhooks: the providers call these; the signature is the credential. ---


def _signature_matches(secret: str, body: bytes, header: str) -> bool:
    if not secret or not header.startswith("sha256="):
        return False
    expected = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, header.removeprefix("sha256="))


def _is_stop(text) -> bool:
    return isinstance(text, str) and text.strip().upper() in STOP_WORDS


@csrf_exempt
@require_http_methods(["GET", "POST"])
def whatsapp_webhook(request):
    """GET: Meta's verification (hub.mode=subscribe, hub.verify_token, hub.challenge).
    POST: status updates and incoming messages, signed with the app secret
    (X-Hub-Signature-256). A request that fails either check changes nothing: 403."""
    if request.method == "GET":
        token = settings.WHATSAPP_VERIFY_TOKEN
        offered = request.GET.get("hub.verify_token", "")
        if (
            request.GET.get("hub.mode") == "subscribe"
            and token
            and hmac.compare_digest(token.encode(), offered.encode())
        ):
            return HttpResponse(request.GET.get("hub.challenge", ""), content_type="text/plain")
        return HttpResponse(status=403)
    header = request.headers.get("X-Hub-Signature-256", "")
    if not _signature_matches(settings.WHATSAPP_APP_SECRET, request.body, header):
        return HttpResponse(status=403)
    try:
        payload = json.loads(request.body)
        changes = [
            change.get("value") or {}
            for entry in payload.get("entry", [])
            for change in entry.get("changes", [])
        ]
    except (ValueError, AttributeError, TypeError):
        return HttpResponse(status=400)
    for value in changes:
        for status in value.get("statuses", []) or []:
            errors = status.get("errors") or []
            error = ""
            if errors and isinstance(errors[0], dict):
                error = f"WhatsApp error {errors[0].get('code')}: {errors[0].get('title', '')}"
            services.record_receipt(
                channel=Channel.WHATSAPP,
                provider_message_id=str(status.get("id", "")),
                status=str(status.get("status", "")),
                error=error,
            )
        for incoming in value.get("messages", []) or []:
            text = (incoming.get("text") or {}).get("body")
            sender = str(incoming.get("from", ""))
            if sender and _is_stop(text):
                services.record_opt_out(
                    channel=Channel.WHATSAPP, address="+" + sender, source=OptOutSource.REPLY
                )
    return HttpResponse(status=200)


@csrf_exempt
@require_POST
def sms_webhook(request):
    """The SMS gateway's receipts and replies, in the project's generic format (README):
    {"type": "receipt", "id": …, "status": "delivered"|"failed", "error": …} or
    {"type": "inbound", "from": "+62…", "text": "STOP"}, signed with the shared secret
    (X-Signature-256: sha256=<HMAC-SHA256 of the body>). Unsigned or badly signed: 403."""
    header = request.headers.get("X-Signature-256", "")
    if not _signature_matches(settings.SMS_GATEWAY_WEBHOOK_SECRET, request.body, header):
        return HttpResponse(status=403)
    try:
        payload = json.loads(request.body)
        kind = payload.get("type")
    except (ValueError, AttributeError):
        return HttpResponse(status=400)
    if kind == "receipt":
        services.record_receipt(
            channel=Channel.SMS,
            provider_message_id=str(payload.get("id", "")),
            status=str(payload.get("status", "")),
            error=str(payload.get("error", ""))[:200],
        )
    elif kind == "inbound" and payload.get("from") and _is_stop(payload.get("text")):
        services.record_opt_out(
            channel=Channel.SMS, address=str(payload["from"]), source=OptOutSource.REPLY
        )
    return HttpResponse(status=200)
