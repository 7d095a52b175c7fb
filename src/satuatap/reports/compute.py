"""Roll-up rows computed from the raw records, for one office and a range of days.

Each `compute_*` function reads one source with one query (two or three where a record's
parts live in their own table) for the whole range and adds to an `Accumulator`: the rebuild
does a month per call, the incremental update a few days. Nothing here writes; `services/rollups.py`
replaces the office-days with what these functions return.

A person count is split by sex (F, M, U) and age band: from the person's registry record when
the record names one (age on the day of the event), else from the sex and age band the officer
entered for an anonymous visitor or an unnamed contact.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import TypedDict, overload

from satuatap.cases import facts as cases_facts
from satuatap.core.models import Organisation
from satuatap.frontdesk import facts as frontdesk_facts
from satuatap.outreach import facts as outreach_facts
from satuatap.people import facts as people_facts
from satuatap.placement import facts as placement_facts
from satuatap.reports.indicators import AGE_BANDS

UNKNOWN_BAND = "unknown"
UNKNOWN = "unknown"  # a dimension value not recorded (a file without a sector)

# The front desk's anonymous visitors have the report's bands (frontdesk.AgeBand); visits
# recorded before had 25–34, 35–44 and 45–59. 35–44 spans two report bands, so it counts as
# unknown.
VISIT_AGE_BANDS = {
    **{band: band for band in AGE_BANDS},
    "25-34": "25-39",
    "35-44": UNKNOWN_BAND,
    "45-59": "40-59",
    "": UNKNOWN_BAND,
}


def age_band(birth_date: datetime.date | None, day: datetime.date) -> str:
    """The report's age band of someone born on `birth_date`, on `day`."""
    if birth_date is None:
        return UNKNOWN_BAND
    age = day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))
    if age < 0:
        return UNKNOWN_BAND
    if age < 18:
        return "0-17"
    if age < 25:
        return "18-24"
    if age < 40:
        return "25-39"
    if age < 60:
        return "40-59"
    return "60+"


def _band(code: str | None) -> str:
    return code if code in AGE_BANDS else UNKNOWN_BAND


def _sex(code: str | None) -> str:
    return code if code in ("F", "M", "U") else "U"


def person_cell(
    day: datetime.date,
    person_sex: str | None,
    person_birth: datetime.date | None,
    has_person: bool,
    own_sex: str | None = None,
    own_band: str | None = None,
) -> tuple[str, str]:
    """(sex, age band) of a record: its person's, else what was entered on the record."""
    if has_person:
        return _sex(person_sex), age_band(person_birth, day)
    return _sex(own_sex), _band(own_band)


class _PersonCell(TypedDict):
    """Keyword arguments of `Accumulator.add` passed on as `**cell`."""

    sex: str
    age_band: str


class _DeskCell(_PersonCell):
    dimension: str


class _PlacementCell(TypedDict):
    scheme: str
    destination: str
    sex: str


class Accumulator:
    """Sums of roll-up cells: (day, series, dimension, scheme, destination, sex, age band)."""

    def __init__(self) -> None:
        self.cells: dict[tuple, list[int]] = defaultdict(lambda: [0, 0])

    def add(
        self,
        day: datetime.date,
        series: str,
        *,
        dimension: str = "",
        scheme: str = "",
        destination: str = "",
        sex: str = "",
        age_band: str = "",
        value: int = 1,
        weight: int | None = None,
    ) -> None:
        cell = self.cells[(day, series, dimension, scheme, destination, sex, age_band)]
        cell[0] += value
        cell[1] += value if weight is None else weight

    def items(self) -> Iterable[tuple[tuple, int, int]]:
        for key, (value, weight) in self.cells.items():
            if value or weight:
                yield key, value, weight


# --- Time ----------------------------------------------------------------------------------


def day_bounds(
    office: Organisation, date_from: datetime.date, date_to: datetime.date
) -> tuple[datetime.datetime, datetime.datetime]:
    """The instants that start `date_from` and end `date_to` (exclusive) in office time."""
    zone = office.zone
    start = datetime.datetime.combine(date_from, datetime.time.min, tzinfo=zone)
    end = datetime.datetime.combine(
        date_to + datetime.timedelta(days=1), datetime.time.min, tzinfo=zone
    )
    return start, end


@overload
def local_day(moment: datetime.datetime, zone) -> datetime.date: ...
@overload
def local_day(moment: None, zone) -> None: ...
@overload
def local_day(moment: datetime.datetime | None, zone) -> datetime.date | None: ...
def local_day(moment: datetime.datetime | None, zone) -> datetime.date | None:
    return None if moment is None else moment.astimezone(zone).date()


def _seconds(start, end) -> int | None:
    if start is None or end is None:
        return None
    return max(0, round((end - start).total_seconds()))


# --- Front desk ------------------------------------------------------------------------------


