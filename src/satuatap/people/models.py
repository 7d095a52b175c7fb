"""The person registry (basis data PMI): one record per person the office serves."""

from __future__ import annotations

import datetime
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from satuatap.core.i18n import in_language
from satuatap.core.models import Organisation
from satuatap.core.storage import encrypted_storage
from satuatap.regions.models import Region


class Sex(models.TextChoices):
    FEMALE = "F", _("Woman")
    MALE = "M", _("Man")
    NOT_RECORDED = "U", _("Not recorded")


class MaritalStatus(models.TextChoices):
    SINGLE = "single", _("Single")
    MARRIED = "married", _("Married")
    DIVORCED = "divorced", _("Divorced")
    WIDOWED = "widowed", _("Widowed")


class Education(models.TextChoices):
    NONE = "none", _("No schooling")
    SD = "sd", _("Primary school (SD)")
    SMP = "smp", _("Junior secondary (SMP)")
    SMA = "sma", _("Senior secondary (SMA/SMK)")
    DIPLOMA = "diploma", _("Diploma (D1–D4)")
    BACHELOR = "s1", _("Bachelor (S1)")
    POSTGRADUATE = "s2", _("Postgraduate (S2/S3)")


class Disability(models.TextChoices):
    NONE = "none", _("None")
    PHYSICAL = "physical", _("Physical")
    SENSORY = "sensory", _("Sensory (sight, hearing, speech)")
    INTELLECTUAL = "intellectual", _("Intellectual")
    MENTAL = "mental", _("Mental (psychosocial)")
    MULTIPLE = "multiple", _("Multiple")


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
    marital_status = models.CharField(
        _("marital status"), max_length=16, choices=MaritalStatus.choices, blank=True
    )
    education = models.CharField(
        _("education"), max_length=16, choices=Education.choices, blank=True
    )
    languages = models.CharField(
        _("languages spoken"),
        max_length=200,
        blank=True,
        help_text=_("For example: Jawa, Sunda, Inggris."),
    )
    disability = models.CharField(
        _("disability"), max_length=16, choices=Disability.choices, default=Disability.NONE
    )
    nik_missing_reason = models.CharField(_("why there is no NIK"), max_length=200, blank=True)
    # The national placement system's (SISKOP2MI) id of the prospective worker, once it has
    # one: brought in by the exchange with the national system (placement/national).
    cpmi_id = models.CharField(_("CPMI ID (SISKOP2MI)"), max_length=32, blank=True)
    confirmed_nik_warnings = models.JSONField(
        _("NIK warnings the officer confirmed"), default=list, blank=True
    )
    name_key = models.CharField(
        _("search key"),
        max_length=200,
        blank=True,
        editable=False,
        help_text=_("The name normalised for Indonesian spelling variants, for search."),
    )
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_records",
    )
    anonymised_at = models.DateTimeField(_("anonymised at"), null=True, blank=True)
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
        indexes = [
            models.Index(fields=["office", "full_name"]),
            # Name search reads (id, name_key) of an office's active records. SQLite uses a
            # partial index as covering only when it holds every column the query filters on:
            # then the read is index-only (95 → 25 ms at 61,000 people).
            models.Index(
                fields=["office", "name_key", "anonymised_at", "merged_into"],
                condition=Q(merged_into__isnull=True, anonymised_at__isnull=True),
                name="person_active_name_key",
            ),
            models.Index(fields=["office", "birth_date"]),
            # The exchange with the national system finds a CPMI ID's record (placement/national).
            models.Index(fields=["cpmi_id"], condition=~Q(cpmi_id=""), name="person_cpmi_id"),
        ]

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
        """Reading this record must be logged with a purpose (UU 27/2022 specific data)."""
        return self.has_specific_data or self.is_child or self.disability != Disability.NONE

    @property
    def is_missing_nik(self) -> bool:
        return not self.nik

    @property
    def is_active_record(self) -> bool:
        return self.merged_into_id is None and self.anonymised_at is None

    @property
    def current_status(self):
        return self.status_events.order_by("-effective_date", "-pk").first()

    @property
    def masked_nik(self) -> str:
        return f"{self.nik[:4]}********{self.nik[-4:]}" if self.nik else ""


class Phone(models.Model):
    class Kind(models.TextChoices):
        MOBILE = "mobile", _("Mobile")
        WHATSAPP = "whatsapp", _("WhatsApp")
        HOME = "home", _("Home phone")
        ABROAD = "abroad", _("Number abroad")
        FAMILY = "family", _("Family contact")

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="phones")
    number = models.CharField(_("phone number (E.164)"), max_length=20, db_index=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.MOBILE)

    class Meta:
        verbose_name = _("phone number")
        verbose_name_plural = _("phone numbers")
        constraints = [
            models.UniqueConstraint(fields=["person", "number"], name="unique_phone_per_person"),
        ]

    def __str__(self) -> str:
        return f"phone #{self.pk}"


class MigrationStatus(models.TextChoices):
    PROSPECTIVE = "prospective", _("Prospective migrant worker (CPMI)")
    ABROAD = "abroad", _("Migrant worker abroad (PMI)")
    RETURNED = "returned", _("Returned migrant worker (purna PMI)")


