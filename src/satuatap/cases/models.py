"""MRC work: information and counselling contacts, complaints handled as cases, consent to
share, and referrals to partner organisations.

What a survivor says, and any free text that could tell her story or where she is (narratives,
notes, safety details, plan items, the employer, the recruiter, the complainant's relation, the
interpreter language, a consent's witness, a referral's service, message, decline reason and
feedback, attachment titles) is held in `EncryptedTextField` columns, which the audit trail
leaves out; `tests/cases/test_encryption_coverage.py` fails on any new plain text field. The
attached files are encrypted too (`core.storage.EncryptedStorage`). Who may read a case at all
is decided in `rules.py`, and every read of a restricted case is logged with its purpose
(core.audit).
"""

from __future__ import annotations

import datetime
import uuid

from django import forms
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from satuatap.core.encryption import EncryptedTextField
from satuatap.core.models import Organisation
from satuatap.core.storage import encrypted_storage
from satuatap.people.models import Person, Sex
from satuatap.placement.models import Agency


class Channel(models.TextChoices):
    WALK_IN = "walk_in", _("Walk-in")
    OUTREACH = "outreach", _("Outreach")
    PHONE = "phone", _("Phone")
    ONLINE = "online", _("WhatsApp or online")


class PersonServed(models.TextChoices):
    WORKER = "worker", _("Migrant worker (abroad)")
    PROSPECTIVE = "prospective", _("Prospective migrant worker")
    RETURNEE = "returnee", _("Returned migrant worker")
    FAMILY = "family", _("Family member")
    OTHER = "other", _("Other")


class AgeBand(models.TextChoices):
    UNDER_18 = "0-17", _("Under 18")
    YOUNG = "18-24", _("18–24")
    ADULT = "25-39", _("25–39")
    MIDDLE = "40-59", _("40–59")
    OLDER = "60+", _("60 and over")
    NOT_RECORDED = "unknown", _("Not recorded")


class ContactKind(models.TextChoices):
    INFORMATION = "information", _("Information request")
    COUNSELLING = "counselling", _("Counselling session")


class Topic(models.TextChoices):
    SAFE_MIGRATION = "safe_migration", _("Safe migration and procedures")
    DOCUMENTS = "documents", _("Documents")
    JOBS = "jobs", _("Jobs and agencies")
    RIGHTS = "rights", _("Rights and contracts")
    GBV = "gbv", _("Violence and harassment")
    TRAFFICKING = "trafficking", _("Trafficking")
    CHILD_AT_RISK = "child_at_risk", _("A child at risk")
    REMITTANCE = "remittance", _("Money and remittances")
    REINTEGRATION = "reintegration", _("Return and reintegration")
    FAMILY = "family", _("Family left behind")
    OTHER = "other", _("Other")


# A contact on one of these topics that names a person (the person, or named participants of a
# group) is restricted like a restricted case (rules.py).
SENSITIVE_TOPICS = frozenset({Topic.GBV, Topic.TRAFFICKING, Topic.CHILD_AT_RISK})


class ContactSource(models.TextChoices):
    STAFF = "staff", _("Recorded by the office")
    PORTAL_HELP = "portal_help", _("Request for help from the portal")
    PORTAL_REPORT = "portal_report", _("Unlicensed recruiter reported in the portal")
    PARTNER = "partner", _("Referral from a partner")


