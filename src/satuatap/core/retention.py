"""Retention as policy, run by the system (UU 27/2022: personal data is kept no longer than its
purpose needs, then erased or anonymised).

- Each app registers its *record classes* from its `AppConfig.ready()` with
  `register_record_class`: what is due once its period has run out, how to anonymise or delete
  a batch of it, which legal holds keep a record, and the office a record belongs to. `core`
  knows no domain app; the schedule is the union of what the apps registered.
- The period of each class is its default, or the `SATUATAP_RETENTION` setting
  (`visits=3y,exports=7d,audit_entries=never`): days (`30`, `30d`) or years (`5y`), or `never`.
  docs/security.md has the table of defaults and the reasons for them.
- `run()` (the nightly task `core.tasks.run_retention_task`, and `satuatap retention`) handles
  every class in turn, batch by batch, each batch in its own transaction, and stores a
  `RetentionRun` the administrator reads (`/retention/`). `survey()` (`satuatap retention
  --dry-run`) counts the same without changing anything. Counts are per class and office;
  nothing in a report names a record or a person, and held records are counted together
  whatever holds them, so a report says nothing about who is in a case.
- Every audit entry written during a run is the system's (`core.attribution`: no user,
  `on_behalf_of = "system:core.retention"`) and carries the correlation id
  `system:retention:<run>`; the run itself is one entry on the `RetentionRun`.
- Numbers stay: lower apps wrap their changes in `keep_aggregates(...)`, which the reports app
  fills in (`reports.adjustments`), so a published count does not move when the records under
  it are anonymised or removed.
"""

from __future__ import annotations

import datetime
import logging
import re
import traceback
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, ExitStack, contextmanager
from dataclasses import dataclass, field

from django.conf import settings
from django.db import models, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from satuatap.core import attribution

logger = logging.getLogger(__name__)

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
    aggregates of these people and (model, pks) records as they are (reports.adjustments)."""
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


def _actionable(record_class: RecordClass, cutoff: Cutoff) -> models.QuerySet:
    due = record_class.due(cutoff)
    return record_class.exclude_held(due) if record_class.exclude_held else due


def _count(
    record_class: RecordClass, cutoff: Cutoff, result: ClassResult, *, owners: bool = True
) -> dict:
    """Due and held per office; returns {pk: office id} of what may go (nothing for a dry
    run, which only counts)."""
    due = _per_office(record_class.due(cutoff), record_class.office)
    actionable = _actionable(record_class, cutoff)
    free = _per_office(actionable, record_class.office)
    for office_id, count in due.items():
        if not count:
            continue
        result.tally(office_id, "due", count)
        result.tally(office_id, "held", count - free.get(office_id, 0))
    if not owners:
        return {}
    fields = ["pk", record_class.office] if record_class.office else ["pk"]
    found = {}
    for row in actionable.order_by("pk").values_list(*fields).distinct():
        found[row[0]] = row[1] if record_class.office else None
    return found


def _batches(items: list, size: int) -> Iterator[list]:
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
        _count(record_class, cutoff, result, owners=False)
        results.append(result)
    return results


def run(*, today: datetime.date | None = None, trigger: str = "schedule"):
    """Anonymise or delete what is due in every class (holds respected) and store the report."""
    from auditlog.context import set_extra_data
    from auditlog.models import LogEntry
    from django.contrib.contenttypes.models import ContentType

    from satuatap.core.models import RetentionRun, RetentionRunStatus

    today = today or timezone.localdate()
    retention_run = RetentionRun.objects.create(trigger=trigger, today=today)
    results: list[ClassResult] = []
    with (
        attribution.acting_as_system("core.retention"),
        set_extra_data({"cid": f"{SYSTEM_CID_PREFIX}retention:{retention_run.pk}"}),
    ):
        for record_class in record_classes():
            results.append(_run_class(record_class, retention_run.pk, today))
        retention_run.results = [r.as_json() for r in results]
        retention_run.finished_at = timezone.now()
        retention_run.status = (
            RetentionRunStatus.PARTLY if any(r.failed for r in results) else RetentionRunStatus.DONE
        )
        retention_run.save(update_fields=["results", "finished_at", "status"])
        LogEntry.objects.create(
            content_type=ContentType.objects.get_for_model(RetentionRun),
            object_pk=str(retention_run.pk),
            object_id=retention_run.pk,
            object_repr=f"retentionrun #{retention_run.pk}",
            action=LogEntry.Action.CREATE,
            actor=None,
            changes={},
            additional_data={
                "on_behalf_of": "system:core.retention",
                "trigger": trigger,
                "done": {r.key: r.total("done") for r in results},
            },
        )
    return retention_run


def _run_class(record_class: RecordClass, run_id: int, today: datetime.date) -> ClassResult:
    period = period_of(record_class)
    if period is None:
        return ClassResult(record_class.key, NEVER, None)
    cutoff = Cutoff.of(period.cutoff(today))
    result = ClassResult(record_class.key, str(period), cutoff.day)
    context = RunContext(run_id=run_id, cutoff=cutoff, today=today)
    try:
        owners = _count(record_class, cutoff, result)
        for batch in _batches(list(owners), record_class.batch_size):
            with transaction.atomic():
                # Looked at again inside the transaction: a case opened since the count
                # holds its records now.
                fresh = list(
                    _actionable(record_class, cutoff)
                    .filter(pk__in=batch)
                    .order_by("pk")
                    .values_list("pk", flat=True)
                    .distinct()
                )
                handled = set(record_class.purge(fresh, context)) if fresh else set()
            for pk in batch:
                result.tally(owners[pk], "done" if pk in handled else "held")
    except Exception as error:
        # The run, the class, the kind of error and where it happened: never the exception's
        # message, which may quote a record's values (a name, a NIK).
        logger.error(
            "retention run %s: class %s stopped on %s\n%s",
            run_id,
            record_class.key,
            type(error).__name__,
            "".join(traceback.format_tb(error.__traceback__)),
        )
        result.failed = True
    return result


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


# --- The audit trail's own class -------------------------------------------------------------


def _old_audit_entries(cutoff: Cutoff) -> models.QuerySet:
    from auditlog.models import LogEntry

    return LogEntry.objects.filter(timestamp__lt=cutoff.moment)


def _audit_not_held(entries: models.QuerySet) -> models.QuerySet:
    keep = audit_keep_filter()
    return entries.exclude(keep) if keep is not None else entries


def _delete_audit_entries(pks: list[int], context: RunContext) -> list[int]:
    from auditlog.models import LogEntry

    LogEntry.objects.filter(pk__in=pks).delete()
    return pks


def register_core_classes() -> None:
    from django.utils.translation import gettext_lazy

    register_record_class(
        RecordClass(
            key="audit_entries",
            label=gettext_lazy("Audit trail entries"),
            default="10y",
            counted_from=gettext_lazy("the moment of the entry"),
            action=gettext_lazy(
                "deleted, except the entries about a held person or a case still kept"
            ),
            due=_old_audit_entries,
            exclude_held=_audit_not_held,
            purge=_delete_audit_entries,
            office=None,
            order=90,
            batch_size=1000,
        )
    )
