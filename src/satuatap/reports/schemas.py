from __future__ import annotations

from datetime import date

from ninja import Field, Schema


class IndicatorOut(Schema):
    code: str
    name_id: str
    name_en: str
    definition_id: str
    definition_en: str
    unit: str
    group: str
    dimension: str
    is_person_count: bool
    by_sex_and_age: bool = Field(description="rows carry by_sex and by_age_band cells")
    case_related: bool = Field(description="small counts are suppressed outside the office")
    filters: list[str] = Field(description="the filters that act on it (scheme, destination)")
    source: str


class ReportQuery(Schema):
    office: str | None = Field(
        None,
        description=(
            "office id or short name; omitted: your own office, or (national analyst) every "
            "office summed"
        ),
    )
    date_from: date | None = Field(
        None, alias="from", description="first day (default: 1st of this month)"
    )
    date_to: date | None = Field(None, alias="to", description="last day (default: today)")
    indicator: str | None = Field(
        None, description="indicator codes, separated by commas (default: all)"
    )
    sex: str | None = Field(None, description="F, M or U")
    scheme: str | None = Field(None, description="placement tables only")
    destination: str | None = Field(None, description="ISO country code; placement tables only")


class CellOut(Schema):
    value: int | float | None
    suppressed: bool = False
    display: str
    reason: str | None = Field(
        None, description='"small" (1–4), "complementary" or "unreleased" (month not over yet)'
    )


class RowOut(Schema):
    dimension: str
    label: str
    total: CellOut
    by_sex: dict[str, CellOut]
    by_age_band: dict[str, CellOut]


class IndicatorValuesOut(Schema):
    code: str
    name: str
    unit: str
    group: str
    dimension: str
    case_related: bool
    suppressed_cells: int
    date_from: date = Field(
        alias="from",
        description="first day the table covers (outside the office, a case-related table "
        "covers whole months that are over)",
    )
    date_to: date = Field(alias="to", description="last day the table covers")
    total: RowOut
    rows: list[RowOut]


class OfficeRefOut(Schema):
    id: int
    slug: str
    name: str


class ReportOut(Schema):
    office: OfficeRefOut | None = Field(description="null for the national roll-up")
    office_ids: list[int]
    date_from: date = Field(alias="from")
    date_to: date = Field(alias="to")
    suppression: bool = Field(description="small case-related counts are suppressed")
    sex: str | None
    scheme: str | None
    destination: str | None
    indicators: list[IndicatorValuesOut]
