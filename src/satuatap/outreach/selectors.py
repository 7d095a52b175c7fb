"""Reads of village outreach, already limited to what the caller may see.

Staff see their own office's records only; anything else reads as "not found". Reports (a
higher layer) call `events_in_village`, `participant_count_rows`, `focal_points_of` and
`regulations_of` with the offices it has decided the viewer may see.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import (
    Count,
    F,
    IntegerField,
    Min,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from satuatap.core.models import Organisation, User
from satuatap.outreach.models import (
    AgeBand,
    OutreachCount,
    OutreachEvent,
    OutreachFollowUp,
    VillageFocalPoint,
    VillageRegulation,
)
from satuatap.people.models import Person, PersonDocument, Sex, StatusEvent
from satuatap.regions.models import Region, RegionLevel

SEXES = (Sex.FEMALE, Sex.MALE, Sex.NOT_RECORDED)


def _office_id(user: User) -> int | None:
    if not user.is_authenticated or not user.has_perm("outreach.view_outreach"):
        return None
    return user.office_id_or_none


def with_totals(events: QuerySet[OutreachEvent]) -> QuerySet[OutreachEvent]:
    """Annotate `total`, `women`, `men` and `sex_not_recorded` (people counted)."""

    def counted(condition: Q | None = None) -> Coalesce:
        return Coalesce(Sum("counts__count", filter=condition), 0)

    return events.annotate(
        total=counted(),
        women=counted(Q(counts__sex=Sex.FEMALE)),
        men=counted(Q(counts__sex=Sex.MALE)),
        sex_not_recorded=counted(Q(counts__sex=Sex.NOT_RECORDED)),
    )


def office_events(
    user: User,
    *,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
    village: Region | str | None = None,
    kind: str = "",
) -> QuerySet[OutreachEvent]:
    """The events of the caller's office, newest first, with their totals by sex."""
    office_id = _office_id(user)
    if office_id is None:
        return OutreachEvent.objects.none()
    events = OutreachEvent.objects.filter(office_id=office_id)
    if date_from:
        events = events.filter(date__gte=date_from)
    if date_to:
        events = events.filter(date__lte=date_to)
    if village:
        events = events.filter(village_id=getattr(village, "code", village))
    if kind:
        events = events.filter(kind=kind)
    return (
        with_totals(events)
        .select_related("village", "village__parent")
        .prefetch_related(Prefetch("partners", to_attr="partner_list"))
        .order_by("-date", "-pk")
    )


def get_visible_event(user: User, event_id: int) -> OutreachEvent | None:
    office_id = _office_id(user)
    if office_id is None:
        return None
    return (
        with_totals(OutreachEvent.objects.filter(office_id=office_id, pk=event_id))
        .select_related("office", "village", "village__parent", "recorded_by")
        .first()
    )


def event_grid(event: OutreachEvent) -> dict:
    """The event's counts as a table: rows per age band, columns per sex, with totals."""
    cells = {(row.sex, row.age_band): row.count for row in event.counts.all()}
    return count_table(cells)


def count_table(cells: dict[tuple[str, str], int]) -> dict:
    rows = []
    for band, label in AgeBand.choices:
        values = [cells.get((sex, band), 0) for sex in SEXES]
        rows.append({"band": band, "label": label, "values": values, "total": sum(values)})
    by_sex = [sum(cells.get((sex, band), 0) for band in AgeBand.values) for sex in SEXES]
    return {
        "sexes": [Sex(sex) for sex in SEXES],
        "rows": rows,
        "by_sex": by_sex,
        "total": sum(by_sex),
    }


def counts_by_sex(events: Iterable[OutreachEvent] | QuerySet[OutreachEvent]) -> dict[str, int]:
    """People counted across `events`, by sex code, plus "total"."""
    ids = [event.pk for event in events] if not isinstance(events, QuerySet) else None
    counts = OutreachCount.objects.all()
    counts = counts.filter(event__in=events) if ids is None else counts.filter(event_id__in=ids)
    totals: dict[str, int] = {sex: 0 for sex in SEXES}
    for row in counts.values("sex").annotate(n=Sum("count")):
        totals[row["sex"]] = row["n"]
    totals["total"] = sum(totals.values())
    return totals


