"""Organisations, offices, desks, users and their roles, API tokens."""

from __future__ import annotations

import zoneinfo
from typing import ClassVar

import rules
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from satuatap.core.i18n import in_language
from satuatap.core.roles import Role
from satuatap.regions.models import Region


class OrganisationKind(models.TextChoices):
    MINISTRY = "ministry", _("National level (ministry)")
    OFFICE = "office", _("LTSA-PPMI office")
    PARTNER = "partner", _("Partner organisation")


class PartnerType(models.TextChoices):
    WOMENS_CRISIS_CENTRE = "wcc", _("Women's crisis centre")
    SHELTER = "shelter", _("Shelter")
    PSYCHOSOCIAL = "psychosocial", _("Psychosocial service")
    LEGAL_AID = "legal_aid", _("Legal aid")
    UNION = "union", _("Migrant workers' union")
    WOMENS_ORGANISATION = "womens_org", _("Women's organisation")
    POLICE = "police", _("Police")
    HOSPITAL = "hospital", _("Hospital")
    AGENCY = "agency", _("Placement agency (P3MI)")
    CONSULATE = "consulate", _("Consulate or labour attaché")
    SOCIAL_SERVICES = "social_services", _("Social services")
    OTHER = "other", _("Other")


class OfficeTimeZone(models.TextChoices):
    WIB = "Asia/Jakarta", _("WIB (Asia/Jakarta)")
    WITA = "Asia/Makassar", _("WITA (Asia/Makassar)")
    WIT = "Asia/Jayapura", _("WIT (Asia/Jayapura)")


