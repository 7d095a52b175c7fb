"""The retention schedule's run (`run`, nightly through `core.tasks` or `satuatap retention`):
each record class's due records, holds respected, are handed to its purge in batches, one
transaction each, and the run's report is stored with its audit entry. The purge of the audit
trail's own class is `delete_audit_entries`."""

from __future__ import annotations

import datetime
import logging
import traceback

from auditlog.context import set_extra_data
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone

from satuatap.core import attribution
from satuatap.core.models import RetentionRun, RetentionRunStatus
from satuatap.core.retention import (
    NEVER,
    SYSTEM_CID_PREFIX,
    ClassResult,
    Cutoff,
    RecordClass,
    RunContext,
    actionable,
    batches,
    count_due,
    period_of,
    record_classes,
)

logger = logging.getLogger("satuatap.core.retention")


def run(*, today: datetime.date | None = None, trigger: str = "schedule") -> RetentionRun:
    """Anonymise or delete what is due in every class (holds respected) and store the report."""
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
        owners = count_due(record_class, cutoff, result)
        for batch in batches(list(owners), record_class.batch_size):
            with transaction.atomic():
                # Looked at again inside the transaction: a case opened since the count
                # holds its records now.
                fresh = list(
                    actionable(record_class, cutoff)
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


def delete_audit_entries(pks: list[int], context: RunContext | None = None) -> list[int]:
    """Delete these audit entries: the purge of the record class `audit_entries` (`hooks.py`)."""
    LogEntry.objects.filter(pk__in=pks).delete()
    return pks
