"""What the portal keeps: each attempt to identify (`Challenge`) and the hits its rate limits
count (`Hit`). Neither holds a NIK, a phone number or a code in clear."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from satuatap.people.models import Person


class Challenge(models.Model):
    """A NIK and a date of birth were given. When they matched a person with a phone number,
    a code went to it (`code_hash`); when not, the challenge exists all the same with no
    person, so that the next page and everything after it look the same."""

    token = models.CharField(max_length=64, unique=True)
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    code_hash = models.CharField(max_length=64, blank=True)
    failed_attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("portal sign-in")
        verbose_name_plural = _("portal sign-ins")

    def __str__(self) -> str:
        return f"portal sign-in #{self.pk}"


class Hit(models.Model):
    """One counted request of a rate limit: its bucket and a keyed hash of what it counts
    (an address, a NIK). Kept a day."""

    bucket = models.CharField(max_length=32)
    key = models.CharField(max_length=64)
    at = models.DateTimeField(db_index=True)

    class Meta:
        indexes = [models.Index(fields=["bucket", "key", "at"])]

    def __str__(self) -> str:
        return f"hit #{self.pk}"