class Organisation(models.Model):
    """The ministry, an LTSA office, or a partner organisation the MRC refers to."""

    kind = models.CharField(_("kind"), max_length=16, choices=OrganisationKind.choices)
    slug = models.SlugField(_("short name"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=200)
    region = models.ForeignKey(
        Region,
        verbose_name=_("region"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("For an office: the regency or city it serves."),
    )
    time_zone = models.CharField(
        _("time zone"), max_length=32, choices=OfficeTimeZone.choices, default=OfficeTimeZone.WIB
    )
    partner_type = models.CharField(
        _("partner type"), max_length=32, choices=PartnerType.choices, blank=True
    )
    partner_offices = models.ManyToManyField(
        "self",
        verbose_name=_("offices it works with"),
        symmetrical=False,
        blank=True,
        related_name="partners",
        limit_choices_to={"kind": OrganisationKind.OFFICE},
    )
    services_offered = models.TextField(
        _("services offered"), blank=True, help_text=_("For partners: one service per line.")
    )
    service_area = models.CharField(
        _("area served"), max_length=200, blank=True, help_text=_("For partners.")
    )
    address = models.TextField(_("address"), blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    email = models.EmailField(_("email"), blank=True)
    # For an office: shown on its public job board under "how to apply".
    opening_hours_id = models.TextField(
        _("opening hours (Indonesian)"),
        blank=True,
        help_text=_("For an office: one line per group of days, e.g. Senin–Jumat 08.00–15.00."),
    )
    opening_hours_en = models.TextField(
        _("opening hours (English)"),
        blank=True,
        help_text=_("Leave empty to show the Indonesian text to English readers too."),
    )
    focal_person = models.CharField(_("focal person"), max_length=200, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["kind", "name"]
        constraints = [
            models.CheckConstraint(
                name="office_has_region",
                condition=~Q(kind=OrganisationKind.OFFICE) | Q(region__isnull=False),
            ),
            models.CheckConstraint(
                name="partner_has_type",
                condition=~Q(kind=OrganisationKind.PARTNER) | ~Q(partner_type=""),
            ),
            models.UniqueConstraint(
                fields=["region"],
                condition=Q(kind=OrganisationKind.OFFICE),
                name="one_office_per_region",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_office(self) -> bool:
        return self.kind == OrganisationKind.OFFICE

    @property
    def is_partner(self) -> bool:
        return self.kind == OrganisationKind.PARTNER

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    @property
    def opening_hours(self) -> str:
        """The opening hours in the reader's language (the Indonesian text as the fallback)."""
        return in_language(self.opening_hours_id, self.opening_hours_en)

    def today(self):
        """The office's calendar date now, in its own time zone."""
        return timezone.localdate(timezone=self.zone)


class PartnerContact(models.Model):
    """A person at a partner organisation whom one office deals with, kept by the office's head
    (`core.partners`): work contact details, nothing about any client. Reminders of unanswered
    referrals from the office go to the contacts that take them."""

    office = models.ForeignKey(
        Organisation,
        verbose_name=_("office"),
        on_delete=models.CASCADE,
        related_name="+",
        limit_choices_to={"kind": OrganisationKind.OFFICE},
    )
    partner = models.ForeignKey(
        Organisation,
        verbose_name=_("partner"),
        on_delete=models.CASCADE,
        related_name="office_contacts",
        limit_choices_to={"kind": OrganisationKind.PARTNER},
    )
    name = models.CharField(_("name"), max_length=200)
    position = models.CharField(_("position"), max_length=120, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    email = models.EmailField(_("email"), blank=True)
    receives_reminders = models.BooleanField(
        _("receives referral reminders"),
        default=False,
        help_text=_("Reminders of referrals waiting for an answer are mailed to this address."),
    )

    class Meta:
        verbose_name = _("partner contact")
        verbose_name_plural = _("partner contacts")
        ordering = ["name", "pk"]
        indexes = [models.Index(fields=["office", "partner"])]

    def __str__(self) -> str:
        return self.name


class DeskType(models.Model):
    """A kind of desk (loket) from PP 59/2021 Pasal 31(1), plus those seen in practice."""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name_id = models.CharField(_("name (Indonesian)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120)
    agency_id = models.CharField(_("agency (Indonesian)"), max_length=120, blank=True)
    agency_en = models.CharField(_("agency (English)"), max_length=120, blank=True)
    default_prefix = models.CharField(_("default ticket prefix"), max_length=2)
    legal_basis = models.CharField(_("legal basis"), max_length=120, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("desk type")
        verbose_name_plural = _("desk types")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return in_language(self.name_id, self.name_en)

    @property
    def agency(self) -> str:
        return in_language(self.agency_id, self.agency_en)


class Desk(models.Model):
    """A desk (loket) an office has."""

    office = models.ForeignKey(
        Organisation,
        verbose_name=_("office"),
        on_delete=models.CASCADE,
        related_name="desks",
        limit_choices_to={"kind": OrganisationKind.OFFICE},
    )
    desk_type = models.ForeignKey(DeskType, verbose_name=_("desk type"), on_delete=models.PROTECT)
    prefix = models.CharField(
        _("ticket prefix"),
        max_length=2,
        help_text=_("Letter printed before queue numbers, e.g. A for A-001."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("desk")
        verbose_name_plural = _("desks")
        ordering = ["office", "desk_type__order"]
        constraints = [
            models.UniqueConstraint(fields=["office", "desk_type"], name="one_desk_per_type"),
            models.UniqueConstraint(
                fields=["office", "prefix"],
                condition=Q(is_active=True),
                name="unique_active_desk_prefix",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.prefix} · {self.desk_type.name}"


class Language(models.TextChoices):
    INDONESIAN = "id", _("Indonesian")
    ENGLISH = "en", _("English")


class SatuAtapUserManager(UserManager):
    def get_queryset(self):
        return super().get_queryset().select_related("organisation", "desk__desk_type")


class User(AbstractUser):
    """A person who works in SatuAtap: staff of one organisation with one or more roles."""

    full_name = models.CharField(_("full name"), max_length=200, blank=True)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
    )
    desk = models.ForeignKey(
        Desk,
        verbose_name=_("desk"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="officers",
        help_text=_("For desk officers: the one desk they work at."),
    )
    language = models.CharField(
        _("language"), max_length=8, choices=Language.choices, default=Language.INDONESIAN
    )
    gender = models.CharField(
        _("gender"),
        max_length=1,
        choices=[("F", _("Woman")), ("M", _("Man")), ("U", _("Not recorded"))],
        default="U",
        help_text=_("Lets a client who asks for a woman case worker be assigned one."),
    )

    objects: ClassVar[SatuAtapUserManager] = SatuAtapUserManager()
    # Set by AbstractBaseUser.set_password and kept until the save (read by core.signals).
    _password: str | None

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["username"]

    def __str__(self) -> str:
        return self.full_name or self.username

    @cached_property
    def roles(self) -> frozenset[str]:
        if not self.is_active:
            return frozenset()
        return frozenset(self.role_assignments.values_list("role", flat=True))

    def has_role(self, *roles: str) -> bool:
        return bool(self.roles.intersection(roles))

    def has_perm(self, perm: str, obj=None) -> bool:
        """SatuAtap's own permissions (`rules.py` of each app) are decided by their rules for
        everyone, superusers included: being a superuser opens the admin site, not the
        registry or survivors' cases of every office. Django's model permissions keep the
        superuser shortcut."""
        if rules.perm_exists(perm):
            return self.is_active and rules.has_perm(perm, self, obj)
        return super().has_perm(perm, obj)

    @property
    def office(self) -> Organisation | None:
        org = self.organisation
        return org if org is not None and org.is_office else None

    @property
    def office_id_or_none(self) -> int | None:
        org = self.organisation
        return org.pk if org is not None and org.is_office else None


class RoleAssignment(models.Model):
    """One role a user holds in their organisation."""

    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="role_assignments"
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    granted_at = models.DateTimeField(_("granted at"), auto_now_add=True)
    # Set by core.signals on a reassigned row, for the revocation after the save.
    _satuatap_previous_user_id: int

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        constraints = [
            models.UniqueConstraint(fields=["user", "role"], name="one_assignment_per_role"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.role}"


class RoleGrant(models.Model):
    """An office head's grant of a role that opens every restricted case of the office
    (`roles.CONFIRMED_ROLES`): it becomes a `RoleAssignment` only once a second person — a case
    supervisor of the office or the administrator, neither the head who asked nor the colleague
    — confirms it (`core.staff`). Decided grants stay, with who decided and how."""

    user = models.ForeignKey(
        User, verbose_name=_("colleague"), on_delete=models.CASCADE, related_name="role_grants"
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    requested_by = models.ForeignKey(
        User,
        verbose_name=_("asked by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("asked at"), auto_now_add=True)
    decided_by = models.ForeignKey(
        User,
        verbose_name=_("decided by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    is_confirmed = models.BooleanField(_("confirmed"), default=False)

    class Meta:
        verbose_name = _("role grant waiting for confirmation")
        verbose_name_plural = _("role grants waiting for confirmation")
        ordering = ["requested_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role"],
                condition=Q(decided_at__isnull=True),
                name="one_open_grant_per_role",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.role}"

    @property
    def is_open(self) -> bool:
        return self.decided_at is None


class ApiToken(models.Model):
    """A bearer token for the API. Only a SHA-256 hash of the secret is stored."""

    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="api_tokens"
    )
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(_("prefix"), max_length=8)
    name = models.CharField(_("name"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.prefix}…"

    def is_usable(self, now=None) -> bool:
        now = now or timezone.now()
        return self.revoked_at is None and self.expires_at > now


class RetentionTrigger(models.TextChoices):
    SCHEDULE = "schedule", _("Nightly task")
    COMMAND = "command", _("The satuatap retention command")


class RetentionRunStatus(models.TextChoices):
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    PARTLY = "partly", _("Done, with a class that stopped on an error")


class RetentionRun(models.Model):
    """One run of the retention schedule (`core/retention/`), as the administrator reads it:
    per record class and office, how many records were due, kept by a hold, and anonymised or
    deleted. Counts only: no record and no person is named."""

    started_at = models.DateTimeField(_("started at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    today = models.DateField(_("day the periods were counted back from"))
    trigger = models.CharField(_("started by"), max_length=16, choices=RetentionTrigger.choices)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=RetentionRunStatus.choices,
        default=RetentionRunStatus.RUNNING,
    )
    results = models.JSONField(_("results"), default=list, blank=True)

    class Meta:
        verbose_name = _("retention run")
        verbose_name_plural = _("retention runs")
        ordering = ["-started_at", "-pk"]

    def __str__(self) -> str:
        return f"retention run #{self.pk}"

    def total(self, name: str) -> int:
        return sum(row.get(name, 0) for result in self.results for row in result.get("offices", []))

    @property
    def total_done(self) -> int:
        return self.total("done")

    @property
    def total_held(self) -> int:
        return self.total("held")


class OperationsCounter(models.Model):
    """A counter the operator's `/metrics` reads (`core/metrics.py`): failed tasks, notifications
    sent and failed, successes of the scheduled tasks (with when the last one was).

    Kept in the database rather than in a process because the task worker that counts them runs
    apart from the app servers Prometheus scrapes, possibly on another machine. `metric` and
    `label` are fixed strings from the code (a task's name, a kind of notification), never data
    about anyone. Rows change rarely (a failure, a mail, a scheduled task at most once a minute)."""

    metric = models.CharField(max_length=64)
    label = models.CharField(max_length=100)
    value = models.PositiveBigIntegerField(default=0)
    updated_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["metric", "label"], name="operationscounter_unique")
        ]

    def __str__(self) -> str:
        return f"{self.metric}{{{self.label}}} = {self.value}"
