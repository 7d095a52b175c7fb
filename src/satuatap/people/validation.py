"""Checks on person data from outside the forms (API, imports): NIK, phones, village."""

from __future__ import annotations

import datetime

from django.utils.translation import gettext as _

from satuatap.core.exceptions import DomainError
from satuatap.people.nik import check_nik
from satuatap.people.phones import PhoneError, normalise_phone
from satuatap.regions.models import Region, RegionLevel


def clean_person_input(
    *,
    nik: str | None,
    sex: str | None,
    birth_date: datetime.date | None,
    phones: list[str] | None,
    village_code: str | None,
    confirm_nik_warnings: bool,
) -> dict:
    """Return the cleaned values, or raise one DomainError listing every problem by field."""
    errors: dict[str, list[str]] = {}
    cleaned: dict = {}
    warnings: list[str] = []
    if nik is not None:
        if nik.strip():
            check = check_nik(nik, sex=sex, birth_date=birth_date)
            to_confirm = check.warnings_to_confirm
            if check.errors:
                errors["nik"] = [issue.message for issue in check.errors]
            elif to_confirm and not confirm_nik_warnings:
                errors["nik"] = [issue.message for issue in to_confirm] + [
                    _("Check the NIK, then send confirm_nik_warnings: true.")
                ]
            cleaned["nik"] = check.nik
            warnings = [issue.code for issue in to_confirm]
        else:
            cleaned["nik"] = None
    cleaned["confirmed_nik_warnings"] = warnings
    if birth_date is not None and birth_date > datetime.date.today():
        errors.setdefault("birth_date", []).append(_("The date of birth is in the future."))
    if phones is not None:
        numbers = []
        for raw in phones:
            try:
                numbers.append(normalise_phone(raw))
            except PhoneError as error:
                errors.setdefault("phones", []).append(f"{raw}: {error.message}")
        cleaned["phones"] = list(dict.fromkeys(numbers))
    if village_code is not None:
        village = Region.objects.filter(code=village_code, level=RegionLevel.VILLAGE).first()
        if village_code and village is None:
            errors["village_code"] = [_("No village has this code.")]
        cleaned["village"] = village
    if errors:
        raise DomainError(
            "invalid_input", _("Some fields are not valid."), status=422, details=errors
        )
    return cleaned