def named_participants(event: OutreachEvent) -> QuerySet[Person]:
    return event.participants.select_related("village").order_by("full_name", "pk")


def events_in_village(
    village: Region | str, *, office_ids: Iterable[int] | None = None
) -> QuerySet[OutreachEvent]:
    """Every event held in `village` (of the given offices only, when given), with totals."""
    events = OutreachEvent.objects.filter(village_id=getattr(village, "code", village))
    if office_ids is not None:
        events = events.filter(office_id__in=list(office_ids))
    return with_totals(events).select_related("office", "village").order_by("-date", "-pk")


def participant_count_rows(
    *,
    office_ids: Iterable[int] | None = None,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
) -> QuerySet:
    """One row per count cell, for indicators: office_id, village_id, date, kind, sex,
    age_band, count (values dicts, keys prefixed as below)."""
    counts = OutreachCount.objects.all()
    if office_ids is not None:
        counts = counts.filter(event__office_id__in=list(office_ids))
    if date_from:
        counts = counts.filter(event__date__gte=date_from)
    if date_to:
        counts = counts.filter(event__date__lte=date_to)
    return counts.values(
        "event_id",
        "event__office_id",
        "event__village_id",
        "event__date",
        "event__kind",
        "sex",
        "age_band",
        "count",
    ).order_by("event__date", "event_id", "sex", "age_band")


# --- Follow-ups ------------------------------------------------------------------------------


@dataclass(frozen=True)
class FollowUpRow:
    person: Person
    came_on: datetime.date
    note: str
    follow_up: OutreachFollowUp | None  # None: a suggestion from the registry, not confirmed

    @property
    def is_recorded(self) -> bool:
        return self.follow_up is not None


def _local_date(moment: datetime.datetime, office: Organisation) -> datetime.date:
    return timezone.localtime(moment, office.zone).date()


def follow_ups(event: OutreachEvent) -> list[FollowUpRow]:
    """People of the event who came to the office afterwards.

    Recorded follow-ups (an officer wrote down that the participant came) come first. The
    registry then suggests the named participants not yet recorded whose record shows the
    office working with them after the event day: registered, a migration step recorded, or a
    document uploaded after it. A suggestion carries the earliest such date; an officer
    confirms it with `services.record_follow_up`. Front-desk visits are not read here, since
    outreach may not import the front desk (same layer); reports may combine them.
    """
    office = event.office
    recorded = list(
        event.follow_ups.select_related("person", "person__village").order_by("came_on", "pk")
    )
    rows = [
        FollowUpRow(person=item.person, came_on=item.came_on, note=item.note, follow_up=item)
        for item in recorded
    ]
    seen = {item.person_id for item in recorded}
    after = datetime.datetime.combine(
        event.date + datetime.timedelta(days=1), datetime.time.min, tzinfo=office.zone
    )
    candidates = [person for person in named_participants(event) if person.pk not in seen]
    if not candidates:
        return rows
    ids = [person.pk for person in candidates]
    earliest: dict[int, tuple[datetime.datetime, str]] = {}

    def consider(person_id: int, moment: datetime.datetime | None, why: str) -> None:
        if moment is None or moment < after:
            return
        if person_id not in earliest or moment < earliest[person_id][0]:
            earliest[person_id] = (moment, why)

    for person in candidates:
        consider(person.pk, person.created_at, "registered")
    for row in (
        StatusEvent.objects.filter(person_id__in=ids, recorded_at__gte=after)
        .values("person_id")
        .annotate(first=Min("recorded_at"))
    ):
        consider(row["person_id"], row["first"], "status")
    for row in (
        PersonDocument.objects.filter(person_id__in=ids, uploaded_at__gte=after)
        .values("person_id")
        .annotate(first=Min("uploaded_at"))
    ):
        consider(row["person_id"], row["first"], "document")
    notes = {
        "registered": _("Suggested: registered in the registry after the event"),
        "status": _("Suggested: a migration step was recorded after the event"),
        "document": _("Suggested: a document was uploaded after the event"),
    }
    for person in candidates:
        if person.pk in earliest:
            moment, why = earliest[person.pk]
            rows.append(
                FollowUpRow(
                    person=person,
                    came_on=_local_date(moment, office),
                    note=notes[why],
                    follow_up=None,
                )
            )
    return rows


# --- Villages, focal points, regulations -----------------------------------------------------


