"""The installable offline page (`/outreach/offline/`), its service worker and manifest, and the
office's list of what offline syncs reported. docs/offline.md says what the phone keeps."""

from __future__ import annotations

import hashlib
import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from satuatap.outreach.models import AgeBand, EventKind, SyncConflictKind, Topic
from satuatap.outreach.offline import selectors, services
from satuatap.outreach.views._common import require_manage, require_view
from satuatap.people.models import Sex

# Bumped when the service worker's own code changes (its cache name carries it).
WORKER_VERSION = "1"
PAGE_SIZE = 50

# The static files the page needs offline (the page itself and the contact form are added).
STATIC_FILES = (
    "js-lib-bootstrap5/css/bootstrap.min.css",
    "core/satuatap.css",
    "outreach/offline/app.css",
    "outreach/offline/app.js",
    "outreach/offline/icon.svg",
    "outreach/offline/icon-192.png",
    "outreach/offline/icon-512.png",
)


def _may_capture(user) -> tuple[bool, bool]:
    """(may record events, may record MRC contacts): the online forms' own rules."""
    office = user.office
    return (
        office is not None and user.has_perm("outreach.manage_outreach", office),
        user.has_perm("cases.record_contact"),
    )


@login_required
@require_GET
@never_cache
def offline_app(request):
    events, contacts = _may_capture(request.user)
    if not (events or contacts):
        raise PermissionDenied
    villages = [
        {"code": v.code, "name": v.name, "district": v.parent.name if v.parent else ""}
        for v in selectors.offline_villages(request.user)
    ]
    config = {
        "userId": request.user.pk,
        "days": settings.OUTREACH_OFFLINE_DAYS,
        "today": request.user.office.today().isoformat() if request.user.office else "",
        "maxBatch": services.MAX_BATCH,
        "eventsUrl": reverse("api:outreach-sync") if events else "",
        "contactsUrl": reverse("api:contacts-sync") if contacts else "",
        "contactFormUrl": reverse("cases:contact-offline-form") if contacts else "",
        "workerUrl": reverse("outreach:offline-worker"),
        "scope": reverse("outreach:offline-app"),
        "loginUrl": reverse("login") + "?next=" + reverse("outreach:offline-app"),
    }
    context = {
        "config": config,
        "strings": _strings(),
        "may_record_events": events,
        "may_record_contacts": contacts,
        "villages": villages,
        "kinds": EventKind.choices,
        "topics": Topic.choices,
        "sexes": [
            (Sex.FEMALE, _("Women")),
            (Sex.MALE, _("Men")),
            (Sex.NOT_RECORDED, _("Sex not recorded")),
        ],
        "person_sexes": Sex.choices,
        "age_bands": AgeBand.choices,
    }
    return render(request, "outreach/offline/app.html", context)


def _strings() -> dict[str, str]:
    """What the page's script says, in the user's language (rendered into the page, so that it
    is there offline too)."""
    return {
        "online": _("Online"),
        "offline": _("Offline: records stay on this phone"),
        "pinTooShort": _("The PIN must have at least 6 characters."),
        "pinMismatch": _("The two PINs differ. Type the same PIN twice."),
        "pinWrong": _("Wrong PIN. The records on this phone stay locked."),
        "unlocking": _("Opening…"),
        "saved": _("Saved on this phone, encrypted. It is sent when the phone is online."),
        "nothingToSend": _("Nothing is waiting to be sent."),
        "sending": _("Sending…"),
        "sent": _("Sent to the office: %(count)s record(s)."),
        "alreadySent": _("Already at the office (sent before): %(count)s record(s)."),
        "refused": _("Not accepted; correct or discard: %(count)s record(s)."),
        "cannotSend": _(
            "Could not reach the office. The records stay on this phone; try again later."
        ),
        "signInAgain": _("Sign in again to send the records (they stay on this phone)."),
        "pending": _("Waiting to be sent"),
        "event": _("Event"),
        "contact": _("Contact"),
        "discard": _("Discard"),
        "confirmDiscard": _("Discard this record from the phone? It has not been sent."),
        "confirmForget": _(
            "Remove every record and the PIN from this phone? Records not sent are lost."
        ),
        "expired": _("%(count)s record(s) older than %(days)s days were removed from this phone."),
        "expiresOn": _("removed from this phone on %(date)s"),
        "conflictsTitle": _("Participants to check (the office sees this list too)"),
        "noConflicts": _("No participant needed checking."),
        "participantName": _("Full name"),
        "participantSex": _("Sex"),
        "participantNik": _("NIK (16 digits)"),
        "participantBirthDate": _("Date of birth"),
        "removeParticipant": _("Remove this participant"),
        "needNikOrBirth": _("Give each named participant's NIK or date of birth."),
        "needName": _("Give each participant's name."),
        "nikDigits": _("A NIK has 16 digits."),
        "needCount": _("Count at least one participant by sex and age band."),
        "moreNamed": _("There are more named participants than people counted. Count them too."),
        "needTitle": _("Give the event a title."),
        "needVillage": _("Choose a village from the region list."),
        "needDate": _("Give the date."),
        "futureDate": _("The date cannot be in the future."),
        "needTopic": _("Choose the topic."),
        "needGroupCount": _("A group session needs the number of participants."),
        "ready": _("Ready to work offline on this phone."),
        "notReady": _("This browser cannot keep the page offline."),
        "noCrypto": _("This browser cannot encrypt records; nothing is kept on it."),
    }


