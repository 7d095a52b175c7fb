"""An export that runs in the background (a national report, a year of DHIS2 data…).

The file it makes holds aggregates only (suppressed as the report selectors return them for the
person who asked), and is kept in the private storage (MEDIA_ROOT or the bucket, never served
directly; core/storage.py): only the person who asked for it downloads it, streamed through
`reports:export-download`.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from satuatap.core.models import Organisation


class ExportKind(models.TextChoices):
    XLSX = "xlsx", _("Monthly report (Excel)")
    PDF = "pdf", _("Monthly report (PDF)")
    CSV = "csv", _("Indicator tables (CSV)")
    DHIS2 = "dhis2", _("DHIS2 data values (JSON)")


class ExportStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting to start")
    RUNNING = "running", _("Running")
    DONE = "done", _("Ready")
    FAILED = "failed", _("Failed")


class ExportJob(models.Model):
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    office = models.ForeignKey(
        Organisation,
        verbose_name=_("office"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty for a national export (every office the person may see)."),
    )
    kind = models.CharField(_("kind"), max_length=8, choices=ExportKind.choices)
    parameters = models.JSONField(
        _("parameters"), default=dict, help_text=_("Period and filters, as chosen.")
    )
    status = models.CharField(
        _("status"), max_length=8, choices=ExportStatus.choices, default=ExportStatus.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("progress (percent)"), default=0)
    file = models.FileField(_("file"), upload_to="exports/%Y/%m/", max_length=255, blank=True)
    filename = models.CharField(_("file name"), max_length=200, blank=True)
    failure = models.TextField(_("failure"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("report export")
        verbose_name_plural = _("report exports")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["requested_by", "-created_at"], name="export_by_user")]
        constraints = [
            models.CheckConstraint(name="export_progress_percent", condition=Q(progress__lte=100)),
        ]

    def __str__(self) -> str:
        return f"export #{self.pk} ({self.kind})"

    @property
    def is_running(self) -> bool:
        return self.status in (ExportStatus.QUEUED, ExportStatus.RUNNING)

    @property
    def date_from(self) -> datetime.date | None:
        value = self.parameters.get("date_from")
        return datetime.date.fromisoformat(value) if value else None

    @property
    def date_to(self) -> datetime.date | None:
        value = self.parameters.get("date_to")
        return datetime.date.fromisoformat(value) if value else None

    @property
    def is_ready(self) -> bool:
        return self.status == ExportStatus.DONE and bool(self.file)
