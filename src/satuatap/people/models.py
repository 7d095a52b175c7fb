"""The person registry (basis data PMI): one record per person the office serves."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from satuatap.core.models import Organisation
from satuatap.regions.models import Region


class Sex(models.TextChoices):
    FEMALE = "F", _("Woman")
    MALE = "M", _("Man")
    NOT_RECORDED = "U", _("Not recorded")


ADULT_AGE = 18


class Person(models.Model):
    office = models.ForeignKey(
        Organisation,
        verbose_name=_("registering office"),
        on_delete=models.PROTECT,
        related_name="people",
    )
    nik = models.CharField(
        _("NIK"),
        max_length=16,
        null=True,
        blank=True,
        help_text=_("16-digit national ID number (Nomor Induk Kependudukan)."),
    )
    full_name = models.CharField(_("full name"), max_length=200)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices, default=Sex.NOT_RECORDED)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    birth_place = models.CharField(_("place of birth"), max_length=120, blank=True)
    village = models.ForeignKey(
        Region,
        verbose_name=_("village"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    address = models.CharField(_("address"), max_length=255, blank=True)
    has_specific_data = models.BooleanField(
        _("holds specific (sensitive) personal data"),
        default=False,
        help_text=_("UU 27/2022: health, criminal record, financial or children's data."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registered by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["full_name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["nik"], condition=Q(nik__isnull=False), name="unique_person_nik"
            ),
            models.CheckConstraint(
                name="nik_is_16_characters",
                condition=Q(nik__isnull=True) | Q(nik__regex=r"^[0-9]{16}$"),
            ),
        ]
        indexes = [models.Index(fields=["office", "full_name"])]

    def __str__(self) -> str:
        return f"person #{self.pk}"

    def age_on(self, day: datetime.date) -> int | None:
        if self.birth_date is None:
            return None
        born = self.birth_date
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))

    @property
    def is_child(self) -> bool:
        age = self.age_on(datetime.date.today())
        return age is not None and age < ADULT_AGE

    @property
    def is_sensitive(self) -> bool:
        """Reading this record must be logged with a purpose."""
        return self.has_specific_data or self.is_child

    @property
    def masked_nik(self) -> str:
        return f"{self.nik[:4]}********{self.nik[-4:]}" if self.nik else ""
