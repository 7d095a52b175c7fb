"""The log of the exchanges with the national placement system (`placement.national`)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from satuatap.core.models import Organisation


class NationalExchange(models.Model):
    """One export to, or one import from, the national placement system: who, when, what."""

    class Direction(models.TextChoices):
        EXPORT = "export", _("Sent to SISKOP2MI")
        IMPORT = "import", _("Taken in from SISKOP2MI")

    office = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    direction = models.CharField(_("direction"), max_length=8, choices=Direction.choices)
    adapter = models.CharField(_("adapter"), max_length=32)
    file_format = models.CharField(_("format"), max_length=8, blank=True)
    date_from = models.DateField(_("from"), null=True, blank=True)
    date_to = models.DateField(_("to"), null=True, blank=True)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    applied = models.PositiveIntegerField(_("rows applied"), default=0)
    errors = models.PositiveIntegerField(_("rows with a problem"), default=0)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )
    at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        verbose_name = _("exchange with SISKOP2MI")
        verbose_name_plural = _("exchanges with SISKOP2MI")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["office", "at"])]

    def __str__(self) -> str:
        return f"national exchange #{self.pk}"
