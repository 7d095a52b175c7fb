"""The monthly releases against a linear-programming attacker (issue 16): for everything the
national analyst can read about case-related indicators — every month and the months before,
every office, the national table, sums of months and of offices, one sex at a time — with every
identity between them (pending = pending before + received − resolved, results never before
referrals are sent, totals = sums), no hidden cell's feasible interval is narrower than one
value. On generated data (several offices, many small cells, a year) and on the demo data."""

from __future__ import annotations

import datetime
import random
from collections import defaultdict

import pytest

from satuatap.cases.models import Category, Channel, ReferralState
from satuatap.placement.files.models import ReturnReason
from satuatap.regions.models import Region
from satuatap.reports import release
from satuatap.reports.indicators import get_indicator
from satuatap.reports.models import RollupMonth
from satuatap.reports.services import releases as release_services
from tests.factories import OfficeFactory
from tests.reports.linear_attack import Seen, narrowed

SEXES = ("F", "M", "U")
BANDS = ("0-17", "18-24", "25-39", "40-59", "60+", "unknown")


def _offices(count: int):
    """New offices in regencies no office has yet (the analyst's fixture made Cirebon's)."""
    from satuatap.core.models import Organisation
    from satuatap.regions.models import RegionLevel

    taken = Organisation.objects.exclude(region=None).values("region_id")
    regencies = Region.objects.filter(level=RegionLevel.REGENCY).exclude(code__in=taken)
    return [
        OfficeFactory(slug=f"office-{i}", region=region)
        for i, region in enumerate(regencies.order_by("code")[:count])
    ]


def _month(first: datetime.date, k: int) -> datetime.date:
    years, month = divmod(first.month - 1 + k, 12)
    return datetime.date(first.year + years, month + 1, 1)


def generate(offices, months, *, seed: int) -> None:
    """Case-related roll-ups of small offices, month by month, from made-up records: cases with
    one or two categories received and closed some months later (some with money), referrals
    answered later, counselling contacts, returns."""
    rng = random.Random(seed)
    categories = [c for c in Category.values if c]
    channels = [c for c in Channel.values if c]
    reasons = [r for r in ReturnReason.values if r]
    states = [s for s in ReferralState.values if s]
    cells: dict = defaultdict(lambda: [0, 0])

    def add(series, month, office, row, sex, band, value=1, weight=1):
        cell = cells[(series, month, office.pk, row, sex, band)]
        cell[0] += value
        cell[1] += weight

    def person():
        return rng.choices(SEXES, (80, 18, 2))[0], rng.choices(BANDS, (2, 25, 45, 20, 2, 6))[0]

    for office in offices:
        size = rng.choice((0.5, 1, 2))
        for i, month in enumerate(months):
            for _ in range(int(rng.randint(0, 8) * size)):
                sex, band = person()
                cats = set(rng.choices(categories, k=rng.choice((1, 1, 2))))
                closed = i + rng.choice((0, 1, 1, 2, 4, 99))
                for series, at in (("complaints_received", i), ("complaints_resolved", closed)):
                    if at >= len(months):
                        continue
                    add(series, months[at], office, "", sex, band)
                    for category in cats:
                        add(series, months[at], office, category, sex, band)
                    if series == "complaints_resolved" and rng.random() < 0.3:
                        amount = rng.randint(1, 40) * 500_000
                        add("money_recovered", months[at], office, "", sex, band, amount, 1)
                for _ in range(rng.choice((0, 1, 1, 2))):
                    partner = rng.choice(("wcc", "lbh"))
                    add("referrals_by_partner", month, office, partner, sex, band)
                    later = i + rng.choice((0, 0, 1, 2))
                    if later < len(months):
                        state = rng.choice(states)
                        add("referrals_by_result", months[later], office, state, sex, band)
            for _ in range(int(rng.randint(0, 12) * size)):
                add("counselling_contacts", month, office, rng.choice(channels), *person())
            for _ in range(int(rng.randint(0, 4) * size)):
                add("returns", month, office, rng.choice(reasons), *person())
    RollupMonth.objects.bulk_create(
        RollupMonth(
            office_id=office_id,
            month=month,
            indicator=series,
            dimension=row,
            sex=sex,
            age_band=band,
            value=value,
            weight=weight,
        )
        for (series, month, office_id, row, sex, band), (value, weight) in cells.items()
    )


def _attack(analyst, months, office_ids):
    seen = Seen()
    seen.read(analyst, [(m, release.month_end(m)) for m in months], office_ids)
    hidden = sum(1 for _v, reason in seen.cells.values() if reason)
    return seen, hidden, narrowed(seen)


