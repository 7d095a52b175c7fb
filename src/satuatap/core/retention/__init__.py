"""Retention as policy, run by the system (UU 27/2022: personal data is kept no longer than its
purpose needs, then erased or anonymised).

- Each app registers its *record classes* from its `AppConfig.ready()` with
  `register_record_class`: what is due once its period has run out, how to anonymise or delete
  a batch of it, which legal holds keep a record, and the office a record belongs to. `core`
  knows no domain app; the schedule is the union of what the apps registered.
- The period of each class is its default, or the `SATUATAP_RETENTION` setting
  (`visits=3y,exports=7d,audit_entries=never`): days (`30`, `30d`) or years (`5y`), or `never`.
  docs/security.md has the table of defaults and the reasons for them.
- `services.run()` (the nightly task `core.tasks.run_retention_task`, and `satuatap
  retention`) handles every class in turn, batch by batch, each batch in its own
  transaction, and stores a `RetentionRun` the administrator reads (`/retention/`). `survey()`
  (`satuatap retention --dry-run`) counts the same without changing anything. Counts are per
  class and office; nothing in a report names a record or a person, and held records are
  counted together whatever holds them, so a report says nothing about who is in a case.
- Every audit entry written during a run is the system's (`core.attribution`: no user,
  `on_behalf_of = "system:core.retention"`) and carries the correlation id
  `system:retention:<run>`; the run itself is one entry on the `RetentionRun`.
- Numbers stay: lower apps wrap their changes in `keep_aggregates(...)`, which the reports app
  fills in (`reports.services.adjustments`), so a published count does not move when the
  records under it are anonymised or removed.

The package: the registry, periods, hooks and counting here; `services.py` the run (and the
audit trail's purge), `hooks.py` the core's own record class (the audit trail).
"""

from __future__ import annotations

import datetime
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, ExitStack, contextmanager
from dataclasses import dataclass, field

from django.conf import settings
from django.db import models
from django.db.models import Count
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

SYSTEM_CID_PREFIX = "system:"


# --- Periods ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """A retention period: whole days or whole years."""

    days: int = 0
    years: int = 0

    def cutoff(self, today: datetime.date) -> datetime.date:
        """Records of days before this one are due."""
        if self.years:
            year = today.year - self.years
            try:
                return today.replace(year=year)
            except ValueError:  # 29 February
                return today.replace(year=year, day=28)
        return today - datetime.timedelta(days=self.days)

    def __str__(self) -> str:
        return f"{self.years}y" if self.years else f"{self.days}d"

    @property
    def label(self) -> str:
        if self.years:
            return ngettext("%(n)s year", "%(n)s years", self.years) % {"n": self.years}
        return ngettext("%(n)s day", "%(n)s days", self.days) % {"n": self.days}


NEVER = "never"
_PERIOD = re.compile(r"^\s*(\d{1,5})\s*([dy]?)\s*$")


def parse_period(value: object) -> Period | None:
    """`30`, `30d` → 30 days; `5y` → 5 years; `never` → None (kept without limit)."""
    text = str(value).strip().lower()
    if text == NEVER:
        return None
    match = _PERIOD.match(text)
    if not match or int(match.group(1)) == 0:
        raise ValueError(f"not a retention period: {value!r} (use 30d, 5y or never)")
    number, unit = int(match.group(1)), match.group(2) or "d"
    return Period(years=number) if unit == "y" else Period(days=number)


# --- Record classes --------------------------------------------------------------------------


@dataclass(frozen=True)
class Cutoff:
    """Records dated before `day` (or, for moments, before `moment`, the start of that day in
    the deployment's time zone) are due."""

    day: datetime.date
    moment: datetime.datetime

    @classmethod
    def of(cls, day: datetime.date) -> Cutoff:
        moment = datetime.datetime.combine(day, datetime.time.min)
        return cls(day=day, moment=timezone.make_aware(moment))


@dataclass(frozen=True)
class RunContext:
    """What a class's `purge` is told about the run it belongs to."""

    run_id: int | None
    cutoff: Cutoff
    today: datetime.date


