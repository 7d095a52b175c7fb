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
