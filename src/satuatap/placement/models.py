"""Placement agencies (P3MI) with their SIP3MI licence, and the job orders (SIP2MI) an office
publishes. Agencies are licensed nationally, so they belong to no office; a job order belongs to
the office that publishes it."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_countries.fields import CountryField

from satuatap.core.encryption import EncryptedTextField
from satuatap.core.models import Organisation
from satuatap.people.models import Person, Sector, Sex

currency_code = RegexValidator(
    r"^[A-Z]{3}$", _("Give the three-letter ISO 4217 currency code, such as HKD or TWD.")
)


class AgencyStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    SUSPENDED = "suspended", _("Suspended")
    REVOKED = "revoked", _("Revoked")


class LicenceState(models.TextChoices):
    """What an agency's licence is worth on a given day."""

    VALID = "valid", _("Licence valid")
    NOT_YET_VALID = "not_yet_valid", _("Licence not yet valid")
    EXPIRED = "expired", _("Licence expired")
    SUSPENDED = "suspended", _("Licence suspended")
    REVOKED = "revoked", _("Licence revoked")


class Agency(models.Model):
    """A private placement agency (P3MI) and its SIP3MI licence."""

    name = models.CharField(_("name"), max_length=200)
    licence_number = models.CharField(_("licence (SIP3MI) number"), max_length=64, unique=True)
    licence_valid_from = models.DateField(_("licence valid from"))
    licence_valid_until = models.DateField(_("licence valid until"))
    status = models.CharField(
        _("status"), max_length=16, choices=AgencyStatus.choices, default=AgencyStatus.ACTIVE
    )
    branches = models.TextField(
        _("branch offices"), blank=True, help_text=_("One branch office per line.")
    )
    address = models.TextField(_("head office address"), blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    email = models.EmailField(_("email"), blank=True)
    contact_person = models.CharField(_("contact person"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("agency (P3MI)")
        verbose_name_plural = _("agencies (P3MI)")
        ordering = ["name", "pk"]
        constraints = [
            models.CheckConstraint(
                name="agency_licence_ends_after_start",
                condition=Q(licence_valid_until__gte=F("licence_valid_from")),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def licence_state(self, on: datetime.date) -> LicenceState:
        """The licence's state on `on`: valid through the last day of validity included."""
        if self.status == AgencyStatus.REVOKED:
            return LicenceState.REVOKED
        if self.status == AgencyStatus.SUSPENDED:
            return LicenceState.SUSPENDED
        if on < self.licence_valid_from:
            return LicenceState.NOT_YET_VALID
        if on > self.licence_valid_until:
            return LicenceState.EXPIRED
        return LicenceState.VALID

    def has_valid_licence(self, on: datetime.date) -> bool:
        return self.licence_state(on) == LicenceState.VALID

    def branch_list(self) -> list[str]:
        return [line.strip() for line in self.branches.splitlines() if line.strip()]


class ConcernKind(models.TextChoices):
    FEES = "fees", _("Fees charged to workers above the rules")
    RECRUITING = "recruiting", _("Recruiting without a valid licence or outside its branches")
    DOCUMENTS = "documents", _("Documents or contracts withheld, false or not explained")
    TREATMENT = "treatment", _("How the agency treats workers")
    LIST_DATA = "list_data", _("The licence or contact data in the list look wrong")
    OTHER = "other", _("Other")


class ConcernStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("concern status", "Open")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    RESOLVED = "resolved", _("Resolved")


# Longest concern text and resolution note, in characters (forms and API alike).
CONCERN_TEXT_MAX = 2000


class AgencyConcern(models.Model):
    """A concern an office raises about an agency, for the ministry to review: the office
    cannot change the national list itself. Open → acknowledged → resolved (with a note), or
    open → resolved. The texts are encrypted: though they must hold no worker's personal data,
    one may still name a complaining worker."""

    agency = models.ForeignKey(
        Agency, verbose_name=_("agency (P3MI)"), on_delete=models.PROTECT, related_name="concerns"
    )
    office = models.ForeignKey(
        Organisation,
        verbose_name=_("office"),
        on_delete=models.PROTECT,
        related_name="agency_concerns",
    )
    kind = models.CharField(_("what it is about"), max_length=16, choices=ConcernKind.choices)
    text = EncryptedTextField(_("what the office saw"))
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("raised by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    raised_at = models.DateTimeField(_("raised at"), auto_now_add=True)
    status = models.CharField(
        _("status"), max_length=16, choices=ConcernStatus.choices, default=ConcernStatus.OPEN
    )
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("acknowledged by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("resolved by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    resolution_note = EncryptedTextField(_("what the ministry did"), blank=True)

    class Meta:
        verbose_name = _("concern about an agency")
        verbose_name_plural = _("concerns about agencies")
        ordering = ["-raised_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "raised_at"]),
            models.Index(fields=["agency", "office"]),
        ]
        constraints = [
            models.CheckConstraint(
                name="agency_concern_dates_follow_status",
                condition=(
                    Q(status="open", acknowledged_at__isnull=True, resolved_at__isnull=True)
                    | Q(
                        status="acknowledged",
                        acknowledged_at__isnull=False,
                        resolved_at__isnull=True,
                    )
                    | Q(status="resolved", resolved_at__isnull=False)
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agency} — {self.get_kind_display()} ({self.office})"

    @property
    def is_closed(self) -> bool:
        return self.status == ConcernStatus.RESOLVED


class Scheme(models.TextChoices):
    """The placement schemes of UU 18/2017."""

    GOVERNMENT = "g2g", _("Government (G to G / G to P)")
    P3MI = "p3mi", _("Private agency (P3MI)")
    OWN_COMPANY = "own_company", _("Company placing its own workers")
    INDIVIDUAL = "individual", _("Individual (perseorangan)")


class JobOrder(models.Model):
    """A job order with its SIP2MI permit, published by an office."""

    office = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="job_orders")
    agency = models.ForeignKey(
        Agency,
        verbose_name=_("agency (P3MI)"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="job_orders",
    )
    scheme = models.CharField(_("scheme"), max_length=16, choices=Scheme.choices)
    permit_number = models.CharField(_("permit (SIP2MI) number"), max_length=64, unique=True)
    permit_valid_from = models.DateField(_("permit valid from"))
    permit_valid_until = models.DateField(_("permit valid until"))
    country = CountryField(_("destination country"))
    employer = models.CharField(_("employer"), max_length=200)
    sector = models.CharField(_("sector"), max_length=16, choices=Sector.choices)
    occupation = models.CharField(_("occupation"), max_length=200)
    quota_women = models.PositiveIntegerField(_("quota (women)"), default=0)
    quota_men = models.PositiveIntegerField(_("quota (men)"), default=0)
    salary_amount = models.DecimalField(_("monthly salary"), max_digits=12, decimal_places=2)
    salary_currency = models.CharField(
        _("salary currency"), max_length=3, validators=[currency_code]
    )
    worker_fee_idr = models.PositiveBigIntegerField(_("fees charged to the worker (Rp)"), default=0)
    contract_months = models.PositiveSmallIntegerField(_("contract length (months)"))
    closing_date = models.DateField(_("closing date"))
    is_published = models.BooleanField(_("published on the job board"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("job order")
        verbose_name_plural = _("job orders")
        ordering = ["closing_date", "pk"]
        constraints = [
            models.CheckConstraint(
                name="job_order_permit_ends_after_start",
                condition=Q(permit_valid_until__gte=F("permit_valid_from")),
            ),
            models.CheckConstraint(
                name="job_order_quota_not_negative",
                condition=Q(quota_women__gte=0, quota_men__gte=0),
            ),
            models.CheckConstraint(
                name="job_order_salary_not_negative", condition=Q(salary_amount__gte=0)
            ),
            models.CheckConstraint(
                name="job_order_contract_positive", condition=Q(contract_months__gt=0)
            ),
            models.CheckConstraint(
                name="job_order_p3mi_has_agency",
                condition=~Q(scheme="p3mi") | Q(agency__isnull=False),
            ),
        ]
        indexes = [models.Index(fields=["office", "is_published", "closing_date"])]

    def __str__(self) -> str:
        return f"{self.permit_number} — {self.occupation}"

    @property
    def quota_total(self) -> int:
        return self.quota_women + self.quota_men

    def has_valid_permit(self, on: datetime.date) -> bool:
        return self.permit_valid_from <= on <= self.permit_valid_until


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
    contacts_abroad = models.TextField(
        _("contacts abroad"),
        blank=True,
        help_text=_("Agency representative, embassy or consulate, fellow workers."),
    )
    return_date = models.DateField(_("return date"), null=True, blank=True)
    return_reason = models.CharField(
        _("reason for return"), max_length=20, choices=ReturnReason.choices, blank=True
    )
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
        return self.job_order.employer if self.job_order_id else ""

    def destination(self):
        """The destination country: the file's own, else its job order's."""
        if self.country:
            return self.country
        return self.job_order.country if self.job_order_id else self.country

    def contract_length(self) -> int | None:
        if self.contract_months:
            return self.contract_months
        return self.job_order.contract_months if self.job_order_id else None


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


# The sub-domains' models belong to this app (app label "placement", their tables unchanged):
# importing their modules here registers them when Django loads the app's models.
from satuatap.placement.training import models as training_models  # noqa: E402,F401
