"""Writes of the portal: rate-limit hits, identification (a challenge, the one-time code sent
through the notifications outbox) and the code's check.

Whether a NIK exists is never told (docs/security.md, "The public portal"): a NIK and date of
birth that match nobody (or a person without a phone number, or whose channel is off or opted
out) still make a challenge, with no person and no code behind it, and the person asking is
sent to the same code page with the same words; every code typed there is wrong. The rate
limits count the NIK asked about, whether or not it exists.
"""

from __future__ import annotations

import datetime
import hmac
import secrets

from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from satuatap.cases.portal_intake import services as intake
from satuatap.core.exceptions import DomainError
from satuatap.core.models import Organisation
from satuatap.frontdesk.bookings import services as booking_services
from satuatap.frontdesk.models import Booking, Service, VisitSlot
from satuatap.notifications import gateways
from satuatap.notifications import services as notification_services
from satuatap.notifications.models import Channel
from satuatap.people.models import Person, Phone
from satuatap.portal import (
    BOOK_PER_IP,
    CODE_DIGITS,
    CODE_MINUTES,
    CODE_PER_IP,
    HELP_PER_IP,
    IDENTIFY_PER_IP,
    IDENTIFY_PER_NIK,
    MAX_CODE_ATTEMPTS,
    REPORT_PER_IP,
)
from satuatap.portal.models import Challenge, Hit

KEY_SALT = "satuatap.portal"
KEEP_HOURS = 24
# Which of a person's numbers the code goes to, first match first.
PHONE_KINDS = (Phone.Kind.MOBILE, Phone.Kind.WHATSAPP, Phone.Kind.ABROAD)
# Channels the code may go on, in this order (the first with a gateway is used).
CODE_CHANNELS = (Channel.SMS, Channel.WHATSAPP)


def keyed(value: str) -> str:
    """A keyed hash: rate limits and codes are kept as these, never in clear."""
    return salted_hmac(KEY_SALT, value, algorithm="sha256").hexdigest()


def rate_limited() -> DomainError:
    return DomainError(
        "rate_limited",
        _("Too many tries. Please wait an hour, then try again."),
        status=429,
    )


@transaction.atomic
def count_hit(
    *, rule: tuple[str, int, int], value: str, now: datetime.datetime | None = None
) -> None:
    """Count one request of `rule` = (bucket, limit, seconds) for `value` (an address, a NIK);
    refuse it (429) when `limit` were counted in the last `seconds` already. A refused request
    is not counted."""
    bucket, limit, seconds = rule
    now = now or timezone.now()
    key = keyed(f"{bucket}:{value}")
    Hit.objects.filter(at__lt=now - datetime.timedelta(hours=KEEP_HOURS)).delete()
    recent = Hit.objects.filter(
        bucket=bucket, key=key, at__gte=now - datetime.timedelta(seconds=seconds)
    ).count()
    if recent >= limit:
        raise rate_limited()
    Hit.objects.create(bucket=bucket, key=key, at=now)


def _phone_of(person: Person) -> str:
    phones = {phone.kind: phone.number for phone in person.phones.all()}
    return next((phones[kind] for kind in PHONE_KINDS if kind in phones), "")


def _send_code(person: Person, code: str) -> bool:
    """Queue the code to the person's number on record; False when it cannot go (no number,
    no channel, an opted-out number): the caller then goes on as for an unknown NIK."""
    address = _phone_of(person)
    if not address:
        return False
    for channel in CODE_CHANNELS:
        if gateways.gateway_for(channel) is None:
            continue
        try:
            with transaction.atomic():
                notification_services.queue_message(
                    office=person.office,
                    channel=channel,
                    address=address,
                    template_code="portal_code",
                    parameters={"code": code, "minutes": str(CODE_MINUTES)},
                    person=person,
                )
        except DomainError:
            continue
        return True
    return False


def _matching_person(nik: str, birth_date: datetime.date) -> Person | None:
    person = (
        Person.objects.filter(nik=nik, merged_into__isnull=True, anonymised_at__isnull=True)
        .select_related("office")
        .prefetch_related("phones")
        .first()
    )
    # Compared here rather than in the query, so that both ways take the same path.
    if person is None or person.birth_date != birth_date:
        return None
    return person


