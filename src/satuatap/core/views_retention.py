"""The retention schedule and the reports of its runs, for the administrator."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, render

from satuatap.core import retention
from satuatap.core.models import RetentionRun


def _require(user) -> None:
    if not user.has_perm("core.view_retention_report"):
        raise PermissionDenied


@login_required
def retention_overview(request):
    _require(request.user)
    schedule = [
        {
            "key": record_class.key,
            "label": record_class.label,
            "period": period.label if (period := retention.period_of(record_class)) else None,
            "is_default": record_class.key not in retention.configured_overrides(),
            "counted_from": record_class.counted_from,
            "action": record_class.action,
        }
        for record_class in retention.record_classes()
    ]
    runs = RetentionRun.objects.all()[:60]
    return render(request, "core/retention.html", {"schedule": schedule, "runs": runs})


@login_required
def retention_run_detail(request, run_id: int):
    _require(request.user)
    run = get_object_or_404(RetentionRun, pk=run_id)
    context = {"run": run, "classes": retention.results_for_display(run.results)}
    return render(request, "core/retention_run.html", context)
