"""A village's profile in numbers: people from the village by status, departures and returns per
year, outreach held there, focal points and village regulations, and cases (counts only).

Everything here is an aggregate: no name, no record id, nothing to click through to a person.
Which records are counted depends on who asks (`profile_office_ids`): office staff count their
own office's records about a village of their office's area; the national analyst and the
administrator count every office's. Case counts are always suppressed (a count of 1–4 is "<5",
with complementary cells, `reports.suppression`), for office staff too: the page is about a
village, where a small number points at a neighbour.

Two more rules (issue 16), for every role:
- a village with fewer registered people than `settings.VILLAGE_PROFILE_MIN_PEOPLE` (default
  10; counted in the viewer's scope) has no case figures at all: "1 woman registered" beside
  "gender-based violence <5" names her;
- restricted cases are never counted below the regency, so never here.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.utils.translation import gettext as _
from django_countries import countries

from satuatap.cases import facts as cases_facts
from satuatap.outreach import facts as outreach_facts
from satuatap.outreach import selectors as outreach_selectors
from satuatap.people import facts as people_facts
from satuatap.regions.models import Region, RegionLevel
from satuatap.reports import suppression
from satuatap.reports.results import Cell

SEXES = ("F", "M", "U")


def profile_office_ids(viewer, village: Region) -> list[int] | None:
    """The offices whose records the viewer's profile of `village` counts; None when the
    viewer may not see it (the view answers 404)."""
    if village.level != RegionLevel.VILLAGE:
        return None
    if viewer.has_perm("reports.view_national_reports"):
        from satuatap.reports.selectors import visible_report_offices

        return list(visible_report_offices(viewer).values_list("pk", flat=True))
    office = viewer.office
    if (
        office is None
        or office.region_id is None
        or not viewer.has_perm("reports.view_office_reports", office)
        or not village.code.startswith(office.region_id + ".")
    ):
        return None
    return [office.pk]


# --- people by status --------------------------------------------------------------------


@dataclass
class CountRow:
    """A line of a count table: a label, counts by sex and the total."""

    key: str
    label: str
    by_sex: dict[str, Cell] = field(default_factory=dict)
    total: Cell = Cell(0)


def _count_row(key: str, label: str, counts: dict[str, int]) -> CountRow:
    return CountRow(
        key=key,
        label=label,
        by_sex={sex: Cell(counts.get(sex, 0)) for sex in SEXES},
        total=Cell(sum(counts.get(sex, 0) for sex in SEXES)),
    )


@dataclass
class PeopleByStatus:
    rows: list[CountRow]  # prospective, abroad, returned, no step recorded
    total: CountRow
    abroad_by_country: list[CountRow]  # countries, most people first


def people_by_status(village_code: str, office_ids: Iterable[int]) -> PeopleByStatus:
    """People from the village by their current status (the latest step of their migration
    timeline), and those abroad by country. One query."""
    grouped = people_facts.status_counts(village_code, office_ids)
    by_status: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    by_country: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for item in grouped:
        status = item["current"] or ""
        by_status[status][item["sex"]] += item["n"]
        if status == people_facts.MigrationStatus.ABROAD:
            by_country[item["current_country"] or ""][item["sex"]] += item["n"]
    rows = [
        _count_row(status, str(label), by_status.get(status, {}))
        for status, label in people_facts.MigrationStatus.choices
    ]
    rows.append(_count_row("", _("No migration step recorded"), by_status.get("", {})))
    totals: dict[str, int] = defaultdict(int)
    for counts in by_status.values():
        for sex, n in counts.items():
            totals[sex] += n
    country_rows = [
        _count_row(code, countries.name(code) or _("Country not recorded"), counts)
        for code, counts in by_country.items()
    ]
    country_rows.sort(key=lambda row: (-(row.total.value or 0), row.label))
    return PeopleByStatus(
        rows=rows, total=_count_row("total", _("Total"), totals), abroad_by_country=country_rows
    )


# --- departures and returns per year -----------------------------------------------------


@dataclass
class YearRow:
    year: int
    departures: CountRow
    returns: CountRow


def movements_by_year(village_code: str, office_ids: Iterable[int]) -> list[YearRow]:
    """Departures and returns of people from the village per year, from their migration
    timelines (a departure recorded on a placement file writes the step "abroad" there, as does
    a return; steps recorded for past migrations count too).

    A departure is a step to "abroad" from any other status (a new employer or country while
    abroad is no new departure); a return is a step to "returned" from any other status."""
    # The whole timeline, in order: a step back to "prospective" ends a stay abroad, so a
    # departure after it counts again.
    steps = people_facts.status_steps(village_code, office_ids)
    departures: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    returns: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    previous: dict[int, str] = {}
    for person_id, status, day, sex in steps:
        if status == previous.get(person_id):
            continue
        previous[person_id] = status
        if status == people_facts.MigrationStatus.ABROAD:
            departures[day.year][sex] += 1
        elif status == people_facts.MigrationStatus.RETURNED:
            returns[day.year][sex] += 1
    years = sorted(set(departures) | set(returns))
    return [
        YearRow(
            year=year,
            departures=_count_row("departures", str(year), departures.get(year, {})),
            returns=_count_row("returns", str(year), returns.get(year, {})),
        )
        for year in years
    ]


# --- cases -------------------------------------------------------------------------------


@dataclass
class CaseCounts:
    by_category: list[tuple[str, str, Cell]]  # (code, label, cell)
    open: Cell
    closed: Cell
    total: Cell


def case_counts(
    village_code: str,
    office_ids: Iterable[int],
    *,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
) -> CaseCounts:
    """Cases whose person affected is from the village (restricted ones left out), by category
    (a case in two categories counts in both) and open/closed, suppressed: 1–4 is "<5", and a
    complementary cell is hidden wherever a hidden one could be worked out (total = open +
    closed)."""
    totals, per_category = cases_facts.village_case_counts(
        village_code, office_ids, date_from=date_from, date_to=date_to
    )
    values: dict = {
        ("category", code): per_category.get(code, 0) for code in cases_facts.Category.values
    }
    values["total"] = totals["total"]
    values["closed"] = totals["closed"]
    values["open"] = totals["total"] - totals["closed"]
    # Categories overlap (no equation); the total is open + closed.
    hidden = suppression.suppress(values, equations=[("total", ("open", "closed"))])

    def cell(key) -> Cell:
        if key in hidden:
            return Cell(None, suppressed=True, reason=hidden[key])
        return Cell(values[key])

    return CaseCounts(
        by_category=[
            (code, str(label), cell(("category", code)))
            for code, label in cases_facts.Category.choices
        ],
        open=cell("open"),
        closed=cell("closed"),
        total=cell("total"),
    )


# --- the whole profile -------------------------------------------------------------------


@dataclass
class OutreachSummary:
    events: list  # OutreachEvent with totals (women, men, sex_not_recorded, total)
    event_count: int
    people_reached: dict[str, int]  # F, M, U, total
    focal_point_roles: list[tuple[str, datetime.date]]  # (role in the village, since): no names
    regulations: list  # VillageRegulation: number, date, title (public documents)


def outreach_summary(village_code: str, office_ids: Iterable[int]) -> OutreachSummary:
    office_ids = list(office_ids)
    events = outreach_selectors.events_in_village(village_code, office_ids=office_ids)
    event_list = list(events[:50])
    reached = outreach_selectors.counts_by_sex(events)
    points = outreach_selectors.focal_points_of(
        village_code, office_ids=office_ids, active_only=True
    )
    return OutreachSummary(
        events=event_list,
        event_count=events.count(),
        people_reached={
            "F": reached["F"],
            "M": reached["M"],
            "U": reached["U"],
            "total": reached["total"],
        },
        focal_point_roles=[(p.role or _("Focal point"), p.since) for p in points],
        regulations=list(outreach_selectors.regulations_of(village_code, office_ids=office_ids)),
    )


@dataclass
class VillageProfile:
    village: Region
    path: list[Region]  # province, regency, district, village
    office_ids: list[int]
    people: PeopleByStatus
    years: list[YearRow]
    outreach: OutreachSummary
    cases: CaseCounts | None  # None: too few people registered from the village to show any
    min_people: int  # the fewest registered people a village needs for case figures


def min_people_for_cases() -> int:
    """`settings.VILLAGE_PROFILE_MIN_PEOPLE`: below it a village profile shows no case figure."""
    return int(getattr(settings, "VILLAGE_PROFILE_MIN_PEOPLE", 10))


def village_profile(village: Region, office_ids: list[int]) -> VillageProfile:
    from satuatap.regions.selectors import region_path

    people = people_by_status(village.code, office_ids)
    min_people = min_people_for_cases()
    # In a small village a registry count ("1 woman, returned in 2026") next to any case
    # count, even "<5", points at one person: no case figure at all below the threshold. The
    # cases are not even read, so nothing on the page (chart, table, caption) can depend on them.
    shows_cases = (people.total.total.value or 0) >= min_people
    return VillageProfile(
        village=village,
        path=region_path(village.code),
        office_ids=office_ids,
        people=people,
        years=movements_by_year(village.code, office_ids),
        outreach=outreach_summary(village.code, office_ids),
        cases=case_counts(village.code, office_ids) if shows_cases else None,
        min_people=min_people,
    )


# --- villages with something to show ------------------------------------------------------


def villages_with_records(
    office_ids: Iterable[int], *, area_code: str, q: str = ""
) -> QuerySet[Region]:
    """Villages of an area (a regency's code) with people from them in the registry or outreach
    held there, with `people_count`, `abroad_count` and `event_count`."""
    office_ids = list(office_ids)
    people = people_facts.active_people(office_ids)
    events = outreach_facts.events_of_offices(office_ids)

    def count_of(queryset) -> Subquery:
        return Subquery(
            queryset.filter(village_id=OuterRef("code"))
            .order_by()
            .values("village_id")
            .annotate(n=Count("pk"))
            .values("n")[:1]
        )

    villages = Region.objects.filter(level=RegionLevel.VILLAGE, code__startswith=area_code + ".")
    if q.strip():
        villages = villages.filter(name__icontains=q.strip())
    with_records = Q(code__in=people.values("village_id")) | Q(code__in=events.values("village_id"))
    abroad = people_facts.abroad(people)
    return (
        villages.filter(with_records)
        .annotate(
            people_count=count_of(people),
            abroad_count=count_of(abroad),
            event_count=count_of(events),
        )
        .select_related("parent")
        .order_by("parent__name", "name", "code")
    )