class Sector(models.TextChoices):
    DOMESTIC = "domestic", _("Domestic work")
    CAREGIVING = "caregiving", _("Caregiving")
    PLANTATION = "plantation", _("Plantation and agriculture")
    CONSTRUCTION = "construction", _("Construction")
    MANUFACTURING = "manufacturing", _("Factory and manufacturing")
    FISHING = "fishing", _("Fishing crew")
    HOSPITALITY = "hospitality", _("Hospitality and services")
    OTHER = "other", _("Other")


class StatusEvent(models.Model):
    """One dated step on the migration cycle; the latest is the person's current status.

    `notes` are what an officer wrote. A step another service records (a departure or return
    of a placement file) says why in `note_kind` and `note_params` (codes and numbers), put into
    words when read, in the reader's language (`people/timeline.py`)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="status_events")
    status = models.CharField(_("status"), max_length=16, choices=MigrationStatus.choices)
    effective_date = models.DateField(_("since"))
    country = CountryField(
        _("country"), blank=True, help_text=_("Destination country while abroad.")
    )
    employer = models.CharField(_("employer"), max_length=200, blank=True)
    sector = models.CharField(_("sector"), max_length=16, choices=Sector.choices, blank=True)
    notes = models.CharField(_("notes"), max_length=255, blank=True)
    note_kind = models.CharField(max_length=32, blank=True)
    note_params = models.JSONField(default=dict, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("migration status")
        verbose_name_plural = _("migration timeline")
        ordering = ["effective_date", "pk"]
        constraints = [
            models.CheckConstraint(
                name="abroad_has_country",
                condition=~Q(status="abroad") | ~Q(country=""),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.status} since {self.effective_date}"

    def system_note(self) -> str:
        """Why another service recorded this step, in the reader's language ("" if none)."""
        from satuatap.people.timeline import note_words

        return note_words(self)


class Relation(models.TextChoices):
    SPOUSE = "spouse", _("Spouse")
    CHILD = "child", _("Child")
    PARENT = "parent", _("Parent")
    GUARDIAN = "guardian", _("Guardian")
    WARD = "ward", _("Ward (in their guardianship)")
    SIBLING = "sibling", _("Sibling")


INVERSE_RELATION = {
    Relation.SPOUSE: Relation.SPOUSE,
    Relation.CHILD: Relation.PARENT,
    Relation.PARENT: Relation.CHILD,
    Relation.GUARDIAN: Relation.WARD,
    Relation.WARD: Relation.GUARDIAN,
    Relation.SIBLING: Relation.SIBLING,
}


class FamilyLink(models.Model):
    """`relative` is the `relation` of `person` (e.g. relative is person's child)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="family_links")
    relative = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    relation = models.CharField(_("relation"), max_length=16, choices=Relation.choices)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("family link")
        verbose_name_plural = _("family links")
        constraints = [
            models.UniqueConstraint(fields=["person", "relative"], name="one_link_per_pair"),
            models.CheckConstraint(
                name="not_own_relative", condition=~Q(person=models.F("relative"))
            ),
        ]

    def __str__(self) -> str:
        return f"family link #{self.pk}"


class DocumentType(models.Model):
    """A kind of document a person may hold (KTP, passport, SKCK…). Data, editable by admins."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_id = models.CharField(_("name (Indonesian)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120)
    desk_type_code = models.SlugField(
        _("desk that verifies it"),
        max_length=32,
        blank=True,
        help_text=_("Code of the desk type whose officers verify this document."),
    )
    validity_days = models.PositiveIntegerField(
        _("valid for (days after issue)"), null=True, blank=True
    )
    is_specific_data = models.BooleanField(_("specific (sensitive) personal data"), default=False)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("document type")
        verbose_name_plural = _("document types")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return in_language(self.name_id, self.name_en)


class VerificationStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for verification")
    VERIFIED = "verified", _("Verified")
    REJECTED = "rejected", _("Rejected")


def document_upload_path(instance, filename: str) -> str:
    # Never the uploader's file name (it may hold a name or a NIK), nor anything computed from
    # the content (a hash would let whoever lists the bucket confirm a scan they hold).
    return f"documents/{instance.person_id}/{uuid.uuid4().hex}{instance.extension}"


