"""The outbox: every message SatuAtap sends to a person or a staff member, with its delivery
state, and the marks that decide whether a number or address may be used at all (opt-outs,
safe contacts for an MRC case).

Addresses (phone numbers, e-mail addresses) are held encrypted (`EncryptedTextField`, like every
other sensitive column); `address_key` is a keyed hash of the normalised address
(`notifications.addresses.address_key`), the only way to find the messages and the opt-outs of a
number (a delivery receipt, a STOP reply) without decrypting every row. The body of a message is
never stored: only the template's code and its parameters (encrypted), rendered when it is sent.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from satuatap.core.encryption import EncryptedTextField
from satuatap.core.models import Organisation
from satuatap.notifications.catalogue import requester_template_codes
from satuatap.people.models import Person


class Channel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    WHATSAPP = "whatsapp", _("WhatsApp")
    SMS = "sms", _("SMS")


class MessageStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENT = "sent", _("Sent")
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", _("Failed")


class Message(models.Model):
    office = models.ForeignKey(
        Organisation, verbose_name=_("office"), on_delete=models.PROTECT, related_name="+"
    )
    person = models.ForeignKey(
        Person,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    staff_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("staff member"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    # A partner organisation told that a referral awaits it (its contact's e-mail address).
    partner = models.ForeignKey(
        Organisation,
        verbose_name=_("partner"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    # What the message is about, once: a second message with the same key is not queued (a
    # daily task run twice, an officer trying the gate again the same day).
    event_key = models.CharField(max_length=120, blank=True, db_index=True, editable=False)
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    address = EncryptedTextField(_("address"))
    address_key = models.CharField(max_length=64, editable=False)
    template_code = models.CharField(_("message"), max_length=64)
    # JSON of the template's parameters, encrypted: they may hold a name or a date of a person.
    parameters = EncryptedTextField(_("parameters"), blank=True)
    language = models.CharField(_("language"), max_length=8, default="id")
    is_case_related = models.BooleanField(default=False, editable=False)
    case_id = models.PositiveIntegerField(null=True, blank=True, editable=False)
    status = models.CharField(
        _("status"), max_length=16, choices=MessageStatus.choices, default=MessageStatus.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    provider_message_id = models.CharField(max_length=200, blank=True, db_index=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(_("queued at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    failed_at = models.DateTimeField(_("failed at"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["-created_at", "-pk"]
        constraints = [
            # Exactly one of a person, a staff member or a partner; or none of them, only for a
            # template to a requester (the public portal's receipt, to the number they typed).
            models.CheckConstraint(
                name="message_has_one_recipient",
                condition=Q(person__isnull=False, staff_user__isnull=True, partner__isnull=True)
                | Q(person__isnull=True, staff_user__isnull=False, partner__isnull=True)
                | Q(person__isnull=True, staff_user__isnull=True, partner__isnull=False)
                | Q(
                    person__isnull=True,
                    staff_user__isnull=True,
                    partner__isnull=True,
                    template_code__in=requester_template_codes(),
                ),
            ),
        ]
        indexes = [
            models.Index(fields=["office", "status", "created_at"]),
            models.Index(fields=["status", "next_attempt_at"]),
        ]

    def __str__(self) -> str:
        return f"message #{self.pk}"

    @property
    def masked_address(self) -> str:
        """Enough to tell which of the person's numbers it was: its last four digits (the
        first letter and the domain of an e-mail address)."""
        address = str(self.address)
        if self.channel == Channel.EMAIL:
            name, _at, domain = address.partition("@")
            return f"{name[:1]}•••@{domain}"
        return f"•••{address[-4:]}"

    @property
    def title(self) -> str:
        from satuatap.notifications.catalogue import get_template

        template = get_template(self.template_code)
        return str(template.subject) if template is not None else self.template_code


class OptOutSource(models.TextChoices):
    REPLY = "reply", _("Replied STOP")
    DESK = "desk", _("Asked at the desk")


class OptOut(models.Model):
    """A number or address that must not be used on a channel (a STOP reply, or asked at the
    desk). Kept per address, not per person: whoever holds the number asked for it."""

    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    address_key = models.CharField(max_length=64, editable=False)
    # The normalised address, encrypted: what `services.rekey_addresses` recomputes the key
    # from when SECRET_KEY changes. Erased with the person (the keyed hash stays).
    address = EncryptedTextField(_("address"), blank=True)
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    source = models.CharField(_("how"), max_length=16, choices=OptOutSource.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("opt-out")
        verbose_name_plural = _("opt-outs")
        constraints = [
            models.UniqueConstraint(
                fields=["channel", "address_key"], name="unique_opt_out_per_channel_address"
            ),
        ]

    def __str__(self) -> str:
        return f"opt-out #{self.pk}"


class SafeContact(models.Model):
    """The case worker's mark that a number or address is safe to use for messages about one
    MRC case. Without it, no case-related message is queued (`services.queue_message`)."""

    case_id = models.PositiveIntegerField()
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    address_key = models.CharField(max_length=64, editable=False)
    address = EncryptedTextField(_("address"), blank=True)  # for re-keying, as OptOut's
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    marked_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("safe contact")
        verbose_name_plural = _("safe contacts")
        constraints = [
            models.UniqueConstraint(
                fields=["case_id", "channel", "address_key"], name="unique_safe_contact"
            ),
        ]

    def __str__(self) -> str:
        return f"safe contact #{self.pk}"


class LanguagePreference(models.Model):
    """The language a person chose for the messages sent to them (Indonesian when none)."""

    person = models.OneToOneField(Person, on_delete=models.CASCADE, related_name="message_language")
    language = models.CharField(_("language for messages"), max_length=8)

    class Meta:
        verbose_name = _("language for messages")
        verbose_name_plural = _("languages for messages")

    def __str__(self) -> str:
        return f"language preference #{self.pk}"


class OfficeSettings(models.Model):
    """What the office head turned on for the office's messages. Without a row: nothing."""

    office = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="notification_settings"
    )
    ticket_calls = models.BooleanField(
        _("tell visitors when their number is called"),
        default=False,
        help_text=_(
            "A message when a few numbers are ahead and when the number is called, to visitors "
            "registered with their own mobile number."
        ),
    )
    ticket_calls_ahead = models.PositiveSmallIntegerField(
        _("numbers ahead for the 'soon' message"), default=3
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("message settings of an office")
        verbose_name_plural = _("message settings of offices")
        constraints = [
            models.CheckConstraint(
                name="ticket_calls_ahead_between_1_and_10",
                condition=Q(ticket_calls_ahead__gte=1, ticket_calls_ahead__lte=10),
            ),
        ]

    def __str__(self) -> str:
        return f"message settings #{self.pk}"


class DigestSubscription(models.Model):
    """A staff member's wish to get the office's daily digest by e-mail (counts only)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="digest_subscription"
    )
    subscribed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("daily digest subscription")
        verbose_name_plural = _("daily digest subscriptions")

    def __str__(self) -> str:
        return f"digest subscription #{self.pk}"