@transaction.atomic
def start_identification(
    *, nik: str, birth_date: datetime.date, client: str, now: datetime.datetime | None = None
) -> Challenge:
    """A NIK and a date of birth were given from `client` (an address): a challenge whose token
    the browser keeps, and a code to the person's phone when they match someone who has one.
    Rate-limited per address and per NIK (429) before anything is looked up."""
    now = now or timezone.now()
    count_hit(rule=IDENTIFY_PER_IP, value=client, now=now)
    count_hit(rule=IDENTIFY_PER_NIK, value=nik, now=now)
    Challenge.objects.filter(created_at__lt=now - datetime.timedelta(hours=KEEP_HOURS)).delete()
    person = _matching_person(nik, birth_date)
    code = "".join(secrets.choice("0123456789") for _ in range(CODE_DIGITS))
    token = secrets.token_urlsafe(32)
    sent = person is not None and _send_code(person, code)
    return Challenge.objects.create(
        token=token,
        person=person if sent else None,
        # An unknown NIK gets the hash of a code nobody was sent (so both rows look alike).
        code_hash=keyed(f"{token}:{code}"),
        expires_at=now + datetime.timedelta(minutes=CODE_MINUTES),
    )


def code_refused() -> DomainError:
    return DomainError(
        "wrong_code",
        _("This code is not right, or it has expired. Check it, or start again for a new one."),
        status=422,
        details={"code": [_("This code is not right, or it has expired.")]},
    )


def verify_code(
    *, token: str, code: str, client: str, now: datetime.datetime | None = None
) -> Person:
    """The person behind the challenge, when `code` is its code, within its time and its
    tries, and not used before; the challenge is then used up. Anything else is one answer
    (422), a wrong code counted against the challenge."""
    now = now or timezone.now()
    count_hit(rule=CODE_PER_IP, value=client, now=now)
    with transaction.atomic():
        challenge = Challenge.objects.select_for_update().filter(token=token).first()
        if challenge is None:
            raise code_refused()
        is_right = hmac.compare_digest(challenge.code_hash, keyed(f"{token}:{code.strip()}"))
        person = challenge.person
        usable = (
            challenge.used_at is None
            and challenge.expires_at > now
            and challenge.failed_attempts < MAX_CODE_ATTEMPTS
        )
        if is_right and usable and person is not None:
            challenge.used_at = now
            challenge.save(update_fields=["used_at"])
            return person
        # Saved whatever the caller does with the refusal: the count must stay.
        challenge.failed_attempts += 1
        challenge.save(update_fields=["failed_attempts"])
    raise code_refused()


# --- Requests to the MRC ------------------------------------------------------------------------


def _send_receipt(office: Organisation, address: str) -> None:
    """The confirmation the person asked for: a neutral line (no MRC, nothing of what they
    wrote) to the number they gave; nothing when it cannot go."""
    for channel in CODE_CHANNELS:
        if gateways.gateway_for(channel) is None:
            continue
        try:
            with transaction.atomic():
                notification_services.queue_message(
                    office=office,
                    channel=channel,
                    address=address,
                    template_code="portal_received",
                    parameters={"office": office.name},
                )
        except DomainError:
            continue
        return


@transaction.atomic
def ask_for_help(
    *,
    office: Organisation,
    what_happened: str,
    reach: str,
    country: str,
    client: str,
    confirm_to: str = "",
) -> None:
    """A request for help to the office's MRC (a contact, `cases.portal_intake`), and the
    confirmation only when the person gave a number for it. Returns nothing: the portal
    shows nothing of the request back."""
    count_hit(rule=HELP_PER_IP, value=client)
    intake.receive_help_request(
        office=office, what_happened=what_happened, reach=reach, country=country
    )
    if confirm_to.strip():
        _send_receipt(office, confirm_to)


@transaction.atomic
def report_recruiter(
    *, office: Organisation, recruiter: str, details: str, reach: str, client: str
) -> None:
    """A report of a recruiter who is not a licensed agency, to the office's MRC."""
    count_hit(rule=REPORT_PER_IP, value=client)
    intake.receive_recruiter_report(
        office=office, recruiter=recruiter, details=details, reach=reach
    )


# --- Booking a visit ------------------------------------------------------------------------------


@transaction.atomic
def book_visit(
    *, person: Person, slot: VisitSlot, service: Service, day: datetime.date, client: str
) -> Booking:
    count_hit(rule=BOOK_PER_IP, value=client)
    return booking_services.book_visit(person=person, slot=slot, service=service, day=day)
