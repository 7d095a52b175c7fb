"""Which column of an uploaded register feeds which field of the registry: the fields, the
headings recognised for each (Indonesian and English), the proposed mapping and what is wrong
with a chosen one. Pure: nothing here reads or writes the database."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from satuatap.core.spreadsheets import match_key

# The fields a column can feed, in the order the mapping form shows them.
IMPORT_FIELDS: dict[str, Any] = {
    "full_name": gettext_lazy("Full name"),
    "nik": gettext_lazy("NIK"),
    "sex": gettext_lazy("Sex"),
    "birth_date": gettext_lazy("Date of birth"),
    "birth_place": gettext_lazy("Place of birth"),
    "phone": gettext_lazy("Phone numbers"),
    "village": gettext_lazy("Village code"),
    "address": gettext_lazy("Address"),
    "marital_status": gettext_lazy("Marital status"),
    "education": gettext_lazy("Education"),
}
REQUIRED_FIELDS = ("full_name", "sex")


# Headings (Indonesian and English) recognised for each field, compared by `match_key`.
HEADING_SYNONYMS: dict[str, tuple[str, ...]] = {
    "full_name": ("Nama", "Nama Lengkap", "Nama CPMI", "Nama PMI", "Name", "Full name"),
    "nik": ("NIK", "No KTP", "Nomor KTP", "KTP", "Nomor Induk Kependudukan", "ID number"),
    "sex": ("Jenis Kelamin", "JK", "L/P", "Kelamin", "Sex", "Gender"),
    "birth_date": ("Tanggal Lahir", "Tgl Lahir", "Tgl. Lhr", "Date of birth", "Birth date", "DOB"),
    "birth_place": ("Tempat Lahir", "Tmp Lahir", "Place of birth", "Birthplace"),
    "phone": (
        "No HP",
        "No. Telp",
        "Nomor HP",
        "Nomor Telepon",
        "Telepon",
        "Telp",
        "HP",
        "WhatsApp",
        "No WA",
        "WA",
        "Phone",
        "Phone number",
        "Mobile",
    ),
    "village": ("Kode Desa", "Desa", "Kode Desa/Kelurahan", "Kelurahan", "Village", "Village code"),
    "address": ("Alamat", "Alamat Lengkap", "Address"),
    "marital_status": ("Status Perkawinan", "Status Kawin", "Perkawinan", "Marital status"),
    "education": ("Pendidikan", "Pendidikan Terakhir", "Education"),
}
_HEADING_FIELD = {
    match_key(heading): name for name, hs in HEADING_SYNONYMS.items() for heading in hs
}


def propose_mapping(columns: Iterable[str]) -> dict[str, str]:
    """Field → heading for each heading recognised by its synonyms (first column wins)."""
    mapping: dict[str, str] = {}
    for column in columns:
        name = _HEADING_FIELD.get(match_key(column))
        if name and name not in mapping:
            mapping[name] = column
    return mapping


def mapping_problems(*, columns: list[str], mapping: dict[str, str]) -> dict[str, str]:
    """Field → what is wrong with its column: required fields, existing columns, each used once."""
    mapping = {name: column for name, column in mapping.items() if column}
    problems: dict[str, str] = {}
    for name in mapping:
        if name not in IMPORT_FIELDS:
            problems[name] = _("This is not a field that can be imported.")
    for name in REQUIRED_FIELDS:
        if name not in mapping:
            problems[name] = _("Choose the column that holds this field.")
    used: dict[str, str] = {}
    for name, column in mapping.items():
        if column not in columns:
            problems[name] = _("The file has no column with this heading.")
        elif column in used:
            problems[name] = _("This column is already used for “%(field)s”.") % {
                "field": IMPORT_FIELDS.get(used[column], used[column])
            }
        else:
            used[column] = name
    return problems
