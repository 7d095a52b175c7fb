"""Village outreach: events with participant counts, village focal points, village regulations.

An `OutreachEvent` is held in one village of the office's area. Who came is recorded as counts by
sex × age band (`OutreachCount`, one row per non-empty cell), and optionally as named people of
the registry. Follow-ups, "people who came to the office afterwards", are recorded by the
officer (`OutreachFollowUp`); `selectors.follow_ups` also suggests named participants whose
registry record shows activity after the event (see there).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from satuatap.core.encryption import EncryptedTextField
from satuatap.core.models import Organisation, OrganisationKind
from satuatap.people.models import Person, Sex
from satuatap.regions.models import Region


class AgeBand(models.TextChoices):
    """The age bands of every person count. The same codes as the MRC's contacts, so reports can
    add them up; outreach may not import the MRC, hence defined here too (kept identical by a
    test)."""

    UNDER_18 = "0-17", _("Under 18")
    YOUNG = "18-24", _("18–24")
    ADULT = "25-39", _("25–39")
    MIDDLE = "40-59", _("40–59")
    OLDER = "60+", _("60 and over")
    NOT_RECORDED = "unknown", _("Not recorded")


class EventKind(models.TextChoices):
    SOCIALISATION = "socialisation", _("Safe-migration socialisation")
    TRAINING = "training", _("Training")
    COMMUNITY_MEETING = "community_meeting", _("Community meeting")
    OTHER = "other", _("Other")


class Topic(models.TextChoices):
    SAFE_MIGRATION = "safe_migration", _("Safe migration and procedures")
    DOCUMENTS = "documents", _("Documents (KTP, passport, contracts)")
    AGENCIES = "agencies", _("Licensed agencies and job orders")
    RIGHTS = "rights", _("Workers' rights and contracts")
    FEES = "fees", _("Fees and debt bondage")
    TRAFFICKING = "trafficking", _("Trafficking and irregular migration")
    GBV = "gbv", _("Violence and harassment")
    REMITTANCE = "remittance", _("Money and remittances")
    REINTEGRATION = "reintegration", _("Return and reintegration")
    FAMILY = "family", _("Families left behind and children")
    SERVICES = "services", _("Services of the LTSA and MRC")
    OTHER = "other", _("Other")


class OutreachEvent(models.Model):
    office = models.ForeignKey(
        Organisation,
        verbose_name=_("office"),
        on_delete=models.PROTECT,
        related_name="outreach_events",
        limit_choices_to={"kind": OrganisationKind.OFFICE},
    )
    village = models.ForeignKey(
        Region, verbose_name=_("village"), on_delete=models.PROTECT, related_name="+"
    )
    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=24, choices=EventKind.choices)
    title = models.CharField(_("title"), max_length=200)
    topics = models.JSONField(
        _("topics"), default=list, blank=True, help_text=_("Codes from the topic list.")
    )
    partners = models.ManyToManyField(
        Organisation,
        verbose_name=_("partner organisations"),
        blank=True,
        related_name="outreach_events_as_partner",
        limit_choices_to={"kind": OrganisationKind.PARTNER},
    )
    materials = models.TextField(_("materials"), blank=True)
    participants = models.ManyToManyField(
        Person,
        verbose_name=_("named participants"),
        blank=True,
        related_name="outreach_events",
    )
    notes = models.TextField(_("notes"), blank=True)
    offline_id = models.UUIDField(
        _("offline id"),
        null=True,
        blank=True,
        unique=True,
        editable=False,
        help_text=_("Drawn by the phone that recorded the event offline: a retried sync finds it."),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("outreach event")
        verbose_name_plural = _("outreach events")
        ordering = ["-date", "-pk"]
        indexes = [
            models.Index(fields=["office", "date"]),
            models.Index(fields=["village", "date"]),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.title}"

    @property
    def topic_labels(self) -> list[str]:
        labels = dict(Topic.choices)
        return [str(labels.get(code, code)) for code in self.topics or []]


class OutreachCount(models.Model):
    """How many people of one sex and age band took part in an event."""

    event = models.ForeignKey(
        OutreachEvent, on_delete=models.CASCADE, related_name="counts", verbose_name=_("event")
    )
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    age_band = models.CharField(_("age band"), max_length=8, choices=AgeBand.choices)
    count = models.PositiveIntegerField(_("count"))

    class Meta:
        verbose_name = _("participant count")
        verbose_name_plural = _("participant counts")
        ordering = ["event", "sex", "age_band"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "sex", "age_band"], name="one_outreach_count_per_cell"
            ),
            models.CheckConstraint(name="outreach_count_not_negative", condition=Q(count__gte=0)),
        ]

    def __str__(self) -> str:
        return f"{self.sex}/{self.age_band}: {self.count}"


class OutreachFollowUp(models.Model):
    """A participant who came to the office after the event, as recorded by an officer."""

    event = models.ForeignKey(
        OutreachEvent, on_delete=models.CASCADE, related_name="follow_ups", verbose_name=_("event")
    )
    person = models.ForeignKey(
        Person,
        on_delete=models.CASCADE,
        related_name="outreach_follow_ups",
        verbose_name=_("person"),
    )
    came_on = models.DateField(_("came to the office on"))
    note = models.CharField(_("note"), max_length=255, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        ordering = ["came_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["event", "person"], name="one_follow_up_per_person"),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} on {self.came_on}"


class VillageFocalPoint(models.Model):
    """A person in a village who relays information between the office and the village."""

    # Set by the village page (views/villages.py) for its template.
    phone_display: str

    office = models.ForeignKey(
        Organisation,
        verbose_name=_("office"),
        on_delete=models.PROTECT,
        related_name="village_focal_points",
        limit_choices_to={"kind": OrganisationKind.OFFICE},
    )
    village = models.ForeignKey(
        Region, verbose_name=_("village"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("name"), max_length=200)
    phone = models.CharField(_("phone"), max_length=20, blank=True, help_text=_("E.164"))
    person = models.ForeignKey(
        Person,
        verbose_name=_("registry record"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    role = models.CharField(
        _("role in the village"),
        max_length=120,
        blank=True,
        help_text=_("For example: village secretary, returnee group leader."),
    )
    since = models.DateField(_("since"))
    until = models.DateField(_("until"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("village focal point")
        verbose_name_plural = _("village focal points")
        ordering = ["village", "-since", "pk"]
        indexes = [models.Index(fields=["office", "village"])]
        constraints = [
            models.CheckConstraint(
                name="focal_point_until_after_since",
                condition=Q(until__isnull=True) | Q(until__gte=models.F("since")),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_active(self) -> bool:
        return self.until is None


def regulation_upload_path(instance, filename: str) -> str:
    # Never the uploader's file name.
    return f"perdes/{instance.village_id}/{instance.sha256[:32]}{instance.extension}"


class VillageRegulation(models.Model):
    """A village regulation (peraturan desa, Perdes) on migrant-worker protection."""

    office = models.ForeignKey(
        Organisation,
        verbose_name=_("office"),
        on_delete=models.PROTECT,
        related_name="village_regulations",
        limit_choices_to={"kind": OrganisationKind.OFFICE},
    )
    village = models.ForeignKey(
        Region, verbose_name=_("village"), on_delete=models.PROTECT, related_name="+"
    )
    number = models.CharField(_("number"), max_length=64)
    date = models.DateField(_("date enacted"))
    title = models.CharField(_("title"), max_length=255)
    file = models.FileField(_("scan"), upload_to=regulation_upload_path, max_length=255)
    content_type = models.CharField(max_length=64)
    extension = models.CharField(max_length=8)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("village regulation (Perdes)")
        verbose_name_plural = _("village regulations (Perdes)")
        ordering = ["village", "-date", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["village", "number"], name="one_perdes_per_number"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"


class SyncConflictKind(models.TextChoices):
    SAME_IN_EVENT = "same_in_event", _("Entered twice in the same event")
    SAME_ACROSS_EVENTS = "same_across_events", _("Entered as new in more than one event")
    OTHER_NIK = "other_nik", _("Name and date of birth match a record with another NIK")
    SEVERAL_RECORDS = "several_records", _("Name and date of birth match several records")
    NIK_REGISTERED = "nik_registered", _("The NIK is registered, but not in this office")
    NIK_INVALID = "nik_invalid", _("The NIK is not valid")
    NAME_DIFFERS = "name_differs", _("The NIK matches a record with another name")


class SyncResolution(models.TextChoices):
    NAMED_ONCE = "named_once", _("Named once")
    LINKED = "linked", _("Named as the registry record")
    NOT_NAMED = "not_named", _("Not named; the counts stand")


class OfflineSyncConflict(models.Model):
    """A named participant of an event recorded offline whom the sync could not simply add:
    entered twice (same NIK, or same name and date of birth, in the event or in several events
    of the sync), or matching the registry in a way that needs a person to look. The sync
    resolves it (see `SyncResolution`) and this row is the report: shown to the worker after
    the sync, listed for the office (`outreach:sync-conflicts`). What was typed is kept
    encrypted, for the review; it goes with the event's named participants (retention.py)."""

    office = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("office")
    )
    event = models.ForeignKey(
        OutreachEvent,
        on_delete=models.CASCADE,
        related_name="sync_conflicts",
        verbose_name=_("event"),
    )
    person = models.ForeignKey(
        Person,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("registry record"),
    )
    kind = models.CharField(_("conflict"), max_length=24, choices=SyncConflictKind.choices)
    resolution = models.CharField(_("resolution"), max_length=16, choices=SyncResolution.choices)
    entered = EncryptedTextField(_("as entered"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("synced at"), auto_now_add=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("offline sync conflict")
        verbose_name_plural = _("offline sync conflicts")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["office", "created_at"])]

    def __str__(self) -> str:
        return f"{self.kind} at event {self.event_id}"
