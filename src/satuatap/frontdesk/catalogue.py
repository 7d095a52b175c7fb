"""The service catalogue of an office: which services each desk offers, with a target time.

The office head configures it in the UI; `DEFAULT_SERVICES` is a starting point per desk type
(codes from core/migrations/0002_default_desk_types.py) that `install_default_services` copies
into an office. Every write here checks `frontdesk.configure_services` for the office.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from satuatap.core.exceptions import DomainError
from satuatap.core.limits import MAX_SMALLINT
from satuatap.core.models import Desk, Organisation
from satuatap.frontdesk.models import Service

MIN_TARGET_MINUTES = 1
MAX_TARGET_MINUTES = 480  # one working day


@dataclass(frozen=True)
class DefaultService:
    name_id: str
    name_en: str
    target_minutes: int
    allows_anonymous: bool = False


DEFAULT_SERVICES: dict[str, tuple[DefaultService, ...]] = {
    "ketenagakerjaan": (
        DefaultService("Pendaftaran CPMI", "CPMI registration", 20),
        DefaultService("Rekomendasi paspor", "Passport recommendation", 15),
    ),
    "pengaduan-informasi": (
        DefaultService(
            "Informasi migrasi aman", "Safe-migration information", 10, allows_anonymous=True
        ),
        DefaultService("Konseling", "Counselling", 30),
        DefaultService("Pengaduan", "Complaint", 30),
    ),
    "kependudukan": (DefaultService("Pemeriksaan KTP/KK", "ID card and family card check", 10),),
    "kesehatan": (
        DefaultService("Rujukan pemeriksaan kesehatan", "Medical check-up referral", 15),
    ),
    "keimigrasian": (DefaultService("Permohonan paspor", "Passport application", 30),),
    "kepolisian": (DefaultService("SKCK", "Police certificate (SKCK)", 20),),
    "perbankan": (DefaultService("Pembukaan rekening", "Bank account opening", 20),),
    "jaminan-sosial": (
        DefaultService("Pendaftaran BPJS Ketenagakerjaan", "BPJS Ketenagakerjaan enrolment", 15),
    ),
    "bp3mi": (
        DefaultService("Verifikasi dokumen akhir", "Final document verification", 20),
        DefaultService(
            "Informasi lowongan resmi",
            "Official job vacancy information",
            10,
            allows_anonymous=True,
        ),
    ),
}


def _require_head(by, office: Organisation) -> None:
    if by is None or not by.has_perm("frontdesk.configure_services", office):
        raise DomainError(
            "forbidden", _("You may not configure this office's services."), status=403
        )


def catalogue_services(office: Organisation) -> QuerySet[Service]:
    """Every service of the office, inactive ones included, in catalogue order."""
    return Service.objects.filter(office=office).select_related("desk__desk_type")


def catalogue_by_desk(office: Organisation) -> list[tuple[Desk, list[Service]]]:
    """The office's desks (active ones, and inactive ones that still have services), each with
    its services. Two queries."""
    services = list(catalogue_services(office))
    grouped: dict[int, list[Service]] = {}
    for service in services:
        grouped.setdefault(service.desk_id, []).append(service)
    desks = Desk.objects.filter(office=office).select_related("desk_type")
    return [
        (desk, grouped.get(desk.pk, []))
        for desk in sorted(desks, key=lambda d: (d.desk_type.order, d.pk))
        if desk.is_active or desk.pk in grouped
    ]


def install_default_services(*, office: Organisation, by=None) -> list[Service]:
    """Give each active desk of the office that has no service yet the default services of its
    desk type. Running it again creates nothing. `by` (when given) must be the office head;
    without it (a command or a migration) it is trusted."""
    if by is not None:
        _require_head(by, office)
    created: list[Service] = []
    with transaction.atomic():
        desks = (
            Desk.objects.filter(office=office, is_active=True, services__isnull=True)
            .select_related("desk_type")
            .distinct()
        )
        for desk in desks:
            for order, default in enumerate(DEFAULT_SERVICES.get(desk.desk_type.code, ())):
                created.append(
                    Service.objects.create(
                        office=office,
                        desk=desk,
                        name_id=default.name_id,
                        name_en=default.name_en,
                        target_minutes=default.target_minutes,
                        allows_anonymous=default.allows_anonymous,
                        order=order * 10,
                    )
                )
    return created


def save_service(
    *,
    office: Organisation,
    by,
    desk: Desk,
    name_id: str,
    name_en: str = "",
    target_minutes: int,
    allows_anonymous: bool = False,
    is_active: bool = True,
    order: int = 0,
    service: Service | None = None,
) -> Service:
    """Add a service to a desk of the office, or change `service`. Errors name their field
    in `DomainError.details`, so a form can show each beside its box."""
    _require_head(by, office)
    if service is not None and service.office_id != office.pk:
        raise DomainError("not_found", _("No such service."), status=404)
    name_id = (name_id or "").strip()
    name_en = (name_en or "").strip()
    errors: dict[str, str] = {}
    if desk is None or desk.office_id != office.pk:
        errors["desk"] = _("Choose a desk of this office.")
    elif not desk.is_active and (service is None or service.desk_id != desk.pk):
        errors["desk"] = _("This desk is closed: open it in the office's desks first.")
    if not name_id:
        errors["name_id"] = _("Give the service a name in Indonesian.")
    elif "desk" not in errors:
        taken = Service.objects.filter(desk=desk, name_id__iexact=name_id)
        if service is not None:
            taken = taken.exclude(pk=service.pk)
        if taken.exists():
            errors["name_id"] = _("This desk already has a service with this name.")
    if (
        target_minutes is None
        or isinstance(target_minutes, bool)
        or not MIN_TARGET_MINUTES <= int(target_minutes) <= MAX_TARGET_MINUTES
    ):
        errors["target_minutes"] = _(
            "The target service time is between %(low)d and %(high)d minutes."
        ) % {"low": MIN_TARGET_MINUTES, "high": MAX_TARGET_MINUTES}
    if order is None or not 0 <= int(order) <= MAX_SMALLINT:
        errors["order"] = _("The order is a number from 0 to %(high)d.") % {"high": MAX_SMALLINT}
    if errors:
        raise DomainError("invalid_service", _("The service is not valid."), details=errors)
    with transaction.atomic():
        service = service or Service(office=office)
        service.desk = desk
        service.name_id = name_id
        service.name_en = name_en
        service.target_minutes = int(target_minutes)
        service.allows_anonymous = bool(allows_anonymous)
        service.is_active = bool(is_active)
        service.order = int(order)
        service.save()
    return service


def set_service_active(*, service: Service, by, is_active: bool) -> Service:
    """Withdraw a service from check-in (or offer it again); its tickets keep it."""
    _require_head(by, service.office)
    if service.is_active != is_active:
        service.is_active = is_active
        service.save(update_fields=["is_active"])
    return service
