"""Reading a register import's stored file and turning each row into `register_person`
arguments, with every problem of the row (nothing here writes)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

from django.utils.translation import gettext as _

from satuatap.core.spreadsheets import (
    XLSX,
    cell_text,
    is_blank,
    match_key,
    parse_date,
    read_table,
)
from satuatap.people.models import Education, ImportJob, MaritalStatus, Sex
from satuatap.people.nik import check_nik
from satuatap.people.phones import PhoneError, normalise_phone
from satuatap.regions.models import Region, RegionLevel

_SEX_VALUES = {
    **dict.fromkeys(("p", "perempuan", "w", "wanita", "f", "female", "woman"), Sex.FEMALE),
    **dict.fromkeys(("l", "lakilaki", "laki", "pria", "m", "male", "man"), Sex.MALE),
}
_MARITAL_VALUES = {
    **dict.fromkeys(("belumkawin", "belummenikah", "lajang", "single"), MaritalStatus.SINGLE),
    **dict.fromkeys(("kawin", "menikah", "married"), MaritalStatus.MARRIED),
    **dict.fromkeys(("ceraihidup", "cerai", "divorced"), MaritalStatus.DIVORCED),
    **dict.fromkeys(("ceraimati", "widowed"), MaritalStatus.WIDOWED),
}
_EDUCATION_VALUES = {
    **dict.fromkeys(("tidaksekolah", "tidakbersekolah", "belumsekolah", "none"), Education.NONE),
    **dict.fromkeys(("sd", "mi", "sederajat", "tamatsd"), Education.SD),
    **dict.fromkeys(("smp", "mts", "sltp"), Education.SMP),
    **dict.fromkeys(("sma", "smk", "ma", "slta"), Education.SMA),
    **dict.fromkeys(("d1", "d2", "d3", "d4", "diploma"), Education.DIPLOMA),
    **dict.fromkeys(("s1", "sarjana"), Education.BACHELOR),
    **dict.fromkeys(("s2", "s3"), Education.POSTGRADUATE),
}
_VILLAGE_CODE = re.compile(r"^\d{2}\.\d{2}\.\d{2}\.\d{4}$")
_PHONE_SEPARATORS = re.compile(r"[/,]")


def read_job_file(job: ImportJob) -> tuple[list[str], Iterator[tuple[int, list[Any]]]]:
    """(headings, iterator of (spreadsheet row number, values)) skipping blank rows."""
    with job.file.open("rb") as stored:
        data = stored.read()
    return read_table(data, PurePath(job.file.name).suffix.lower())


@dataclass
class RowResult:
    row: int
    values: dict[str, Any] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


class RowReader:
    """Turns one spreadsheet row into `register_person` arguments, collecting every problem."""

    def __init__(self, job: ImportJob, columns: list[str]):
        self.is_excel = PurePath(job.file.name).suffix.lower() == XLSX
        self.indexes = {name: columns.index(column) for name, column in job.mapping.items()}
        self.today = job.office.today()
        self.villages: dict[str, Region | None] = {}

    def value(self, row: list[Any], name: str) -> Any:
        index = self.indexes.get(name)
        return row[index] if index is not None and index < len(row) else None

    def prefetch_villages(self, rows: list[tuple[int, list[Any]]]) -> None:
        read = {_village_code(cell_text(self.value(row, "village"))) for _, row in rows}
        codes = {code for code in read if code and code not in self.villages}
        found = Region.objects.filter(pk__in=codes, level=RegionLevel.VILLAGE).in_bulk()
        for code in codes:
            self.villages[code] = found.get(code)

    def read(self, number: int, row: list[Any]) -> RowResult:
        result = RowResult(row=number)
        values = result.values
        errors = result.errors

        values["full_name"] = cell_text(self.value(row, "full_name"))
        if not values["full_name"]:
            errors.append(_("The name is missing."))

        raw_sex = cell_text(self.value(row, "sex"))
        values["sex"] = _SEX_VALUES.get(match_key(raw_sex))
        if not raw_sex:
            errors.append(_("The sex is missing."))
        elif values["sex"] is None:
            errors.append(_("The sex must be L (laki-laki) or P (perempuan)."))

        raw_date = self.value(row, "birth_date")
        values["birth_date"] = None
        if not is_blank(raw_date):
            try:
                birth_date = parse_date(raw_date, is_excel=self.is_excel)
            except (ValueError, OverflowError, TypeError):
                errors.append(
                    _(
                        "The date of birth is not a real date "
                        "(write it as DD/MM/YYYY, for example 14/03/1995)."
                    )
                )
            else:
                if birth_date > self.today:
                    errors.append(_("The date of birth is in the future."))
                elif birth_date.year < 1900:
                    errors.append(_("The date of birth is before 1900."))
                else:
                    values["birth_date"] = birth_date

        raw_nik = self.value(row, "nik")
        values["nik"] = None
        if not is_blank(raw_nik):
            if isinstance(raw_nik, int | float) and not isinstance(raw_nik, bool):
                result.warnings.append(
                    _(
                        "The NIK is stored as a number: Excel keeps only 15 digits, so check "
                        "its last digit and format the column as text."
                    )
                )
            check = check_nik(
                cell_text(raw_nik),
                sex=values["sex"],
                birth_date=values["birth_date"],
                today=self.today,
            )
            errors.extend(str(issue.message) for issue in check.errors)
            result.warnings.extend(str(issue.message) for issue in check.warnings)
            if check.is_valid:
                values["nik"] = check.nik

        phones: list[str] = []
        for part in _PHONE_SEPARATORS.split(cell_text(self.value(row, "phone"))):
            if not part.strip():
                continue
            try:
                phone = normalise_phone(part.strip())
            except PhoneError as error:
                errors.append(str(error.message))
            else:
                if phone not in phones:
                    phones.append(phone)
        values["phones"] = phones

        raw_village = cell_text(self.value(row, "village"))
        values["village"] = None
        if raw_village:
            code = _village_code(raw_village)
            if code is None:
                errors.append(
                    _(
                        "The village must be its Kemendagri code, for example "
                        "32.09.01.2008 or 3209012008."
                    )
                )
            else:
                if code not in self.villages:
                    self.prefetch_villages([(number, row)])
                values["village"] = self.villages[code]
                if values["village"] is None:
                    errors.append(_("No village has the code %(code)s.") % {"code": code})

        values["birth_place"] = cell_text(self.value(row, "birth_place"))[:120]
        values["address"] = cell_text(self.value(row, "address"))[:255]
        values["full_name"] = values["full_name"][:200]

        for name, choices, message in (
            (
                "marital_status",
                _MARITAL_VALUES,
                _("The marital status must be Belum kawin, Kawin, Cerai hidup or Cerai mati."),
            ),
            (
                "education",
                _EDUCATION_VALUES,
                _("The education must be one of SD, SMP, SMA, SMK, D1–D4, S1, S2 or S3."),
            ),
        ):
            raw = cell_text(self.value(row, name))
            values[name] = choices.get(match_key(raw), "") if raw else ""
            if raw and not values[name]:
                errors.append(message)
        return result


def _village_code(text: str) -> str | None:
    text = text.strip()
    if re.fullmatch(r"\d{10}", text):
        return f"{text[:2]}.{text[2:4]}.{text[4:6]}.{text[6:]}"
    return text if _VILLAGE_CODE.match(text) else None