def compute_frontdesk(office, date_from, date_to, acc: Accumulator) -> None:
    """visitors, services_served, waiting_time, service_time: one query on the tickets."""
    rows = frontdesk_facts.ticket_rows(office, date_from, date_to)
    visits: dict[int, tuple] = {}
    visit_desks: dict[int, set[str]] = defaultdict(set)
    for (
        visit_id,
        day,
        desk,
        status,
        issued_at,
        called_at,
        served_at,
        finished_at,
        person_id,
        person_sex,
        person_birth,
        visit_sex,
        visit_band,
    ) in rows:
        sex, band = person_cell(
            day,
            person_sex,
            person_birth,
            person_id is not None,
            visit_sex,
            VISIT_AGE_BANDS.get(visit_band or "", UNKNOWN_BAND),
        )
        visits[visit_id] = (day, sex, band)
        visit_desks[visit_id].add(desk)
        if status != frontdesk_facts.TicketStatus.SERVED:
            continue
        cell: _DeskCell = {"dimension": desk, "sex": sex, "age_band": band}
        acc.add(day, "services_served", **cell)
        wait = _seconds(issued_at, called_at)
        if wait is not None:
            acc.add(day, "waiting_time", value=wait, weight=1, **cell)
        service = _seconds(served_at or called_at, finished_at)
        if service is not None:
            acc.add(day, "service_time", value=service, weight=1, **cell)
    for visit_id, (day, sex, band) in visits.items():
        acc.add(day, "visitors", sex=sex, age_band=band)
        for desk in visit_desks[visit_id]:
            acc.add(day, "visitors", dimension=desk, sex=sex, age_band=band)


def compute_surveys(office, date_from, date_to, acc: Accumulator) -> None:
    """ikm (per element: Σ answers, answers given) and ikm_respondents."""
    answer_fields = frontdesk_facts.ANSWER_FIELDS
    rows = frontdesk_facts.survey_rows(office, date_from, date_to)
    for day, person_id, person_sex, person_birth, visit_sex, visit_band, *answers in rows:
        sex, band = person_cell(
            day,
            person_sex,
            person_birth,
            person_id is not None,
            visit_sex,
            VISIT_AGE_BANDS.get(visit_band or "", UNKNOWN_BAND),
        )
        acc.add(day, "ikm_respondents", sex=sex, age_band=band)
        for element, answer in zip(answer_fields, answers, strict=True):
            if answer is not None:
                acc.add(
                    day, "ikm", dimension=element, sex=sex, age_band=band, value=answer, weight=1
                )


# --- Registry --------------------------------------------------------------------------------


def compute_registrations(office, date_from, date_to, acc: Accumulator) -> None:
    start, end = day_bounds(office, date_from, date_to)
    rows = people_facts.registration_rows(office, start, end)
    zone = office.zone
    for created_at, sex, birth_date in rows:
        day = local_day(created_at, zone)
        acc.add(day, "registrations", sex=_sex(sex), age_band=age_band(birth_date, day))


# --- Placement and training ------------------------------------------------------------------


def compute_placement(office, date_from, date_to, acc: Accumulator) -> None:
    """departures (dimension: sector) and returns (dimension: reason), with scheme and
    destination on every row for the filters."""
    rows = placement_facts.file_rows(office, date_from, date_to)
    for (
        departed,
        returned,
        reason,
        scheme,
        country,
        job_country,
        sector,
        job_sector,
        sex,
        birth_date,
    ) in rows:
        destination = str(country or job_country or "") or UNKNOWN
        common: _PlacementCell = {
            "scheme": scheme or UNKNOWN,
            "destination": destination,
            "sex": _sex(sex),
        }
        if departed is not None and date_from <= departed <= date_to:
            acc.add(
                departed,
                "departures",
                dimension=sector or job_sector or UNKNOWN,
                age_band=age_band(birth_date, departed),
                **common,
            )
        if returned is not None and date_from <= returned <= date_to:
            acc.add(
                returned,
                "returns",
                dimension=reason or UNKNOWN,
                age_band=age_band(birth_date, returned),
                **common,
            )


def compute_training(office, date_from, date_to, acc: Accumulator) -> None:
    rows = placement_facts.trained_rows(office, date_from, date_to)
    for day, kind, sex, birth_date in rows:
        acc.add(
            day, "people_trained", dimension=kind, sex=_sex(sex), age_band=age_band(birth_date, day)
        )


# --- MRC -------------------------------------------------------------------------------------

CONTACT_SERIES = {"information": "information_contacts", "counselling": "counselling_contacts"}


