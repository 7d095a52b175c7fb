"""Placement files: a prospective worker's way from registration to departure and back, with
its dated stage history, the readiness overrides an officer granted, the document checklist
rules and what each scheme asks of a file.

These models belong to the placement app (app label `placement`, tables `placement_placementfile`…):
`satuatap.placement.models` imports this module so that Django registers them with the app.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from satuatap.core.models import Organisation
from satuatap.people.models import Person, Sector, Sex
from satuatap.placement.models import JobOrder, Scheme

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise as StrOrPromise


class Stage(models.TextChoices):
    """The steps of a placement file, in the order of the domain brief (section 3)."""

    REGISTRATION = "registration", _("Registration")
    SELECTION = "selection", _("Selection")
    MEDICAL = "medical", _("Medical and psychological check")
    TRAINING = "training", _("Training and competency")
    AGREEMENT = "agreement", _("Placement agreement")
    PASSPORT = "passport", _("Passport")
    VISA_CONTRACT = "visa_contract", _("Visa and work contract")
    BPJS = "bpjs", _("BPJS enrolment")
    OPP = "opp", _("Pre-departure orientation (OPP)")
    READY = "ready", _("Ready to depart")
    DEPARTED = "departed", _("Departed")
    RETURNED = "returned", _("Returned")
    CANCELLED = "cancelled", _("Cancelled")


# The stages before "ready", in order; a file moves freely among them.
PREPARATION_STAGES = (
    Stage.REGISTRATION,
    Stage.SELECTION,
    Stage.MEDICAL,
    Stage.TRAINING,
    Stage.AGREEMENT,
    Stage.PASSPORT,
    Stage.VISA_CONTRACT,
    Stage.BPJS,
    Stage.OPP,
)
CLOSED_STAGES = (Stage.RETURNED, Stage.CANCELLED)
# Files that hold a place in a job order's quota.
QUOTA_STAGES = (Stage.READY, Stage.DEPARTED, Stage.RETURNED)


class ReturnReason(models.TextChoices):
    CONTRACT_FINISHED = "contract_finished", _("Contract finished")
    EARLY_RETURN = "early_return", _("Early return")
    DEPORTED = "deported", _("Deported")
    SICK = "sick", _("Sick")
    DECEASED = "deceased", _("Deceased")
    PROBLEM = "problem", _("Problem (complaint, abuse, dispute)")


class SchemePolicy(models.Model):
    """What a scheme asks of every file under it, beyond the document checklist."""

    scheme = models.CharField(_("scheme"), max_length=16, choices=Scheme.choices, unique=True)
    minimum_age = models.PositiveSmallIntegerField(_("minimum age"), default=18)
    needs_job_order = models.BooleanField(
        _("needs a job order"),
        default=True,
        help_text=_("Otherwise the employer is named on the file."),
    )

    class Meta:
        verbose_name = _("scheme policy")
        verbose_name_plural = _("scheme policies")
        ordering = ["scheme"]
        constraints = [
            models.CheckConstraint(
                name="scheme_minimum_age_adult", condition=Q(minimum_age__gte=18)
            )
        ]

    def __str__(self) -> str:
        return self.get_scheme_display()


class ChecklistRule(models.Model):
    """One rule of the document checklist: `document_type` is required for every file that
    matches all the rule's non-blank conditions. A document is required when any active rule
    requires it. Rules are data: an administrator edits them."""

    class MaritalCondition(models.TextChoices):
        MARRIED = "married", _("Married")
        NOT_MARRIED = "not_married", _("Not married (single, divorced or widowed)")

    document_type = models.ForeignKey(
        "people.DocumentType",
        verbose_name=_("document type"),
        on_delete=models.PROTECT,
        related_name="checklist_rules",
    )
    scheme = models.CharField(_("scheme"), max_length=16, choices=Scheme.choices, blank=True)
    country = CountryField(_("destination country"), blank=True)
    sector = models.CharField(_("sector"), max_length=16, choices=Sector.choices, blank=True)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices, blank=True)
    marital = models.CharField(
        _("marital status"), max_length=16, choices=MaritalCondition.choices, blank=True
    )
    legal_basis = models.CharField(_("legal basis or reason"), max_length=200, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("checklist rule")
        verbose_name_plural = _("checklist rules")
        ordering = ["document_type__order", "pk"]

    def __str__(self) -> str:
        return f"{self.document_type.code} rule #{self.pk}"


class PlacementFile(models.Model):
    """A prospective worker's way from registration to departure and back."""

    office = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="placement_files"
    )
    scheme = models.CharField(_("scheme"), max_length=16, choices=Scheme.choices)
    job_order = models.ForeignKey(
        JobOrder,
        verbose_name=_("job order"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="placement_files",
    )
    # For schemes without a job order (individual, G to G) and while abroad.
    employer = models.CharField(_("employer"), max_length=200, blank=True)
    employer_address = models.CharField(_("employer's address"), max_length=255, blank=True)
    employer_phone = models.CharField(_("employer's phone"), max_length=32, blank=True)
    country = CountryField(_("destination country"), blank=True)
    sector = models.CharField(_("sector"), max_length=16, choices=Sector.choices, blank=True)
    occupation = models.CharField(_("occupation"), max_length=200, blank=True)
    contract_months = models.PositiveSmallIntegerField(
        _("contract length (months)"), null=True, blank=True
    )
    fee_charged_idr = models.PositiveBigIntegerField(
        _("fees the worker says were charged (Rp)"), null=True, blank=True
    )
    stage = models.CharField(
        _("stage"), max_length=16, choices=Stage.choices, default=Stage.REGISTRATION
    )
    stage_since = models.DateField(_("in this stage since"))
    departure_date = models.DateField(_("departure date"), null=True, blank=True)
    # The day the worker is expected to leave, while preparing: the departure reminder
    # (placement.notices) goes a few days before it. `departure_date` is the day they left.
    planned_departure_on = models.DateField(
        _("planned departure date"),
        null=True,
        blank=True,
        help_text=_("The worker gets a reminder on their phone a few days before."),
    )
    contacts_abroad = models.TextField(
        _("contacts abroad"),
        blank=True,
        help_text=_("Agency representative, embassy or consulate, fellow workers."),
    )
    return_date = models.DateField(_("return date"), null=True, blank=True)
    return_reason = models.CharField(
        _("reason for return"), max_length=20, choices=ReturnReason.choices, blank=True
    )
    # The national placement system (SISKOP2MI): its reference of this file, the worker's
    # E-KPMI (e-PMI) card number, and the last status it reported (placement/national).
    national_reference = models.CharField(_("SISKOP2MI file reference"), max_length=64, blank=True)
    ekpmi_number = models.CharField(_("E-KPMI (e-PMI) number"), max_length=32, blank=True)
    national_status = models.CharField(_("status in SISKOP2MI"), max_length=64, blank=True)
    national_status_on = models.DateField(_("SISKOP2MI status date"), null=True, blank=True)
    mrc_case_reference = models.CharField(
        _("MRC case number"),
        max_length=32,
        blank=True,
        help_text=_("The number of the MRC case opened about this placement, if there was one."),
    )
    cancel_reason = models.CharField(_("reason for cancelling"), max_length=255, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Set by the retention schedule (placement/retention.py) once the closed file is anonymised.
    anonymised_at = models.DateTimeField(_("anonymised at"), null=True, blank=True)

    class Meta:
        verbose_name = _("placement file")
        verbose_name_plural = _("placement files")
        ordering = ["-created_at", "-pk"]
        constraints = [
            # One open file per person: a second placement starts after the first is closed.
            models.UniqueConstraint(
                fields=["person"],
                condition=~Q(stage__in=["returned", "cancelled"]),
                name="one_open_placement_file_per_person",
            ),
        ]
        indexes = [
            models.Index(fields=["office", "stage"]),
            models.Index(fields=["job_order", "stage"]),
        ]

    def __str__(self) -> str:
        return f"placement file #{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.stage not in CLOSED_STAGES

    def employer_name(self) -> str:
        if self.employer:
            return self.employer
        job_order = self.job_order
        return job_order.employer if job_order is not None else ""

    def destination(self):
        """The destination country: the file's own, else its job order's."""
        if self.country:
            return self.country
        return self.job_order.country if self.job_order_id else self.country

    def contract_length(self) -> int | None:
        if self.contract_months:
            return self.contract_months
        job_order = self.job_order
        return job_order.contract_months if job_order is not None else None


class GateOverride(models.Model):
    """An officer's written decision to let a file pass one readiness condition it fails.
    It is used by the next move to "ready" and reported to the office head."""

    file = models.ForeignKey(PlacementFile, on_delete=models.CASCADE, related_name="overrides")
    gate = models.CharField(_("condition"), max_length=32)
    reason = models.TextField(_("reason"))
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    granted_at = models.DateTimeField(auto_now_add=True)
    used_at = models.DateTimeField(null=True, blank=True)

    # Set by the file page (views/files.py) for its template.
    gate_label: StrOrPromise

    class Meta:
        verbose_name = _("readiness override")
        verbose_name_plural = _("readiness overrides")
        ordering = ["-granted_at", "-pk"]

    def __str__(self) -> str:
        return f"override #{self.pk} ({self.gate})"


class StageChange(models.Model):
    """One dated step in a file's history: who moved it, from where to where, and why."""

    file = models.ForeignKey(PlacementFile, on_delete=models.CASCADE, related_name="history")
    from_stage = models.CharField(_("from"), max_length=16, choices=Stage.choices, blank=True)
    to_stage = models.CharField(_("to"), max_length=16, choices=Stage.choices)
    effective_date = models.DateField(_("date"))
    note = models.CharField(_("note"), max_length=255, blank=True)
    overrides = models.ManyToManyField(GateOverride, blank=True, related_name="+")
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("stage change")
        verbose_name_plural = _("stage changes")
        ordering = ["changed_at", "pk"]

    def __str__(self) -> str:
        return f"stage change #{self.pk}"