class Contact(models.Model):
    """One information or counselling contact, with one person or a group.

    A contact from the public portal (`source`, written by `cases.portal_intake.services`) has
    no person and no recorder: what the person wrote is in `notes`, the safe way and time to
    reach them in `reach`, both encrypted; the counsellors of the office follow it up."""

    office = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=16, choices=ContactKind.choices)
    is_group = models.BooleanField(_("group session"), default=False)
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    topic = models.CharField(_("topic"), max_length=20, choices=Topic.choices)
    served = models.CharField(
        _("person served"), max_length=16, choices=PersonServed.choices, blank=True
    )
    person = models.ForeignKey(
        Person,
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # For an individual contact without a registry record: the counts are still disaggregated.
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices, default=Sex.NOT_RECORDED)
    age_band = models.CharField(
        _("age band"), max_length=8, choices=AgeBand.choices, default=AgeBand.NOT_RECORDED
    )
    participants = models.ManyToManyField(
        Person, verbose_name=_("named participants"), blank=True, related_name="+"
    )
    case = models.ForeignKey(
        "Case",
        verbose_name=_("case"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contacts",
        help_text=_("A follow-up contact of a case."),
    )
    occurred_on = models.DateField(_("date"))
    notes = EncryptedTextField(_("notes"), blank=True)
    source = models.CharField(
        _("source"), max_length=16, choices=ContactSource.choices, default=ContactSource.STAFF
    )
    country = CountryField(_("country"), blank=True)
    reach = EncryptedTextField(_("safe way and time to reach"), blank=True)
    is_restricted = models.BooleanField(
        _("restricted"),
        default=False,
        help_text=_(
            "A sensitive topic (violence, trafficking, a child at risk) and a named person: seen "
            "only by who recorded it, the case workers of its case and the case supervisors."
        ),
    )
    offline_id = models.UUIDField(
        _("offline id"),
        null=True,
        blank=True,
        unique=True,
        editable=False,
        help_text=_(
            "Drawn by the phone that recorded the contact offline: a retried sync finds it."
        ),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        # Ids are drawn at random (references.py): the time recorded orders a day's contacts.
        ordering = ["-occurred_on", "-recorded_at", "-pk"]
        indexes = [models.Index(fields=["office", "occurred_on"])]

    def __str__(self) -> str:
        return f"contact #{self.pk}"


class GroupCount(models.Model):
    """How many people of one sex and age band took part in a group contact."""

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="counts")
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    age_band = models.CharField(_("age band"), max_length=8, choices=AgeBand.choices)
    count = models.PositiveIntegerField(_("count"))

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["contact", "sex", "age_band"], name="one_count_per_sex_and_age_band"
            )
        ]

    def __str__(self) -> str:
        return f"{self.count} × {self.sex}/{self.age_band}"


class Category(models.TextChoices):
    """Complaint and case categories of the domain brief (section 4)."""

    WAGES = "wages", _("Unpaid or under-paid wages")
    CONTRACT = "contract", _("Contract substitution or breach")
    FEES = "fees", _("Excessive fees or debt bondage")
    DOCUMENT_RETENTION = "document_retention", _("Document retention")
    RECRUITER_FRAUD = "recruiter_fraud", _("Fraud by a recruiter or broker")
    NON_PROCEDURAL = "non_procedural", _("Undocumented or non-procedural departure")
    TRAFFICKING = "trafficking", _("Trafficking indicators")
    WORKPLACE_VIOLENCE = "workplace_violence", _("Violence and harassment at work")
    GBV = "gbv", _("Gender-based violence")
    DEATH_ILLNESS = "death_illness", _("Death, illness or accident")
    DETENTION = "detention", _("Detention or legal trouble abroad")
    FAMILY = "family", _("Family left behind")


# A case in any of these categories, with a GBV type, or about a child is restricted.
RESTRICTING_CATEGORIES = frozenset(
    {Category.TRAFFICKING, Category.WORKPLACE_VIOLENCE, Category.GBV}
)


class GbvType(models.TextChoices):
    """The six core types of the GBVIMS classification."""

    RAPE = "rape", _("Rape")
    SEXUAL_ASSAULT = "sexual_assault", _("Sexual assault")
    PHYSICAL_ASSAULT = "physical_assault", _("Physical assault")
    FORCED_MARRIAGE = "forced_marriage", _("Forced marriage")
    DENIAL = "denial", _("Denial of resources, opportunities or services")
    PSYCHOLOGICAL = "psychological", _("Psychological or emotional abuse")


class Urgency(models.TextChoices):
    LOW = "low", _("Low")
    NORMAL = "normal", _("Normal")
    HIGH = "high", _("High")
    CRITICAL = "critical", _("Critical")


class CaseStatus(models.TextChoices):
    OPEN = "open", _("Open")
    IN_PROGRESS = "in_progress", _("In progress")
    PENDING_PARTNER = "pending_partner", _("Pending partner")
    RESOLVED = "resolved", _("Resolved, waiting for closure")
    CLOSED = "closed", _("Closed")


class Outcome(models.TextChoices):
    RESOLVED = "resolved", _("Resolved")
    PARTLY = "partly", _("Partly resolved")
    NOT_RESOLVED = "not_resolved", _("Not resolved")
    WITHDREW = "withdrew", _("Client withdrew")
    REFERRED_ON = "referred_on", _("Referred on")