@dataclass(frozen=True)
class RecordClass:
    """One kind of record with one retention period.

    - `due(cutoff)`: a queryset of the records whose period has run out and that still hold
      what retention removes (a record already anonymised is not due again);
    - `exclude_held(queryset)`: the same without the records a legal hold keeps;
    - `purge(pks, context)`: anonymise or delete these records (already filtered, in one
      transaction); returns the pks it handled (a record it found held after all is left and
      counted as held);
    - `office`: the lookup of the office id on the queryset's model, or None when the records
      belong to no office (audit entries).
    """

    key: str
    label: Promise
    default: str
    counted_from: Promise
    action: Promise
    due: Callable[[Cutoff], models.QuerySet]
    purge: Callable[[list, RunContext], Iterable]
    office: str | None = "office_id"
    exclude_held: Callable[[models.QuerySet], models.QuerySet] | None = None
    order: int = 50
    batch_size: int = 200

    @property
    def default_period(self) -> Period | None:
        return parse_period(self.default)


_classes: dict[str, RecordClass] = {}


def register_record_class(record_class: RecordClass) -> None:
    parse_period(record_class.default)  # a wrong default fails at start-up
    _classes[record_class.key] = record_class


def unregister_record_class(key: str) -> None:
    _classes.pop(key, None)


def record_classes() -> list[RecordClass]:
    return sorted(_classes.values(), key=lambda c: (c.order, c.key))


def get_record_class(key: str) -> RecordClass | None:
    return _classes.get(key)


def configured_overrides() -> dict[str, str]:
    return dict(getattr(settings, "SATUATAP_RETENTION", None) or {})


def configuration_errors() -> list[str]:
    """What is wrong with `SATUATAP_RETENTION` (unknown classes, unreadable periods)."""
    errors = []
    for key, value in configured_overrides().items():
        if key not in _classes:
            errors.append(f"unknown record class {key!r} (known: {', '.join(sorted(_classes))})")
            continue
        try:
            parse_period(value)
        except ValueError as error:
            errors.append(f"{key}: {error}")
    return errors


def period_of(record_class: RecordClass) -> Period | None:
    value = configured_overrides().get(record_class.key)
    if value is None:
        return record_class.default_period
    return parse_period(value)


# --- Hooks -----------------------------------------------------------------------------------

AggregateKeeper = Callable[..., AbstractContextManager[object]]
_aggregate_keepers: list[AggregateKeeper] = []


def register_aggregate_keeper(keeper: AggregateKeeper) -> None:
    """`keeper(person_ids=..., records=...)`: a context manager that keeps the published
    aggregates of these people and (model, pks) records as they are
    (reports.services.adjustments)."""
    if keeper not in _aggregate_keepers:
        _aggregate_keepers.append(keeper)


@contextmanager
def keep_aggregates(*, person_ids: Iterable[int] = (), records: Iterable[tuple] = ()) -> Iterator:
    """Wrap a change that anonymises or removes records: the numbers published from them do
    not move (a no-op when no app keeps aggregates)."""
    person_ids = list(person_ids)
    records = [(model, list(pks)) for model, pks in records]
    with ExitStack() as stack:
        for keeper in _aggregate_keepers:
            stack.enter_context(keeper(person_ids=person_ids, records=records))
        yield


AuditKeep = Callable[[], models.Q]
_audit_keeps: list[AuditKeep] = []


def register_audit_keep(keep: AuditKeep) -> None:
    """`keep()`: a Q on auditlog's LogEntry for the entries a hold keeps past their period
    (entries about a held person or a case that is still kept)."""
    if keep not in _audit_keeps:
        _audit_keeps.append(keep)


def audit_keep_filter() -> models.Q | None:
    found = None
    for keep in _audit_keeps:
        q = keep()
        found = q if found is None else found | q
    return found


# --- Counting and running --------------------------------------------------------------------


