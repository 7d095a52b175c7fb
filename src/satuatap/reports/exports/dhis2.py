"""Indicator values in DHIS2's dataValueSets JSON, for a ministry that runs DHIS2.

    {"dataValues": [{"dataElement": "…", "period": "202601", "orgUnit": "…",
                     "categoryOptionCombo": "…", "value": "123"}, …]}

DHIS2 names everything with an 11-character id (a letter, then ten letters or digits). SatuAtap
derives its ids deterministically, so the same indicator, office and disaggregation always get
the same id, in every export and every deployment:

    uid(kind, key) = first character from [A-Za-z], ten more from [A-Za-z0-9], read off
                     SHA-256("satuatap:" + kind + ":" + key)

- **Data elements.** A report row becomes up to three data elements, because the selectors give
  the split by sex and the split by age band side by side (not crossed), and a DHIS2 data
  element has one category combination:
  `<code>` (the total, with DHIS2's default category option combo),
  `<code>#sex` (category "sex": women / men / not recorded) and
  `<code>#age` (category "age band"). A row of a dimension value (a destination, a desk…) adds
  `/<value>` to the code: `departures/HK#sex`. `uid("dataElement", key)`.
- **Organisation units.** An office is the org unit of its regency or city:
  `uid("orgUnit", <Kemendagri region code>)`, e.g. for 32.09.
- **Category option combos.** The total uses DHIS2's built-in default combo `HllvX50cXC0`;
  a sex is `uid("categoryOptionCombo", "sex:F")`, an age band
  `uid("categoryOptionCombo", "age:18-24")`.
- **Periods.** One value per calendar month: `YYYYMM`.

A deployment whose DHIS2 already has its own ids writes them into the tables below
(`DATA_ELEMENT_IDS`, `ORG_UNIT_IDS`, `CATEGORY_OPTION_COMBO_IDS`): an id there wins over the
derived one. `metadata()` lists every id an export can use, to create them in DHIS2.

What is never sent: a suppressed value (DHIS2 has no "<5"; it is simply left out, and so is a
complementary suppression), a value that does not exist (an average with nothing to average),
and a zero split by sex or age band (DHIS2 does not store zeros by default; the total is sent
even when it is zero, so the month reads as reported).
"""

from __future__ import annotations

import hashlib
import json
import string
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal

from satuatap.reports.results import Cell, IndicatorResult, Row

FIRST = string.ascii_letters  # 52
REST = string.ascii_letters + string.digits  # 62
DEFAULT_CATEGORY_OPTION_COMBO = "HllvX50cXC0"  # DHIS2's built-in "default"

# Edit these in a deployment whose DHIS2 has its own ids (see the module docstring).
DATA_ELEMENT_IDS: dict[str, str] = {}  # "departures/HK#sex" → "…"
ORG_UNIT_IDS: dict[str, str] = {}  # region code "32.09" → "…"
CATEGORY_OPTION_COMBO_IDS: dict[str, str] = {}  # "sex:F" / "age:18-24" → "…"


def uid(kind: str, key: str) -> str:
    """A DHIS2-shaped id ([A-Za-z][A-Za-z0-9]{10}) derived from `kind` and `key`."""
    number = int.from_bytes(hashlib.sha256(f"satuatap:{kind}:{key}".encode()).digest(), "big")
    number, first = divmod(number, len(FIRST))
    chars = [FIRST[first]]
    for _position in range(10):
        number, index = divmod(number, len(REST))
        chars.append(REST[index])
    return "".join(chars)


def data_element_key(code: str, dimension: str = "", split: str = "") -> str:
    key = f"{code}/{dimension}" if dimension else code
    return f"{key}#{split}" if split else key


def data_element_id(key: str) -> str:
    return DATA_ELEMENT_IDS.get(key) or uid("dataElement", key)


def org_unit_id(region_code: str) -> str:
    return ORG_UNIT_IDS.get(region_code) or uid("orgUnit", region_code)


def category_option_combo_id(key: str) -> str:
    if not key:
        return DEFAULT_CATEGORY_OPTION_COMBO
    return CATEGORY_OPTION_COMBO_IDS.get(key) or uid("categoryOptionCombo", key)


def period_id(date) -> str:
    return date.strftime("%Y%m")


def _text(value) -> str:
    if isinstance(value, Decimal):
        value = value.normalize()
        return format(value, "f")
    return str(value)


def _sendable(cell: Cell | None, *, keep_zero: bool) -> bool:
    if cell is None or cell.suppressed or cell.value is None:
        return False
    return keep_zero or cell.value != 0


def _row_values(row: Row, code: str) -> Iterator[tuple[str, str, object]]:
    """(data element key, category option combo key, value) of one row."""
    if _sendable(row.total, keep_zero=True):
        yield data_element_key(code, row.dimension), "", row.total.value
    for sex, cell in row.by_sex.items():
        if _sendable(cell, keep_zero=False):
            yield data_element_key(code, row.dimension, "sex"), f"sex:{sex}", cell.value
    for band, cell in row.by_age_band.items():
        if _sendable(cell, keep_zero=False):
            yield data_element_key(code, row.dimension, "age"), f"age:{band}", cell.value


def data_values(result: IndicatorResult, *, region_code: str) -> list[dict[str, str]]:
    """The data values of one office's result for one month."""
    period = period_id(result.date_from)
    org_unit = org_unit_id(region_code)
    rows = [row for row in result.rows if row.dimension] + [result.total]
    return [
        {
            "dataElement": data_element_id(element),
            "period": period,
            "orgUnit": org_unit,
            "categoryOptionCombo": category_option_combo_id(combo),
            "value": _text(value),
        }
        for row in rows
        for element, combo, value in _row_values(row, result.code)
    ]


def data_value_set(blocks: Iterable[tuple[str, Sequence[IndicatorResult]]]) -> dict:
    """{"dataValues": […]} of (office region code, its results for one month) blocks."""
    values: list[dict[str, str]] = []
    for region_code, results in blocks:
        for result in results:
            values.extend(data_values(result, region_code=region_code))
    return {"dataValues": values}


def data_value_set_json(blocks: Iterable[tuple[str, Sequence[IndicatorResult]]]) -> bytes:
    return json.dumps(data_value_set(blocks), ensure_ascii=False, indent=1).encode("utf-8")


def metadata(
    *,
    codes_with_dimensions: Iterable[tuple[str, Iterable[str]]],
    region_codes: Iterable[str],
    age_bands: Iterable[str] = (),
) -> dict[str, dict[str, str]]:
    """Every id an export of these indicators (code, its dimension values) and offices can use,
    key → id, to set up the matching data elements, org units and combos in DHIS2."""
    elements = {}
    for code, dimensions in codes_with_dimensions:
        for dimension in ["", *dimensions]:
            for split in ("", "sex", "age"):
                key = data_element_key(code, dimension, split)
                elements[key] = data_element_id(key)
    combos = {"": DEFAULT_CATEGORY_OPTION_COMBO}
    for key in [*(f"sex:{s}" for s in ("F", "M", "U")), *(f"age:{b}" for b in age_bands)]:
        combos[key] = category_option_combo_id(key)
    return {
        "dataElements": elements,
        "organisationUnits": {code: org_unit_id(code) for code in region_codes},
        "categoryOptionCombos": combos,
    }
