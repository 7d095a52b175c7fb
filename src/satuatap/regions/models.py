"""Kemendagri administrative regions: province, regency/city, district, village."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RegionLevel(models.IntegerChoices):
    PROVINCE = 1, _("Province")
    REGENCY = 2, _("Regency or city")
    DISTRICT = 3, _("District (kecamatan)")
    VILLAGE = 4, _("Village (desa/kelurahan)")


class Region(models.Model):
    """One administrative area, identified by its dotted Kemendagri code (`32.09.01.2001`)."""

    # Set by the region API (api.py) on the region it returns.
    path: "list[Region]"

    code = models.CharField(_("code"), max_length=13, primary_key=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    level = models.PositiveSmallIntegerField(_("level"), choices=RegionLevel.choices)
    name = models.CharField(_("name"), max_length=120)

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["code"]
        indexes = [models.Index(fields=["parent", "name"]), models.Index(fields=["level", "name"])]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def digits(self) -> str:
        """The code without dots, as it appears inside a NIK (first six digits)."""
        return self.code.replace(".", "")


class RegionCodeChange(models.Model):
    """A Kemendagri code that changed. `moved`: the region itself took a new code and the old
    one was retired (Merauke 91.01 → 93.01 when Papua Selatan was formed in 2022). `split`: a
    new region was formed from part of the old one, which keeps its code (Papua 91 → Papua
    Selatan 93). A NIK never changes, so an old NIK still carries a retired code; this table
    says what that code is today. Loaded with the regions from `data/code_changes.csv`."""

    class Kind(models.TextChoices):
        MOVED = "moved", _("Moved to a new code")
        SPLIT = "split", _("Part of it became a new region")

    old_code = models.CharField(_("old code"), max_length=13)
    old_name = models.CharField(_("name under the old code"), max_length=120)
    new_region = models.ForeignKey(
        Region,
        verbose_name=_("region today"),
        on_delete=models.PROTECT,
        related_name="former_codes",
    )
    kind = models.CharField(_("change"), max_length=8, choices=Kind.choices)
    changed_on = models.DateField(_("changed on"))
    source = models.CharField(_("source"), max_length=200)

    class Meta:
        verbose_name = _("region code change")
        verbose_name_plural = _("region code changes")
        ordering = ["old_code", "new_region"]
        constraints = [
            models.UniqueConstraint(
                fields=["old_code", "new_region"], name="one_change_per_old_and_new_code"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.old_code} → {self.new_region_id}"
