"""Writes of an office's service catalogue, by its head (or a trusted command)."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from satuatap.core.exceptions import DomainError
from satuatap.core.limits import MAX_SMALLINT
from satuatap.core.models import Desk, Organisation, User
from satuatap.frontdesk.catalogue import DEFAULT_SERVICES, MAX_TARGET_MINUTES, MIN_TARGET_MINUTES
from satuatap.frontdesk.models import Service


def _require_head(by: User | None, office: Organisation) -> None:
    if by is None or not by.has_perm("frontdesk.configure_services", office):
        raise DomainError(
            "forbidden", _("You may not configure this office's services."), status=403
        )


def install_default_services(*, office: Organisation, by: User | None = None) -> list[Service]:
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
    by: User,
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


def set_service_active(*, service: Service, by: User, is_active: bool) -> Service:
    """Withdraw a service from check-in (or offer it again); its tickets keep it."""
    _require_head(by, service.office)
    if service.is_active != is_active:
        service.is_active = is_active
        service.save(update_fields=["is_active"])
    return service