@require_GET
def service_worker(request):
    """The service worker, at the page's own path so that its scope is the page. Public: it is
    code, the same for everyone (it fetches the page with the caller's own session)."""
    files = [static(name) for name in STATIC_FILES]
    version = hashlib.sha256(json.dumps([WORKER_VERSION, files]).encode()).hexdigest()[:12]
    context = {
        "cache_name": f"satuatap-offline-{version}",
        "page_url": reverse("outreach:offline-app"),
        "required": json.dumps([reverse("outreach:offline-app"), *files]),
        "optional": json.dumps([reverse("outreach:offline-manifest")]),
        "on_request": json.dumps([reverse("cases:contact-offline-form")]),
    }
    response = render(
        request, "outreach/offline/sw.js", context, content_type="text/javascript; charset=utf-8"
    )
    response["Cache-Control"] = "no-cache"
    return response


@require_GET
def manifest(request):
    """The web app manifest: installed, the page opens on its own, in the user's language."""
    scope = reverse("outreach:offline-app")
    data = {
        "name": _("SatuAtap field capture"),
        "short_name": _("SatuAtap field"),
        "description": _("Record outreach events and MRC contacts without a signal."),
        "lang": request.LANGUAGE_CODE,
        "start_url": scope,
        "scope": scope,
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#6b2d5c",
        "icons": [
            {
                "src": static("outreach/offline/icon-192.png"),
                "sizes": "192x192",
                "type": "image/png",
            },
            {
                "src": static("outreach/offline/icon-512.png"),
                "sizes": "512x512",
                "type": "image/png",
            },
            {"src": static("outreach/offline/icon.svg"), "sizes": "any", "type": "image/svg+xml"},
        ],
    }
    response = JsonResponse(data, content_type="application/manifest+json")
    response["Cache-Control"] = "no-cache"
    return response


@login_required
def conflict_list(request):
    """What the office's offline syncs reported: participants named once though entered twice,
    or left unnamed for someone to check."""
    require_view(request.user)
    show_all = request.GET.get("all") == "1"
    conflicts = selectors.office_sync_conflicts(request.user, open_only=not show_all)
    page = Paginator(conflicts, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = []
    for conflict in page.object_list:
        rows.append({"conflict": conflict, "entered": _entered(conflict)})
    context = {
        "page": page,
        "rows": rows,
        "show_all": show_all,
        "filters": "all=1" if show_all else "",
        "kinds": SyncConflictKind,
        "can_manage": request.user.has_perm("outreach.manage_outreach", request.user.office),
    }
    return render(request, "outreach/offline/conflict_list.html", context)


def _entered(conflict) -> dict:
    try:
        value = json.loads(conflict.entered or "{}")
    except ValueError:
        return {}
    if not isinstance(value, dict):
        return {}
    nik = str(value.get("nik") or "")
    # Whole NIKs are for the registry's pages; the list shows it masked.
    value["nik"] = f"{nik[:4]}********{nik[-4:]}" if len(nik) == 16 else nik
    return value


@login_required
@require_POST
def conflict_review(request, conflict_id: int):
    require_view(request.user)
    conflict = selectors.get_visible_conflict(request.user, conflict_id)
    if conflict is None:
        raise Http404
    require_manage(request.user, conflict.office)
    services.mark_conflict_reviewed(conflict=conflict, by=request.user)
    messages.success(request, _("Marked as checked."))
    return redirect("outreach:sync-conflicts")
