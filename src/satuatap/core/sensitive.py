"""The one sensitive-data policy: every read of restricted or sensitive data asks here.

An app registers each kind of sensitive record once, from its `AppConfig.ready()`
(`register(Case, may_read=…, needs_purpose=…)`): who may read it, whether reading it needs a
purpose, and which record a read of it is about (its *subject*: an attachment's case, a
document's person). Pages, PDFs, file downloads, exports, the partner portal and the API then
make one call per read:

- `gate(request, record)` for a page or a file: a 404 unless the reader may read the record; the
  purpose page (one form, one template, posting to `core:read-purpose`) when the subject needs a
  purpose and none was given within the grant window; otherwise the access entry is written (for
  every read of a registered record, with the purpose or as `NOT_ASKED`) and `None` is returned.
- `api_read(request, record, purpose)` for the API: the same, with a 404 or a 428
  `purpose_required` error instead of the page; a purpose given on the web within the grant
  window counts for session-authenticated calls.

A purpose is given for a subject and lasts `SENSITIVE_READ_GRANT_SECONDS` (ten minutes by
default), so the redirect after a form, or the attachment under the case just opened, does not
ask again; every read in that time is still written with it. The access entry is an auditlog
`ACCESS` entry on the subject with the purpose (and which record was read, when it is not the
subject itself), so a record's access log is one query.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from auditlog.models import LogEntry
from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core import signing
from django.db import models, transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from satuatap.core.audit import ReadPurpose
from satuatap.core.exceptions import DomainError

if TYPE_CHECKING:
    from satuatap.core.models import User

M = TypeVar("M", bound=models.Model)

PURPOSE_FORM_TEMPLATE = "core/read_purpose.html"
# The purpose of a read that needed none (an ordinary record): logged as such, never invented.
NOT_ASKED = ""
_SIGNING_SALT = "satuatap.sensitive.subject"


@dataclass(frozen=True)
class SensitiveKind:
    """How the policy treats one model."""

    model: type[models.Model]
    # Called with records of `model` only (see `register`'s types).
    may_read: Callable[[Any, Any], bool]
    needs_purpose: Callable[[Any], bool]
    subject: Callable[[Any], models.Model]
    initial_purpose: str


_kinds: dict[type[models.Model], SensitiveKind] = {}


def register(
    model: type[M],
    *,
    may_read: Callable[[User, M], bool],
    needs_purpose: Callable[[M], bool],
    subject: Callable[[M], models.Model] | None = None,
    initial_purpose: str = "",
) -> None:
    """Declare `model` sensitive. `subject(record)` is the record a grant and the access entry
    are kept for; it must be registered too (a record that is its own subject is)."""
    _kinds[model] = SensitiveKind(
        model=model,
        may_read=may_read,
        needs_purpose=needs_purpose,
        subject=subject or (lambda record: record),
        initial_purpose=initial_purpose,
    )


def kind_of(record: models.Model) -> SensitiveKind:
    try:
        return _kinds[type(record)]
    except KeyError:
        raise LookupError(f"{type(record).__name__} is not registered as sensitive") from None


def registered_models() -> list[type[models.Model]]:
    return list(_kinds)


def may_read(user, record: models.Model) -> bool:
    return bool(user.is_authenticated and kind_of(record).may_read(user, record))


def needs_purpose(record: models.Model) -> bool:
    """Whether reading `record` needs a purpose: its own kind says so, or its subject's does."""
    kind = kind_of(record)
    if kind.needs_purpose(record):
        return True
    subject = kind.subject(record)
    return subject is not record and bool(kind_of(subject).needs_purpose(subject))


def subject_of(record: models.Model) -> models.Model:
    return kind_of(record).subject(record)


# --- Grants -----------------------------------------------------------------------------------


def grant_seconds() -> int:
    return int(getattr(settings, "SENSITIVE_READ_GRANT_SECONDS", 600))


def _grant_key(subject: models.Model) -> str:
    return f"read_grant:{subject._meta.label_lower}:{subject.pk}"


def grant(request: HttpRequest, subject: models.Model, purpose: str) -> None:
    if purpose not in ReadPurpose.values:
        raise ValueError(f"unknown read purpose {purpose!r}")
    request.session[_grant_key(subject)] = {"purpose": purpose, "at": time.time()}


