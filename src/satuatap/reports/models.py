"""The roll-up table the dashboards read, and the report exports.

`RollupValue` holds, per office and office day, each series of `indicators.py` split by its
dimension (and, for placement series, by scheme and destination) and by sex × age band. It is
derived data: `rollups.recompute` rebuilds an office-day from the raw records whenever one of
them changes, and `satuatap rebuild_rollups` rebuilds everything, giving the same rows.

`RollupMonth` is `RollupValue` summed per calendar month, kept with it: a read over whole months
(a year nationally) sums several times fewer rows.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from satuatap.core.models import Organisation
from satuatap.reports.export_models import ExportJob, ExportKind, ExportStatus  # noqa: F401

# A roll-up cell beyond its office and its day (or month): what the dashboards split by.
CELL_FIELDS = ("indicator", "dimension", "scheme", "destination", "sex", "age_band")


def _one_row_per_cell(period: str, *, name: str) -> models.UniqueConstraint:
    """One row per office, day (or month) and cell."""
    return models.UniqueConstraint(fields=["office", period, *CELL_FIELDS], name=name)


class RollupCell(models.Model):
    """What the three roll-up tables share: an office, a cell (`CELL_FIELDS`) and its value
    with the number of observations behind it. Each table adds its day or month, its one-row-
    per-cell constraint and its indexes."""

    office = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    indicator = models.CharField(_("series"), max_length=40)
    dimension = models.CharField(_("dimension value"), max_length=64, blank=True, default="")
    # Placement series only: what the scheme and destination filters act on.
    scheme = models.CharField(_("scheme"), max_length=16, blank=True, default="")
    destination = models.CharField(_("destination"), max_length=8, blank=True, default="")
    sex = models.CharField(_("sex"), max_length=1, blank=True, default="")
    age_band = models.CharField(_("age band"), max_length=8, blank=True, default="")
    value = models.BigIntegerField(_("value"))
    weight = models.BigIntegerField(_("observations"), default=0)

    class Meta:
        abstract = True


class RollupValue(RollupCell):
    day = models.DateField(_("day (office time)"))
    weight = models.BigIntegerField(
        _("observations"),
        default=0,
        help_text=_("How many records make the value: the divisor of averages."),
    )

    class Meta:
        verbose_name = _("roll-up value")
        verbose_name_plural = _("roll-up values")
        constraints = [_one_row_per_cell("day", name="one_rollup_value_per_cell")]
        indexes = [
            # One office (or a few) over a period: the office dashboard.
            models.Index(fields=["indicator", "office", "day"], name="rollup_indicator_office"),
            # Every office over a period: the national dashboard.
            models.Index(fields=["indicator", "day"], name="rollup_indicator_day"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator} {self.office_id} {self.day}"


class RollupMonth(RollupCell):
    """`RollupValue` summed over one calendar month of one office (same cells, `month` = the
    month's first day). Rewritten from the day rows whenever days of the month are."""

    month = models.DateField(_("month (first day)"))

    class Meta:
        verbose_name = _("monthly roll-up value")
        verbose_name_plural = _("monthly roll-up values")
        constraints = [_one_row_per_cell("month", name="one_rollup_month_per_cell")]
        indexes = [
            models.Index(fields=["indicator", "month"], name="rollup_month_indicator"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator} {self.office_id} {self.month:%Y-%m}"


class DirtyOfficeDay(models.Model):
    """An office-day whose roll-ups a committed change made stale: written in the transaction of
    the change, removed once the background refresh (`rollups.refresh_dirty`) has recomputed it.
    A mark is never updated, only added and removed, so a change committed while a refresh runs
    leaves a mark of its own for the next one."""

    office = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    day = models.DateField(_("day"))
    marked_at = models.DateTimeField(_("marked at"), auto_now_add=True)

    class Meta:
        verbose_name = _("office-day to recompute")
        verbose_name_plural = _("office-days to recompute")

    def __str__(self) -> str:
        return f"{self.office_id} {self.day:%Y-%m-%d}"


class StoredRelease(models.Model):
    """One indicator's monthly release (`services/releases.py`) as built: every cell with its
    value and, when hidden, why. Built once and never changed, so a reader outside the office
    can never set two versions of a month side by side; `accounted` holds the records it counts
    (roll-up cells: office, row, sex, age band, value, weight), those of its month when it was
    built and those a later month took over since, so that what comes late is counted once,
    later."""

    indicator = models.CharField(_("indicator"), max_length=40)
    month = models.DateField(_("month (first day)"))
    offices = models.JSONField(_("offices"))
    rows = models.JSONField(_("rows"))
    cells = models.JSONField(_("cells"))
    accounted = models.JSONField(_("records counted"), default=list)
    built_at = models.DateTimeField(_("built at"))

    class Meta:
        verbose_name = _("stored release")
        verbose_name_plural = _("stored releases")
        constraints = [
            models.UniqueConstraint(fields=["indicator", "month"], name="one_release_per_month")
        ]

    def __str__(self) -> str:
        return f"{self.indicator} {self.month:%Y-%m}"


class RollupAdjustment(RollupCell):
    """What anonymising or purging records took out of a roll-up cell (`services/adjustments.py`).

    Retention and erasure change the raw records a day's numbers are computed from (a visit
    loses its person, a birth date becomes 1 July, old tickets go): the numbers published for
    that day must not move. Before such a change the office-days it touches are computed, and
    again after it; the difference is kept here and added to the computed rows by every
    recomputation and by a rebuild, so the roll-ups stay as they were. Aggregates only: an
    office, a day and a cell, never a record."""

    day = models.DateField(_("day (office time)"))

    class Meta:
        verbose_name = _("roll-up adjustment")
        verbose_name_plural = _("roll-up adjustments")
        constraints = [_one_row_per_cell("day", name="one_rollup_adjustment_per_cell")]
        indexes = [models.Index(fields=["office", "day"], name="rollup_adjustment_day")]

    def __str__(self) -> str:
        return f"{self.indicator} {self.office_id} {self.day} {self.value:+d}"