class PartnerReferralIn(models.Model):
    """A partner (a women's crisis centre, a union…) that met a client first refers her to the
    office's MRC (`cases.partner.services.refer_to_office`): the contact it opened for the
    office's counsellors (what happened in `Contact.notes`, the safe way to reach her in
    `Contact.reach`), the client's name, and her consent as the partner recorded it."""

    class ConsentMethod(models.TextChoices):
        WRITTEN = "written", _("Signed consent form")
        VERBAL = "verbal", _("Verbal consent, noted by the partner")

    contact = models.OneToOneField(
        Contact, on_delete=models.CASCADE, related_name="partner_referral"
    )
    partner = models.ForeignKey(
        Organisation, verbose_name=_("partner"), on_delete=models.PROTECT, related_name="+"
    )
    client_name = EncryptedTextField(_("client's name"))
    consent_given_on = models.DateField(_("consent given on"))
    consent_method = models.CharField(
        _("how consent was given"), max_length=8, choices=ConsentMethod.choices
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        verbose_name = _("referral from a partner")
        verbose_name_plural = _("referrals from partners")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["partner", "created_at"])]

    def __str__(self) -> str:
        return f"referral from a partner #{self.pk}"


class Case(models.Model):
    # Set by cases.retention.selectors.cases_of on the cases it returns.
    holds_erasure: bool

    office = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    # Drawn at random (references.py): a sequence would count and date the restricted cases.
    number = models.CharField(_("case number"), max_length=32, unique=True)
    former_number = models.CharField(
        _("former case number"),
        max_length=32,
        blank=True,
        editable=False,
        help_text=_(
            "The sequential number the case had before references were drawn at random; shown "
            "to case supervisors only, who see every case (to anyone else the numbers side by "
            "side would count the restricted cases again)."
        ),
    )
    client = models.ForeignKey(
        Person,
        verbose_name=_("person affected"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    complainant = models.ForeignKey(
        Person,
        verbose_name=_("complainant"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Leave empty when the person affected complains herself or himself."),
    )
    # Free text that can tell a survivor's story or whereabouts is encrypted like the narrative
    # (lengths are checked on input: services, forms and API schemas).
    complainant_relation = EncryptedTextField(
        _("complainant's relation to the person affected"), blank=True
    )
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    received_on = models.DateField(_("received on"))
    country = CountryField(_("where it happened"), blank=True)
    employer = EncryptedTextField(_("employer"), blank=True)
    agency = models.ForeignKey(
        Agency,
        verbose_name=_("agency (P3MI) complained about"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # Names of those complained about can put the client at risk: encrypted like the story.
    recruiter = EncryptedTextField(_("recruiter or broker named"), blank=True)
    narrative = EncryptedTextField(_("what happened"), blank=True)
    urgency = models.CharField(
        _("urgency"), max_length=16, choices=Urgency.choices, default=Urgency.NORMAL
    )
    immediate_danger = models.BooleanField(_("in immediate danger"), default=False)
    needs_shelter = models.BooleanField(_("needs shelter"), default=False)
    needs_medical_care = models.BooleanField(_("needs medical care"), default=False)
    perpetrator_threat = models.BooleanField(_("threatened by the perpetrator"), default=False)
    children_at_risk = models.BooleanField(_("children at risk"), default=False)
    safety_notes = EncryptedTextField(_("safety details"), blank=True)
    priority = models.PositiveSmallIntegerField(
        _("priority"), default=3, help_text=_("1 is the most urgent.")
    )
    is_restricted = models.BooleanField(_("restricted"), default=False)
    wants_woman_worker = models.BooleanField(_("asks for a woman case worker"), default=False)
    interpreter_language = EncryptedTextField(_("interpreter needed for"), blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=CaseStatus.choices, default=CaseStatus.OPEN
    )
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices, blank=True)
    money_recovered_idr = models.PositiveBigIntegerField(
        _("money recovered for the worker (Rp)"), default=0
    )
    money_original_amount = models.DecimalField(
        _("amount in the original currency"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    money_original_currency = models.CharField(_("original currency"), max_length=3, blank=True)
    return_assisted = models.BooleanField(_("return home assisted"), default=False)
    legal_action = models.BooleanField(_("legal action taken"), default=False)
    closure_requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    closure_requested_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Set by the retention schedule (cases/retention/services.py) once the closed case's texts
    # are erased.
    anonymised_at = models.DateTimeField(_("anonymised at"), null=True, blank=True)

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["priority", "-received_on", "-created_at", "-pk"]
        indexes = [
            models.Index(fields=["office", "status"]),
            models.Index(fields=["office", "is_restricted"]),
        ]
        constraints = [
            models.CheckConstraint(
                name="case_priority_1_to_4", condition=Q(priority__gte=1, priority__lte=4)
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_closed(self) -> bool:
        return self.status == CaseStatus.CLOSED

    def safety_flags(self) -> list[str]:
        return [
            name
            for name in (
                "immediate_danger",
                "needs_shelter",
                "needs_medical_care",
                "perpetrator_threat",
                "children_at_risk",
            )
            if getattr(self, name)
        ]


class CaseCategory(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="categories")
    category = models.CharField(_("category"), max_length=24, choices=Category.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case", "category"], name="one_row_per_case_category")
        ]

    def __str__(self) -> str:
        return self.category


class CaseGbvType(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="gbv_types")
    gbv_type = models.CharField(_("GBV type"), max_length=20, choices=GbvType.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case", "gbv_type"], name="one_row_per_case_gbv_type")
        ]

    def __str__(self) -> str:
        return self.gbv_type


class CaseAssignment(models.Model):
    """A case worker on a case, from `assigned_at` until `ended_at` (reassignment)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="assignments")
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="case_assignments"
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    assigned_at = models.DateTimeField(auto_now_add=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["assigned_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "worker"],
                condition=Q(ended_at__isnull=True),
                name="one_current_assignment_per_worker",
            )
        ]

    def __str__(self) -> str:
        return f"assignment #{self.pk}"


class CaseNote(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notes")
    text = EncryptedTextField(_("note"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    written_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["written_at", "pk"]

    def __str__(self) -> str:
        return f"note #{self.pk}"


class ActionItem(models.Model):
    """One item of the case plan."""

    # Set by the case page (views/cases.py) for its template.
    is_overdue: bool

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="actions")
    description = EncryptedTextField(_("action"))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    due_on = models.DateField(_("due on"))
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["done_at", "due_on", "pk"]

    def __str__(self) -> str:
        return f"action #{self.pk}"


def attachment_path(instance, filename: str) -> str:
    # A random name: nothing of the title, the uploader's file name or the content.
    return f"cases/{instance.case_id}/{uuid.uuid4().hex}{instance.extension}"


class CaseAttachment(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="attachments")
    title = EncryptedTextField(_("title"))
    # Encrypted before it is stored (core/storage.py).
    file = models.FileField(upload_to=attachment_path, storage=encrypted_storage, max_length=255)
    content_type = models.CharField(max_length=64)
    extension = models.CharField(max_length=8)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"attachment #{self.pk}"


class SharedItem(models.TextChoices):
    """What a consent allows to be shared with a partner."""

    IDENTITY = "identity", _("Name, sex and age")
    CONTACT = "contact", _("Phone and address")
    SUMMARY = "summary", _("Case categories, country and employer")
    NARRATIVE = "narrative", _("What happened (the narrative)")
    SAFETY = "safety", _("Safety assessment")


class ConsentMethod(models.TextChoices):
    SIGNED = "signed", _("Signed form")
    VERBAL_WITNESSED = "verbal", _("Verbal, with a witness")


class CaseConsent(models.Model):
    """The client's informed consent to share chosen information with one partner."""

    # Set by the case page (views/cases.py) for its template.
    item_labels: list[str]

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="consents")
    recipient = models.ForeignKey(
        Organisation,
        verbose_name=_("partner"),
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"kind": "partner"},
    )
    items = models.JSONField(_("information that may be shared"), default=list)
    given_on = models.DateField(_("given on"))
    method = models.CharField(_("how"), max_length=16, choices=ConsentMethod.choices)
    witness = EncryptedTextField(_("witness"), blank=True)
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("consent to share")
        verbose_name_plural = _("consents to share")
        ordering = ["-given_on", "-pk"]

    def __str__(self) -> str:
        return f"consent #{self.pk}"

    @property
    def is_active(self) -> bool:
        return self.withdrawn_on is None


class ReferralState(models.TextChoices):
    SENT = "sent", _("Sent")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    COMPLETED = "completed", _("Completed")


class ReferralEnd(models.TextChoices):
    """Why a partner's access to a referral ended (`Referral.stopped_at`)."""

    CONSENT_WITHDRAWN = "consent_withdrawn", _("Consent withdrawn")
    CASE_CLOSED = "case_closed", _("Case closed")
    REVOKED = "revoked", _("Revoked by the office")


class Referral(models.Model):
    # Set by the case page (views/cases.py) for its template.
    revoke_form: forms.Form | None

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="referrals")
    partner = models.ForeignKey(
        Organisation, verbose_name=_("partner"), on_delete=models.PROTECT, related_name="+"
    )
    consent = models.ForeignKey(CaseConsent, on_delete=models.PROTECT, related_name="referrals")
    service = EncryptedTextField(_("service asked for"))
    message = EncryptedTextField(_("message to the partner"), blank=True)
    due_on = models.DateField(_("answer due by"))
    state = models.CharField(
        _("state"), max_length=16, choices=ReferralState.choices, default=ReferralState.SENT
    )
    decline_reason = EncryptedTextField(_("reason for declining"), blank=True)
    feedback = EncryptedTextField(_("partner's feedback"), blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    sent_at = models.DateTimeField(auto_now_add=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    # When the partner's access ended, and why: consent withdrawn, case closed or revoked. From
    # then on the partner sees that the referral ended and nothing of the client.
    stopped_at = models.DateTimeField(_("partner's access ended"), null=True, blank=True)
    end_reason = models.CharField(
        _("why the partner's access ended"),
        max_length=20,
        choices=ReferralEnd.choices,
        blank=True,
    )

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        ordering = ["-sent_at", "-pk"]
        indexes = [models.Index(fields=["partner", "state"])]
        constraints = [
            models.CheckConstraint(
                name="referral_end_reason_iff_ended",
                condition=Q(stopped_at__isnull=True, end_reason="")
                | (Q(stopped_at__isnull=False) & ~Q(end_reason="")),
            )
        ]

    def __str__(self) -> str:
        return f"referral #{self.pk}"

    @property
    def has_ended(self) -> bool:
        """The partner's access is over: ended on the referral, or its case is closed."""
        return self.stopped_at is not None or self.case.is_closed

    def is_overdue_on(self, today: datetime.date) -> bool:
        """The partner has not answered by the due date (`selectors.overdue_referrals`' rule,
        for one referral at hand)."""
        return self.state == ReferralState.SENT and self.stopped_at is None and self.due_on < today


class CaseEvent(models.Model):
    """One line of a case's timeline, in words that hold no sensitive detail.

    Newer events keep a `kind` and `params` (codes, counts, a partner's name) and are put into
    words when read, in the reader's language (`cases/events.py`); older ones hold `detail`, the
    words in the language of whoever wrote them."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=32)
    detail = models.CharField(max_length=255, blank=True)
    params = models.JSONField(default=dict, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk}"


class LegalHold(models.Model):
    """A case supervisor's order to keep a case and its client's and complainant's records past
    their retention period (proceedings pending, a request of the police or a court). The reason
    is read only by those who may read the case. Lifted, never deleted."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="legal_holds")
    reason = EncryptedTextField(_("reason"))
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    set_at = models.DateTimeField(auto_now_add=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    lifted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("legal hold")
        verbose_name_plural = _("legal holds")
        ordering = ["-set_at", "-pk"]

    def __str__(self) -> str:
        return f"legal hold #{self.pk}"

    @property
    def is_active(self) -> bool:
        return self.lifted_at is None


class ConsentTemplate(models.Model):
    """What an office usually asks a client's consent to share with one partner for one kind of
    help, and the words said to the client: kept by the office head (`cases.directory`), offered
    on the case's consent form. The office's standard wording, never anything about a client."""

    office = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    partner = models.ForeignKey(
        Organisation,
        verbose_name=_("partner"),
        on_delete=models.CASCADE,
        related_name="consent_templates",
    )
    name = models.CharField(_("name"), max_length=120)
    items = models.JSONField(_("information that may be shared"), default=list)
    explanation = models.TextField(
        _("what the client is told"),
        blank=True,
        help_text=_(
            "Why the information goes to the partner, what the partner does with it, and that "
            "consent can be withdrawn at any time."
        ),
    )
    is_active = models.BooleanField(_("offered"), default=True)

    class Meta:
        verbose_name = _("consent template")
        verbose_name_plural = _("consent templates")
        ordering = ["name", "pk"]
        indexes = [models.Index(fields=["office", "partner"])]

    def __str__(self) -> str:
        return self.name

    @property
    def item_labels(self) -> list[str]:
        labels = dict(SharedItem.choices)
        return [str(labels[item]) for item in self.items if item in labels]