def compute_contacts(office, date_from, date_to, acc: Accumulator) -> None:
    """People reached: an individual contact is one person; a group contact its counts by sex
    and age band (or, when it has none, its named participants)."""
    rows = cases_facts.contact_rows(office, date_from, date_to)
    counts: dict[int, list[tuple[str, str, int]]] = defaultdict(list)
    for contact_id, sex, band, count in cases_facts.group_count_rows(office, date_from, date_to):
        counts[contact_id].append((sex, band, count))
    named: dict[int, list[tuple]] = defaultdict(list)
    for contact_id, sex, birth_date in cases_facts.participant_rows(office, date_from, date_to):
        named[contact_id].append((sex, birth_date))
    for pk, day, kind, channel, is_group, person_id, p_sex, p_birth, own_sex, own_band in rows:
        series = CONTACT_SERIES.get(kind)
        if series is None:
            continue
        if not is_group:
            sex, band = person_cell(day, p_sex, p_birth, person_id is not None, own_sex, own_band)
            acc.add(day, series, dimension=channel, sex=sex, age_band=band)
        elif counts.get(pk):
            for sex, band, count in counts[pk]:
                acc.add(
                    day, series, dimension=channel, sex=_sex(sex), age_band=_band(band), value=count
                )
        else:
            for sex, birth_date in named.get(pk, ()):
                acc.add(
                    day,
                    series,
                    dimension=channel,
                    sex=_sex(sex),
                    age_band=age_band(birth_date, day),
                )


def compute_cases(office, date_from, date_to, acc: Accumulator) -> None:
    """complaints_received (received day), complaints_resolved and money_recovered (closed
    day). Every flow of a case uses the client's age band on the day it was received."""
    start, end = day_bounds(office, date_from, date_to)
    zone = office.zone
    rows = cases_facts.case_rows(office, date_from, date_to, start, end)
    cases: dict[int, tuple] = {}
    categories: dict[int, set[str]] = defaultdict(set)
    for pk, received_on, status, closed_at, money, sex, birth_date, category in rows:
        cases[pk] = (received_on, status, closed_at, money, sex, birth_date)
        if category:
            categories[pk].add(category)
    for pk, (received_on, status, closed_at, money, sex, birth_date) in cases.items():
        cell: _PersonCell = {"sex": _sex(sex), "age_band": age_band(birth_date, received_on)}
        flows = []
        if date_from <= received_on <= date_to:
            flows.append((received_on, "complaints_received"))
        closed_day = local_day(closed_at, zone) if status == cases_facts.CaseStatus.CLOSED else None
        if closed_day is not None and date_from <= closed_day <= date_to:
            flows.append((closed_day, "complaints_resolved"))
            if money:
                acc.add(closed_day, "money_recovered", value=money, weight=1, **cell)
        for day, series in flows:
            acc.add(day, series, **cell)
            for category in categories.get(pk, ()):
                acc.add(day, series, dimension=category, **cell)


def referral_result_moment(state: str, sent_at, answered_at, completed_at):
    """When a referral reached its current state."""
    if state == "completed":
        return completed_at or answered_at or sent_at
    if state in ("accepted", "declined"):
        return answered_at or sent_at
    return sent_at


def compute_referrals(office, date_from, date_to, acc: Accumulator) -> None:
    """referrals_by_partner (sent day) and referrals_by_result (day the state was reached)."""
    start, end = day_bounds(office, date_from, date_to)
    zone = office.zone
    rows = cases_facts.referral_rows(office, start, end)
    for state, sent_at, answered_at, completed_at, partner, received_on, sex, birth in rows:
        cell: _PersonCell = {"sex": _sex(sex), "age_band": age_band(birth, received_on)}
        sent_day = local_day(sent_at, zone)
        if date_from <= sent_day <= date_to:
            acc.add(sent_day, "referrals_by_partner", dimension=partner, **cell)
        result_day = local_day(
            referral_result_moment(state, sent_at, answered_at, completed_at), zone
        )
        if date_from <= result_day <= date_to:
            acc.add(result_day, "referrals_by_result", dimension=state, **cell)


# --- Outreach --------------------------------------------------------------------------------


def compute_outreach(office, date_from, date_to, acc: Accumulator) -> None:
    for day, village in outreach_facts.event_rows(office, date_from, date_to):
        acc.add(day, "outreach_events", dimension=village)
    for day, village, sex, band, count in outreach_facts.reached_rows(office, date_from, date_to):
        acc.add(
            day,
            "outreach_people_reached",
            dimension=village,
            sex=_sex(sex),
            age_band=_band(band),
            value=count,
        )


COMPUTERS: tuple[Callable[..., None], ...] = (
    compute_frontdesk,
    compute_surveys,
    compute_registrations,
    compute_placement,
    compute_training,
    compute_contacts,
    compute_cases,
    compute_referrals,
    compute_outreach,
)


def compute(office: Organisation, date_from: datetime.date, date_to: datetime.date) -> Accumulator:
    """Every series of the office for every day from `date_from` to `date_to` (included)."""
    acc = Accumulator()
    for computer in COMPUTERS:
        computer(office, date_from, date_to, acc)
    return acc