class PersonDocument(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="documents")
    document_type = models.ForeignKey(
        DocumentType, verbose_name=_("document type"), on_delete=models.PROTECT
    )
    number = models.CharField(_("document number"), max_length=64, blank=True)
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    # Encrypted before it is stored (core/storage.py).
    file = models.FileField(
        _("scan"), upload_to=document_upload_path, storage=encrypted_storage, max_length=255
    )
    content_type = models.CharField(max_length=64)
    extension = models.CharField(max_length=8)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    verification_status = models.CharField(
        _("verification"),
        max_length=16,
        choices=VerificationStatus.choices,
        default=VerificationStatus.PENDING,
    )
    rejection_reason = models.CharField(_("reason for rejection"), max_length=255, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    verified_at = models.DateTimeField(null=True, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["document_type__order", "-uploaded_at"]
        constraints = [
            models.CheckConstraint(
                name="expiry_after_issue",
                condition=Q(expires_on__isnull=True)
                | Q(issued_on__isnull=True)
                | Q(expires_on__gte=models.F("issued_on")),
            ),
        ]

    def __str__(self) -> str:
        return f"document #{self.pk}"


class ConsentPurpose(models.TextChoices):
    REGISTRY = "registry", _("Keeping the person's record in the office's registry")
    PLACEMENT = "placement", _("Placement services (files, documents, departure)")
    MRC = "mrc", _("MRC information, counselling and case handling")
    CONTACT = "contact", _("Being contacted by the office (phone, WhatsApp)")
    STATISTICS = "statistics", _("Anonymous statistics for reports")


class ConsentMethod(models.TextChoices):
    SIGNED_FORM = "signed", _("Signed form")
    VERBAL_WITNESSED = "verbal", _("Verbal, with a witness")
    ELECTRONIC = "electronic", _("Electronic")


class ProcessingConsent(models.Model):
    """Consent to process the person's data for a purpose (UU 27/2022 Pasal 20)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="consents")
    purpose = models.CharField(_("purpose"), max_length=16, choices=ConsentPurpose.choices)
    given_on = models.DateField(_("given on"))
    method = models.CharField(_("how"), max_length=16, choices=ConsentMethod.choices)
    witness = models.CharField(_("witness"), max_length=200, blank=True)
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("taken by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("consent to processing")
        verbose_name_plural = _("consents to processing")
        ordering = ["-given_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                name="witness_for_verbal_consent",
                condition=~Q(method="verbal") | ~Q(witness=""),
            ),
        ]

    def __str__(self) -> str:
        return f"consent #{self.pk}"

    @property
    def is_active(self) -> bool:
        return self.withdrawn_on is None


class PersonMerge(models.Model):
    """Two records of one person merged into `survivor`; reversible by an administrator."""

    survivor = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="merges_kept")
    merged = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="merges_absorbed")
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    merged_at = models.DateTimeField(auto_now_add=True)
    reason = models.CharField(_("reason"), max_length=255)
    snapshot = models.JSONField(default=dict)
    moved = models.JSONField(default=list)
    reversed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reversed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("merge of two records")
        verbose_name_plural = _("merges of records")
        ordering = ["-merged_at"]

    def __str__(self) -> str:
        return f"merge #{self.pk}"


class ImportStatus(models.TextChoices):
    UPLOADED = "uploaded", _("Uploaded: choose the columns")
    QUEUED = "queued", _("Waiting to start")
    RUNNING = "running", _("Importing")
    DONE = "done", _("Finished")
    FAILED = "failed", _("Failed")


class ImportJob(models.Model):
    """An import of an existing register (XLSX or CSV) into the office's registry."""

    office = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # Encrypted before it is stored (core/storage.py): a register holds many people's NIKs.
    file = models.FileField(upload_to="imports/", storage=encrypted_storage, max_length=255)
    original_name = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64)
    columns = models.JSONField(default=list, help_text="Column headings found in the file.")
    mapping = models.JSONField(default=dict, help_text="Field name → column heading.")
    status = models.CharField(
        max_length=16, choices=ImportStatus.choices, default=ImportStatus.UPLOADED
    )
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    created_count = models.PositiveIntegerField(default=0)
    unchanged_count = models.PositiveIntegerField(default=0)
    error_rows = models.JSONField(default=list, help_text="[{row, errors: [..]}]")
    failure = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("import of people")
        verbose_name_plural = _("imports of people")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"import #{self.pk}"

    @property
    def percent_done(self) -> int:
        return int(100 * self.processed_rows / self.total_rows) if self.total_rows else 0


class ErasureReason(models.TextChoices):
    PERSON_REQUEST = "person", _("Request of the person")
    GUARDIAN_REQUEST = "guardian", _("Request of a parent or guardian")
    LEGAL_ORDER = "legal", _("Order of a court or authority")
    RETENTION_ENDED = "retention", _("End of the retention period")


class ErasureRequestStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for review")
    DONE = "done", _("Erased")
    DECLINED = "declined", _("Declined after review")


class ErasureRequest(models.Model):
    """An office head's request to erase a record (`data_rights.services.request_erasure`).

    Carried out at once, unless another part of the system asks for a review first (the MRC,
    for anyone in one of its cases, through `data_rights.hooks.register_erasure_review`): then
    it waits for a case supervisor, who sees why, while the head is never told."""

    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="+"
    )
    office = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(_("request"), max_length=16, choices=ErasureReason.choices)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=ErasureRequestStatus.choices,
        default=ErasureRequestStatus.PENDING,
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        verbose_name = _("erasure request")
        verbose_name_plural = _("erasure requests")
        ordering = ["-requested_at", "-pk"]
        indexes = [models.Index(fields=["office", "status"], name="erasure_request_office")]

    def __str__(self) -> str:
        return f"erasure request #{self.pk}"

    @property
    def is_pending(self) -> bool:
        return self.status == ErasureRequestStatus.PENDING