def _withheld_share(seen) -> float:
    withheld = sum(1 for _v, reason in seen.cells.values() if reason == release.WITHHELD)
    return withheld / len(seen.cells)


@pytest.mark.django_db
def test_no_hidden_cell_of_generated_releases_can_be_narrowed_to_one_value(analyst):
    offices = _offices(4)
    months = [_month(datetime.date(2025, 1, 1), k) for k in range(6)]
    generate(offices, months, seed=16)
    seen, hidden, found = _attack(analyst, months, [o.pk for o in offices])
    assert hidden > 200  # many small cells: the test has something to attack
    shown_small = [
        key
        for key, (value, reason) in seen.cells.items()
        if not reason and value is not None and 1 <= value <= 4
    ]
    assert shown_small == []
    assert found == []
    # A month is withheld only where no shadow exists (tiny offices, carried differences),
    # never because the search ran out of time: 17 % of these cells today.
    assert _withheld_share(seen) < 0.2


def _enter_late(months, *, seed: int) -> int:
    """Records entered after their month was published: one more in a few hundred roll-up
    cells of those months (some cells new); the number added to counselling contacts."""
    rng = random.Random(seed)
    rows = list(RollupMonth.objects.filter(month__in=months).order_by("pk"))
    counselling = 0
    for row in rng.sample(rows, k=min(len(rows), 100)):
        step = 500_000 if row.indicator == "money_recovered" else 1
        row.value += step
        row.weight += 1
        row.save(update_fields=["value", "weight"])
        counselling += row.indicator == "counselling_contacts"
    return counselling


@pytest.mark.django_db
def test_a_reader_who_keeps_every_release_learns_nothing_from_late_records(analyst):
    """The releases before a late record are the releases after it (a month is published
    once); what came late is counted in the months published next, which the attacker reads
    with everything kept from before: no hidden cell narrows to one value."""
    offices = _offices(2)
    office_ids = [o.pk for o in offices]
    months = [_month(datetime.date(2025, 1, 1), k) for k in range(4)]
    generate(offices, months, seed=17)
    first, _hidden, found_before = _attack(analyst, months[:2], office_ids)
    real_before = sum(
        RollupMonth.objects.filter(indicator="counselling_contacts").values_list("value", flat=True)
    )

    added = _enter_late(months[:2], seed=18)
    later, hidden, found = _attack(analyst, months, office_ids)

    assert found_before == [] and found == []
    assert hidden > 100
    kept = {key: cell for key, cell in later.cells.items() if key in first.cells}
    assert kept == first.cells  # what was out is out unchanged
    indicator = get_indicator("counselling_contacts")
    published = release_services.releases(indicator, months[0], release.month_end(months[-1]))
    total = (release.NATIONAL, release.TOTAL_ROW, "total")
    assert added > 0
    assert sum(m.values[total] for m in published) == real_before + added


@pytest.mark.django_db
def test_the_attacks_of_the_issue_find_nothing(analyst):
    """received − resolved = pending(m) − pending(m − 1); a total of 12 with one "<5" and one
    "×"; an all-offices "<5" where every office shows "<5"."""
    offices = _offices(3)
    months = [_month(datetime.date(2025, 3, 1), k) for k in range(2)]
    rows = []
    for month in months:
        for office, count in zip(offices, (1, 1, 1), strict=True):
            rows.append(("complaints_received", month, office, "", "F", "25-39", count))
            rows.append(("complaints_received", month, office, "wages", "F", "25-39", count))
        rows.append(("complaints_received", month, offices[0], "", "F", "18-24", 11))
        rows.append(("complaints_received", month, offices[0], "wages", "F", "18-24", 11))
    RollupMonth.objects.bulk_create(
        RollupMonth(
            office=o, month=m, indicator=s, dimension=r, sex=x, age_band=b, value=v, weight=v
        )
        for s, m, o, r, x, b, v in rows
    )
    seen, hidden, found = _attack(analyst, months, [o.pk for o in offices])
    assert hidden > 0
    assert found == []


@pytest.mark.django_db
def test_no_hidden_cell_of_the_demo_releases_can_be_narrowed_to_one_value(demo_data, analyst):
    from satuatap.core.models import Organisation, OrganisationKind

    offices = list(
        Organisation.objects.filter(kind=OrganisationKind.OFFICE)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    first = RollupMonth.objects.order_by("month").values_list("month", flat=True).first()
    months = release.month_span(first, release.open_month() - datetime.timedelta(days=1))
    seen, hidden, found = _attack(analyst, months, offices)
    assert hidden > 0
    assert found == []
    assert _withheld_share(seen) == 0  # every month of the demo has its shadow
