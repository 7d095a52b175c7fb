"""The registers of personal-data protection (UU 27/2022): data-subject requests, kept by each
office, and personal-data breaches, kept nationally by the data-protection officer.

Free text that may carry personal detail (who asked, how to reach them, what they asked, what
was answered, how a breach happened) is in `EncryptedTextField` columns, which the audit trail
leaves out. Neither register says anything about MRC cases: a request about someone in a case
looks like every other request, and a breach never lists the people it affected (how many, and
which kinds of data, only).
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from satuatap.core.encryption import EncryptedTextField
from satuatap.core.models import Organisation
from satuatap.people.models import ErasureRequest, Person

# --- Data-subject requests -------------------------------------------------------------------


class RequestType(models.TextChoices):
    ACCESS = "access", _("Access and a copy of the data")
    CORRECTION = "correction", _("Correction or completion of the data")
    ERASURE = "erasure", _("Erasure of the data")
    WITHDRAWAL = "withdrawal", _("Withdrawal of consent")
    OBJECTION = "objection", _("Objection to an automated decision")
    RESTRICTION = "restriction", _("Restriction or suspension of processing")


class RequestChannel(models.TextChoices):
    IN_PERSON = "in_person", _("In person at the office")
    LETTER = "letter", _("Letter")
    EMAIL = "email", _("E-mail")
    PHONE = "phone", _("Telephone")
    MESSAGE = "message", _("WhatsApp or text message")
    OTHER = "other", _("Other")


class RequesterRelation(models.TextChoices):
    SELF = "self", _("The person themselves")
    GUARDIAN = "guardian", _("A parent or guardian")
    REPRESENTATIVE = "representative", _("A representative with a power of attorney")


class RequestStatus(models.TextChoices):
    RECEIVED = "received", _("Received")
    IN_PROGRESS = "in_progress", _("In progress")
    ANSWERED = "answered", _("Answered")
    REFUSED = "refused", _("Refused")
    WITHDRAWN = "withdrawn", _("Withdrawn by the requester")


OPEN_REQUEST_STATUSES = (RequestStatus.RECEIVED, RequestStatus.IN_PROGRESS)
CLOSED_REQUEST_STATUSES = (RequestStatus.ANSWERED, RequestStatus.REFUSED, RequestStatus.WITHDRAWN)


class RequestAction(models.TextChoices):
    """What the office did to answer a request."""

    COPY_GIVEN = "copy_given", _("A copy of the data was given")
    CORRECTED = "corrected", _("The record was corrected or completed")
    ERASED = "erased", _("The record was erased")
    CONSENT_WITHDRAWN = "consent_withdrawn", _("The consent is recorded as withdrawn")
    PROCESSING_RESTRICTED = "restricted", _("Processing was restricted or suspended")
    DECISION_REVIEWED = "decision_reviewed", _("The decision was reviewed by a person")
    NO_DATA = "no_data", _("The office holds no data on the person")
    OTHER = "other", _("Other (see the note)")


class RefusalReason(models.TextChoices):
    IDENTITY = "identity", _("The requester's identity or authority could not be verified")
    ENDANGERS = (
        "endangers",
        _("Answering would endanger the safety or health of the person or of someone else"),
    )
    OTHERS_DATA = "others_data", _("Answering would disclose another person's data")
    LEGAL_DUTY = "legal_duty", _("A law requires the data to be kept or processed")
    EXCEPTION = (
        "exception",
        _(
            "An exception of the law applies (defence and security, law enforcement, "
            "the public interest, statistics or research)"
        ),
    )
    OTHER = "other", _("Other (see the note)")


class SubjectRequest(models.Model):
    """A request of a data subject (or their guardian or representative) to the office: what
    was asked, when and how it came in, by when it must be answered, and the answer."""

    office = models.ForeignKey(
        Organisation, verbose_name=_("office"), on_delete=models.PROTECT, related_name="+"
    )
    request_type = models.CharField(_("request"), max_length=16, choices=RequestType.choices)
    received_at = models.DateTimeField(_("received at"))
    channel = models.CharField(
        _("received by way of"), max_length=16, choices=RequestChannel.choices
    )
    person = models.ForeignKey(
        Person,
        verbose_name=_("person in the registry"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    requester_relation = models.CharField(
        _("made by"),
        max_length=16,
        choices=RequesterRelation.choices,
        default=RequesterRelation.SELF,
    )
    requester_name = EncryptedTextField(_("name of the requester"), blank=True)
    requester_contact = EncryptedTextField(_("how to reach the requester"), blank=True)
    description = EncryptedTextField(_("what is asked"), blank=True)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("received by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    registered_at = models.DateTimeField(_("registered at"), auto_now_add=True)
    status = models.CharField(
        _("status"), max_length=16, choices=RequestStatus.choices, default=RequestStatus.RECEIVED
    )
    due_at = models.DateTimeField(_("to be answered by"))
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    action = models.CharField(
        _("what was done"), max_length=24, choices=RequestAction.choices, blank=True
    )
    refusal_reason = models.CharField(
        _("reason for refusing"), max_length=16, choices=RefusalReason.choices, blank=True
    )
    outcome_note = EncryptedTextField(_("answer"), blank=True)
    erasure_request = models.ForeignKey(
        ErasureRequest,
        verbose_name=_("erasure"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    anonymised_at = models.DateTimeField(_("anonymised at"), null=True, blank=True)

    class Meta:
        verbose_name = _("data-subject request")
        verbose_name_plural = _("data-subject requests")
        ordering = ["due_at", "pk"]
        indexes = [
            models.Index(fields=["office", "status", "due_at"], name="subject_request_due"),
        ]
        constraints = [
            models.CheckConstraint(
                name="subject_request_closed_has_answer_time",
                condition=Q(status__in=OPEN_REQUEST_STATUSES) | Q(answered_at__isnull=False),
            ),
            models.CheckConstraint(
                name="subject_request_refusal_has_reason",
                condition=~Q(status=RequestStatus.REFUSED) | ~Q(refusal_reason=""),
            ),
            models.CheckConstraint(
                name="subject_request_due_after_receipt",
                condition=Q(due_at__gt=models.F("received_at")),
            ),
        ]

    def __str__(self) -> str:
        return f"subject request #{self.pk}"

    @property
    def reference(self) -> str:
        return f"PDP-{self.pk:05d}" if self.pk else ""

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_REQUEST_STATUSES

    def is_overdue(self, now: datetime.datetime | None = None) -> bool:
        return self.is_open and (now or timezone.now()) > self.due_at

    @property
    def was_answered_late(self) -> bool:
        return (
            self.status in (RequestStatus.ANSWERED, RequestStatus.REFUSED)
            and self.answered_at is not None
            and self.answered_at > self.due_at
        )


# --- Breaches --------------------------------------------------------------------------------


class BreachStatus(models.TextChoices):
    REPORTED = "reported", _("Reported, being assessed")
    CONFIRMED = "confirmed", _("Confirmed")
    NOT_A_BREACH = "not_a_breach", _("Not a personal-data breach")
    CLOSED = "closed", _("Closed")


OPEN_BREACH_STATUSES = (BreachStatus.REPORTED, BreachStatus.CONFIRMED)


class DataCategory(models.TextChoices):
    IDENTITY = "identity", _("Identity (name, NIK, date of birth)")
    CONTACT = "contact", _("Contact details and address")
    DOCUMENTS = "documents", _("Scans of identity and travel documents")
    MIGRATION = "migration", _("Migration and employment history")
    FAMILY = "family", _("Family members")
    HEALTH = "health", _("Health and disability")
    CHILDREN = "children", _("Data of children")
    MRC = "mrc", _("MRC counselling, complaints and case data")
    ACCOUNTS = "accounts", _("Staff accounts and passwords")
    OTHER = "other", _("Other")


class Breach(models.Model):
    """A failure of personal-data protection (UU 27/2022 Pasal 46): what data, how many people,
    when and how, the consequences, what is done about it, and the written notices given."""

    office = models.ForeignKey(
        Organisation,
        verbose_name=_("reported by the office"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reported by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    reported_at = models.DateTimeField(_("reported at"), auto_now_add=True)
    title = models.CharField(_("short title"), max_length=200)
    discovered_at = models.DateTimeField(_("discovered at"))
    occurred_at = models.DateTimeField(_("happened at"), null=True, blank=True)
    data_categories = models.JSONField(_("kinds of data"), default=list, blank=True)
    subject_count = models.PositiveIntegerField(_("number of people affected"), null=True)
    how = EncryptedTextField(_("how it happened"))
    consequences = EncryptedTextField(_("likely consequences for the people"), blank=True)
    remediation = EncryptedTextField(_("handling and recovery"), blank=True)
    advice = EncryptedTextField(_("what the people can do"), blank=True)
    contact = models.CharField(_("contact for questions"), max_length=300, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=BreachStatus.choices, default=BreachStatus.REPORTED
    )
    assessed_at = models.DateTimeField(_("assessed at"), null=True, blank=True)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assessed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    closure_note = EncryptedTextField(_("closing note"), blank=True)

    class Meta:
        verbose_name = _("personal-data breach")
        verbose_name_plural = _("personal-data breaches")
        ordering = ["-discovered_at", "-pk"]
        indexes = [models.Index(fields=["status", "discovered_at"], name="breach_status")]
        constraints = [
            models.CheckConstraint(
                name="breach_happened_before_discovery",
                condition=Q(occurred_at__isnull=True)
                | Q(occurred_at__lte=models.F("discovered_at")),
            ),
        ]

    def __str__(self) -> str:
        return f"breach #{self.pk}"

    @property
    def reference(self) -> str:
        return f"KDP-{self.pk:04d}" if self.pk else ""

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_BREACH_STATUSES

    @property
    def category_labels(self) -> list[str]:
        known = dict(DataCategory.choices)
        return [str(known[code]) for code in self.data_categories if code in known]


class NoticeRecipient(models.TextChoices):
    SUBJECTS = "subjects", _("The people whose data it is")
    AUTHORITY = "authority", _("The personal-data protection authority")
    PUBLIC = "public", _("The public")


# The recipients Pasal 46(1) names; a notice to the public (Pasal 46(3)) is "in certain cases".
REQUIRED_RECIPIENTS = (NoticeRecipient.SUBJECTS, NoticeRecipient.AUTHORITY)


class NoticeMethod(models.TextChoices):
    LETTER = "letter", _("Letter")
    EMAIL = "email", _("E-mail")
    MESSAGE = "message", _("WhatsApp or text message")
    IN_PERSON = "in_person", _("In person")
    WEBSITE = "website", _("Announcement on the website")
    OTHER = "other", _("Other")


class BreachNotice(models.Model):
    """A written notice given about a breach, with the letter as it was when it was recorded."""

    breach = models.ForeignKey(
        Breach, verbose_name=_("breach"), on_delete=models.PROTECT, related_name="notices"
    )
    recipient = models.CharField(_("notified"), max_length=16, choices=NoticeRecipient.choices)
    sent_at = models.DateTimeField(_("sent at"))
    method = models.CharField(_("how"), max_length=16, choices=NoticeMethod.choices)
    recipient_count = models.PositiveIntegerField(_("number of people notified"), null=True)
    reference = models.CharField(_("letter number"), max_length=100, blank=True)
    letter = EncryptedTextField(_("letter"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("breach notice")
        verbose_name_plural = _("breach notices")
        ordering = ["sent_at", "pk"]

    def __str__(self) -> str:
        return f"breach notice #{self.pk}"