def granted_purpose(request: HttpRequest, record: models.Model) -> str | None:
    """The purpose given for `record`'s subject within the grant window, if any."""
    session = getattr(request, "session", None)
    if session is None:
        return None
    granted = session.get(_grant_key(subject_of(record)))
    if not granted or time.time() - granted.get("at", 0) >= grant_seconds():
        return None
    purpose = granted.get("purpose")
    return purpose if purpose in ReadPurpose.values else None


def subject_token(subject: models.Model) -> str:
    """What the purpose form carries to say which record the purpose is for (signed)."""
    return signing.dumps([subject._meta.label_lower, subject.pk], salt=_SIGNING_SALT)


def subject_from_token(token: str) -> models.Model | None:
    try:
        label, pk = signing.loads(token, salt=_SIGNING_SALT)
        model = apps.get_model(label)
    except (signing.BadSignature, LookupError, TypeError, ValueError):
        return None
    if model not in _kinds:
        return None
    return model._default_manager.filter(pk=pk).first()


# --- The access entry -------------------------------------------------------------------------


def record_read(*, user, record: models.Model, purpose: str) -> LogEntry:
    """Write that `user` read `record` for `purpose` (`NOT_ASKED` when the record needs none):
    an ACCESS entry on its subject, so every read of it is in the subject's access log."""
    if purpose != NOT_ASKED and purpose not in ReadPurpose.values:
        raise ValueError(f"unknown read purpose {purpose!r}")
    subject = subject_of(record) if type(record) in _kinds else record
    data = {"purpose": purpose}
    if subject is not record:
        data["read"] = f"{record._meta.model_name} #{record.pk}"
    with transaction.atomic():
        return LogEntry.objects.create(
            content_type=ContentType.objects.get_for_model(subject.__class__),
            object_pk=str(subject.pk),
            object_id=subject.pk if isinstance(subject.pk, int) else None,
            object_repr=f"{subject._meta.model_name} #{subject.pk}",
            action=LogEntry.Action.ACCESS,
            actor=user,
            changes={},
            additional_data=data,
        )


# --- Pages ------------------------------------------------------------------------------------


def purpose_page(
    request: HttpRequest,
    record: models.Model,
    *,
    form=None,
    status: int = 200,
    initial_purpose: str = "",
):
    """The one page that asks why the reader opens a record."""
    from satuatap.core.forms import ReadPurposeForm

    subject = subject_of(record)
    if form is None:
        initial = initial_purpose or kind_of(subject).initial_purpose
        form = ReadPurposeForm(initial={"purpose": initial or None})
    context = {
        "form": form,
        "subject": subject_token(subject),
        "next": request.get_full_path(),
        "kind": subject._meta.verbose_name,
    }
    response = render(request, PURPOSE_FORM_TEMPLATE, context, status=status)
    response["Cache-Control"] = "private, no-store"
    return response


def gate(
    request: HttpRequest,
    record: models.Model,
    *,
    always_ask: bool = False,
    initial_purpose: str = "",
) -> HttpResponse | None:
    """None when the page showing `record` may be rendered (the read is then written);
    otherwise the answer to return instead: the purpose page. A reader who may not read the
    record gets a 404, whether or not it exists. `always_ask`: this read needs a purpose even
    when the record itself does not (a person's whole copy of their data)."""
    if not may_read(request.user, record):
        raise Http404
    purpose = granted_purpose(request, record)
    if purpose is None and (always_ask or needs_purpose(record)):
        return purpose_page(request, record, initial_purpose=initial_purpose)
    record_read(user=request.user, record=record, purpose=purpose or NOT_ASKED)
    return None


# --- The API ----------------------------------------------------------------------------------


def purpose_required_error() -> DomainError:
    return DomainError(
        "purpose_required",
        _("This record holds sensitive data: say why you read it (purpose)."),
        status=428,
        details={"purposes": ReadPurpose.values},
    )


def api_read(request: HttpRequest, record: models.Model, purpose: str | None) -> None:
    """The API's read of `record`: a 404 unless the caller may read it, a 428 without a
    purpose when it needs one; otherwise the access entry is written."""
    if not may_read(request.user, record):
        raise DomainError("not_found", _("No such record."), status=404)
    if purpose is None:
        purpose = granted_purpose(request, record)
    if purpose is None and needs_purpose(record):
        raise purpose_required_error()
    record_read(user=request.user, record=record, purpose=purpose or NOT_ASKED)
