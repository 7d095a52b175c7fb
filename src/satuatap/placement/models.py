"""Placement agencies (P3MI) with their SIP3MI licence, the concerns offices raise about them,
and the job orders (SIP2MI) an office publishes. Agencies are licensed nationally, so they belong
to no office; a job order belongs to the office that publishes it.

The sub-domains' models live in their packages (`files/models.py`, `training/models.py`) and
belong to this app all the same: they are imported at the end of this module."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_countries.fields import CountryField

from satuatap.core.currencies import format_money
from satuatap.core.encryption import EncryptedTextField
from satuatap.core.i18n import in_language
from satuatap.core.models import Organisation
from satuatap.people.models import Sector

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
    # The job title in both languages: Indonesian is required, English falls back to it.
    occupation = models.CharField(_("job title (Indonesian)"), max_length=200)
    occupation_en = models.CharField(
        _("job title (English)"),
        max_length=200,
        blank=True,
        help_text=_("Leave empty to show the Indonesian title to English readers too."),
    )
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
        return f"{self.permit_number} — {self.title}"

    @property
    def title(self) -> str:
        """The job title in the reader's language (the Indonesian title as the fallback)."""
        return in_language(self.occupation, self.occupation_en)

    @property
    def salary(self) -> str:
        """The monthly salary formatted for the reader's language (`KRW 2.060.740`)."""
        return format_money(self.salary_amount, self.salary_currency)

    @property
    def quota_total(self) -> int:
        return self.quota_women + self.quota_men

    def has_valid_permit(self, on: datetime.date) -> bool:
        return self.permit_valid_from <= on <= self.permit_valid_until


# The sub-domains' models belong to this app (app label "placement", their tables unchanged):
# importing their modules here registers them when Django loads the app's models.
from satuatap.placement.files import models as files_models  # noqa: E402,F401
from satuatap.placement.national import models as national_models  # noqa: E402,F401
from satuatap.placement.training import models as training_models  # noqa: E402,F401