@dataclass
class ClassResult:
    key: str
    period: str
    cutoff: datetime.date | None
    offices: dict[int | None, dict[str, int]] = field(default_factory=dict)
    failed: bool = False

    def tally(self, office_id: int | None, name: str, count: int = 1) -> None:
        row = self.offices.setdefault(office_id, {"due": 0, "held": 0, "done": 0})
        row[name] += count

    def total(self, name: str) -> int:
        return sum(row[name] for row in self.offices.values())

    def as_json(self) -> dict:
        return {
            "key": self.key,
            "period": self.period,
            "cutoff": self.cutoff.isoformat() if self.cutoff else None,
            "failed": self.failed,
            "offices": [
                {"office": office_id, **counts}
                for office_id, counts in sorted(
                    self.offices.items(), key=lambda item: (item[0] is None, item[0] or 0)
                )
            ],
        }


def _per_office(queryset: models.QuerySet, office: str | None) -> dict[int | None, int]:
    if office is None:
        return {None: queryset.count()}
    rows = queryset.order_by().values(office).annotate(n=Count("pk", distinct=True))
    return {row[office]: row["n"] for row in rows}


def actionable(record_class: RecordClass, cutoff: Cutoff) -> models.QuerySet:
    due = record_class.due(cutoff)
    return record_class.exclude_held(due) if record_class.exclude_held else due


def count_due(
    record_class: RecordClass, cutoff: Cutoff, result: ClassResult, *, owners: bool = True
) -> dict:
    """Due and held per office; returns {pk: office id} of what may go (nothing for a dry
    run, which only counts)."""
    due = _per_office(record_class.due(cutoff), record_class.office)
    may_go = actionable(record_class, cutoff)
    free = _per_office(may_go, record_class.office)
    for office_id, count in due.items():
        if not count:
            continue
        result.tally(office_id, "due", count)
        result.tally(office_id, "held", count - free.get(office_id, 0))
    if not owners:
        return {}
    fields = ["pk", record_class.office] if record_class.office else ["pk"]
    found = {}
    for row in may_go.order_by("pk").values_list(*fields).distinct():
        found[row[0]] = row[1] if record_class.office else None
    return found


def batches(items: list, size: int) -> Iterator[list]:
    """`items` in lists of at most `size`."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


def survey(*, today: datetime.date | None = None) -> list[ClassResult]:
    """What a run would do now, per class and office: nothing is changed."""
    today = today or timezone.localdate()
    results = []
    for record_class in record_classes():
        period = period_of(record_class)
        if period is None:
            results.append(ClassResult(record_class.key, NEVER, None))
            continue
        cutoff = Cutoff.of(period.cutoff(today))
        result = ClassResult(record_class.key, str(period), cutoff.day)
        count_due(record_class, cutoff, result, owners=False)
        results.append(result)
    return results


def labels_by_key() -> dict[str, RecordClass]:
    return {c.key: c for c in record_classes()}


def office_names(office_ids: Iterable[int | None]) -> dict[int | None, str]:
    from satuatap.core.models import Organisation

    ids = [pk for pk in set(office_ids) if pk is not None]
    names: dict[int | None, str] = dict(
        Organisation.objects.filter(pk__in=ids).values_list("pk", "name")
    )
    names[None] = _("No office (national)")
    return names


def results_for_display(results: list[dict]) -> list[dict]:
    """A stored or surveyed report with translated class labels and office names."""
    classes = labels_by_key()
    names = office_names(row["office"] for result in results for row in result.get("offices", []))
    shown = []
    for result in results:
        record_class = classes.get(result["key"])
        period = None if result["period"] == NEVER else parse_period(result["period"])
        totals: dict[str, int] = defaultdict(int)
        rows = []
        for row in result.get("offices", []):
            for name in ("due", "held", "done"):
                totals[name] += row.get(name, 0)
            rows.append({**row, "office_name": names.get(row["office"], "—")})
        shown.append(
            {
                "key": result["key"],
                "label": record_class.label if record_class else result["key"],
                "period": period.label if period else _("kept without limit"),
                "cutoff": result.get("cutoff"),
                "failed": result.get("failed", False),
                "rows": rows,
                "totals": dict(totals),
            }
        )
    return shown