def office_villages(
    user: User,
    *,
    district: str = "",
    q: str = "",
    only_with_records: bool = True,
) -> QuerySet[Region]:
    """Villages of the caller's office's area, with the number of events, active focal points
    and regulations the office holds for each; by default only those with any record."""
    office_id = _office_id(user)
    office = user.office if office_id else None
    if office is None or office.region_id is None:
        return Region.objects.none()
    villages = Region.objects.filter(
        level=RegionLevel.VILLAGE, code__startswith=office.region_id + "."
    )
    if district:
        villages = villages.filter(parent_id=district)
    if q.strip():
        villages = villages.filter(name__icontains=q.strip())

    def count_of(queryset: QuerySet) -> Coalesce:
        return Coalesce(
            Subquery(
                queryset.filter(village_id=OuterRef("code"))
                .order_by()
                .values("village_id")
                .annotate(n=Count("pk"))
                .values("n")[:1],
                output_field=IntegerField(),
            ),
            0,
        )

    villages = villages.annotate(
        event_count=count_of(OutreachEvent.objects.filter(office_id=office_id)),
        focal_point_count=count_of(
            VillageFocalPoint.objects.filter(office_id=office_id, until__isnull=True)
        ),
        regulation_count=count_of(VillageRegulation.objects.filter(office_id=office_id)),
        last_event=Subquery(
            OutreachEvent.objects.filter(office_id=office_id, village_id=OuterRef("code"))
            .order_by("-date")
            .values("date")[:1]
        ),
    )
    if only_with_records:
        villages = villages.filter(
            Q(event_count__gt=0) | Q(focal_point_count__gt=0) | Q(regulation_count__gt=0)
        )
    return villages.select_related("parent").order_by("parent__name", "name", "code")


def office_districts(user: User) -> QuerySet[Region]:
    office_id = _office_id(user)
    office = user.office if office_id else None
    if office is None or office.region_id is None:
        return Region.objects.none()
    return Region.objects.filter(parent_id=office.region_id, level=RegionLevel.DISTRICT).order_by(
        "name"
    )


def get_office_village(user: User, code: str) -> Region | None:
    """A village of the caller's office's area, or None."""
    office_id = _office_id(user)
    office = user.office if office_id else None
    if office is None or office.region_id is None or not code.startswith(office.region_id + "."):
        return None
    return (
        Region.objects.filter(code=code, level=RegionLevel.VILLAGE)
        .select_related("parent", "parent__parent")
        .first()
    )


def focal_points_of(
    village: Region | str,
    *,
    office_ids: Iterable[int] | None = None,
    active_only: bool = False,
) -> QuerySet[VillageFocalPoint]:
    """The village's focal points, active ones first."""
    points = VillageFocalPoint.objects.filter(village_id=getattr(village, "code", village))
    if office_ids is not None:
        points = points.filter(office_id__in=list(office_ids))
    if active_only:
        points = points.filter(until__isnull=True)
    return points.select_related("person").order_by(
        F("until").desc(nulls_first=True), "-since", "pk"
    )


def regulations_of(
    village: Region | str, *, office_ids: Iterable[int] | None = None
) -> QuerySet[VillageRegulation]:
    regulations = VillageRegulation.objects.filter(village_id=getattr(village, "code", village))
    if office_ids is not None:
        regulations = regulations.filter(office_id__in=list(office_ids))
    return regulations.order_by("-date", "pk")


def get_visible_focal_point(user: User, focal_point_id: int) -> VillageFocalPoint | None:
    office_id = _office_id(user)
    if office_id is None:
        return None
    return (
        VillageFocalPoint.objects.filter(office_id=office_id, pk=focal_point_id)
        .select_related("office", "village")
        .first()
    )


def get_visible_regulation(user: User, regulation_id: int) -> VillageRegulation | None:
    office_id = _office_id(user)
    if office_id is None:
        return None
    return (
        VillageRegulation.objects.filter(office_id=office_id, pk=regulation_id)
        .select_related("office", "village")
        .first()
    )


def get_visible_follow_up(
    user: User, event: OutreachEvent, follow_up_id: int
) -> OutreachFollowUp | None:
    if _office_id(user) != event.office_id:
        return None
    return event.follow_ups.filter(pk=follow_up_id).select_related("event__office").first()
