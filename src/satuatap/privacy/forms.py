"""Forms of the registers. They parse input only; the rules live in `services.py`, whose errors
are shown on the box they concern (`ERROR_FIELDS`)."""

from __future__ import annotations

import zoneinfo

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from satuatap.core.forms import ZonedDateTimeField
from satuatap.core.limits import MAX_INTEGER
from satuatap.privacy.models import (
    BreachStatus,
    DataCategory,
    NoticeMethod,
    NoticeRecipient,
    RefusalReason,
    RequestAction,
    RequestChannel,
    RequesterRelation,
    RequestStatus,
    RequestType,
)
from satuatap.privacy.services import CLOCK_SKEW, MAX_CONTACT, MAX_NAME, MAX_TEXT

# Which box of a form shows an error of the services.
ERROR_FIELDS = {
    "invalid_request_type": "request_type",
    "invalid_channel": "channel",
    "invalid_relation": "requester_relation",
    "invalid_received_at": "received_at",
    "requester_name_required": "requester_name",
    "requester_name_too_long": "requester_name",
    "requester_contact_too_long": "requester_contact",
    "description_too_long": "description",
    "erasure_asked": "request_type",
    "invalid_outcome": "outcome",
    "invalid_answered_at": "answered_at",
    "action_required": "action",
    "refusal_reason_required": "refusal_reason",
    "note_required": "note",
    "note_too_long": "note",
    "title_required": "title",
    "title_too_long": "title",
    "invalid_discovered_at": "discovered_at",
    "invalid_occurred_at": "occurred_at",
    "categories_required": "data_categories",
    "invalid_category": "data_categories",
    "invalid_subject_count": "subject_count",
    "how_required": "how",
    "how_too_long": "how",
    "consequences_too_long": "consequences",
    "remediation_too_long": "remediation",
    "advice_too_long": "advice",
    "contact_too_long": "contact",
    "notices_given": "discovered_at",
    "invalid_recipient": "recipient",
    "invalid_method": "method",
    "invalid_sent_at": "sent_at",
    "invalid_recipient_count": "recipient_count",
    "reference_too_long": "reference",
}


def _textarea(rows: int = 3) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


class _ZonedForm(forms.Form):
    """A form of the registers whose date-time boxes are read on `zone`'s clock (the office's,
    or the breach's), and whose fields are the keyword arguments of the service it feeds."""

    def __init__(self, *args, zone: zoneinfo.ZoneInfo, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, ZonedDateTimeField):
                field.zone = zone

    def values(self) -> dict:
        """The cleaned fields, for the service."""
        return {key: self.cleaned_data[key] for key in self.fields if key in self.cleaned_data}


# --- Data-subject requests -------------------------------------------------------------------


class SubjectRequestForm(_ZonedForm):
    """A request as it came in (also to correct an open one)."""

    request_type = forms.ChoiceField(
        label=_("What does the person ask for?"),
        choices=RequestType.choices,
        widget=forms.RadioSelect,
    )
    received_at = ZonedDateTimeField(
        label=_("Received at"),
        help_text=_("When the request reached the office: the deadline runs from then."),
    )
    channel = forms.ChoiceField(
        label=_("How did it come in?"), choices=[("", "—"), *RequestChannel.choices]
    )
    requester_relation = forms.ChoiceField(
        label=_("Who made the request?"), choices=RequesterRelation.choices
    )
    requester_name = forms.CharField(
        label=_("Name of the requester"),
        required=False,
        max_length=MAX_NAME,
        help_text=_(
            "Needed when the request is made by someone else for the person (a parent, a "
            "guardian, a representative), or when the person is not in the registry."
        ),
    )
    requester_contact = forms.CharField(
        label=_("How to send the answer"),
        required=False,
        max_length=MAX_CONTACT,
        help_text=_("A phone number, an address or an e-mail address, as the requester wishes."),
    )
    description = forms.CharField(
        label=_("What is asked"),
        required=False,
        max_length=MAX_TEXT,
        widget=_textarea(4),
        help_text=_(
            "In the requester's words: which data, what should change. Write nothing about "
            "counselling or a case here."
        ),
    )

    def __init__(self, *args, zone: zoneinfo.ZoneInfo, has_person: bool, **kwargs):
        super().__init__(*args, zone=zone, **kwargs)
        self.has_person = has_person
        if not has_person:
            self.fields["requester_name"].help_text = _(
                "The person is not in the registry: write their name as they gave it."
            )

    def clean(self):
        cleaned = super().clean()
        received_at = cleaned.get("received_at")
        if received_at and received_at > timezone.now() + CLOCK_SKEW:
            self.add_error("received_at", _("The time cannot be in the future."))
        relation = cleaned.get("requester_relation")
        if relation and not cleaned.get("requester_name", "").strip():
            if not self.has_person or relation != RequesterRelation.SELF:
                self.add_error(
                    "requester_name", _("Give the name of the person who made the request.")
                )
        return cleaned


STATUS_FILTER_CHOICES = [
    ("open", _("Still open")),
    ("closed", _("Closed")),
    ("all", _("All")),
    *[(status.value, status.label) for status in RequestStatus],
]


class SubjectRequestFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=STATUS_FILTER_CHOICES, required=False)
    request_type = forms.ChoiceField(
        label=_("Request"), choices=[("", _("All")), *RequestType.choices], required=False
    )
    overdue = forms.BooleanField(label=_("Past the deadline only"), required=False)


class CloseRequestForm(_ZonedForm):
    """The answer to a request: what was done, a refusal and why, or the requester's
    withdrawal."""

    outcome = forms.ChoiceField(
        label=_("How does the request end?"),
        choices=[
            (RequestStatus.ANSWERED.value, _("Answered: the office did what was asked")),
            (RequestStatus.REFUSED.value, _("Refused, with the reason given to the requester")),
            (RequestStatus.WITHDRAWN.value, _("Withdrawn by the requester")),
        ],
        widget=forms.RadioSelect,
    )
    action = forms.ChoiceField(
        label=_("What was done"), choices=[("", "—"), *RequestAction.choices], required=False
    )
    refusal_reason = forms.ChoiceField(
        label=_("Why it is refused"),
        choices=[("", "—"), *RefusalReason.choices],
        required=False,
    )
    answered_at = ZonedDateTimeField(label=_("Answered at"))
    note = forms.CharField(
        label=_("What the requester was told, and how"),
        required=False,
        max_length=MAX_TEXT,
        widget=_textarea(4),
    )

    def clean(self):
        cleaned = super().clean()
        outcome = cleaned.get("outcome")
        if outcome == RequestStatus.ANSWERED and not cleaned.get("action"):
            self.add_error("action", _("Say what was done to answer the request."))
        if outcome == RequestStatus.REFUSED and not cleaned.get("refusal_reason"):
            self.add_error("refusal_reason", _("Choose why the request is refused."))
        if outcome and outcome != RequestStatus.WITHDRAWN and not cleaned.get("note", "").strip():
            self.add_error("note", _("Write down what the requester was told, and how."))
        return cleaned


class ConfirmForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("I have checked the requester's identity and want the record erased."),
        error_messages={"required": _("Tick the box to confirm.")},
    )


# --- Breaches --------------------------------------------------------------------------------


class BreachForm(_ZonedForm):
    """A breach as it is known: reported by an office, completed by the data-protection
    officer (who also writes the advice and the contact of the notices)."""

    title = forms.CharField(
        label=_("Short title"),
        max_length=200,
        help_text=_('What happened, in a few words, without names (e.g. "Laptop stolen").'),
    )
    discovered_at = ZonedDateTimeField(
        label=_("Discovered at"),
        help_text=_("The written notices are due 3 × 24 hours after this moment."),
    )
    occurred_at = ZonedDateTimeField(
        label=_("Happened at"), required=False, help_text=_("Leave empty if it is not known.")
    )
    data_categories = forms.MultipleChoiceField(
        label=_("Which kinds of personal data?"),
        choices=DataCategory.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    subject_count = forms.IntegerField(
        label=_("How many people are affected?"),
        required=False,
        min_value=0,
        max_value=MAX_INTEGER,
        help_text=_("An estimate is fine; leave empty if it is not known. Do not list them."),
    )
    how = forms.CharField(
        label=_("How did it happen?"),
        max_length=MAX_TEXT,
        widget=_textarea(4),
        help_text=_("What was lost, seen or sent, by whom, how it was noticed. No names."),
    )
    consequences = forms.CharField(
        label=_("Likely consequences for the people"),
        required=False,
        max_length=MAX_TEXT,
        widget=_textarea(3),
    )
    remediation = forms.CharField(
        label=_("Handling and recovery"),
        required=False,
        max_length=MAX_TEXT,
        widget=_textarea(3),
        help_text=_("What was done and will be done to stop it and to recover the data."),
    )


class BreachRecordForm(BreachForm):
    advice = forms.CharField(
        label=_("What the people can do"),
        required=False,
        max_length=MAX_TEXT,
        widget=_textarea(3),
        help_text=_("For the letter to the people: e.g. be wary of calls asking for money."),
    )
    contact = forms.CharField(
        label=_("Contact for questions"),
        required=False,
        max_length=300,
        help_text=_("Printed in the notices; the ministry's phone and e-mail when empty."),
    )


class BreachDecisionForm(forms.Form):
    status = forms.ChoiceField(
        label=_("New status"),
        choices=[(s.value, s.label) for s in BreachStatus if s != BreachStatus.REPORTED],
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=MAX_TEXT,
        widget=_textarea(3),
        help_text=_("Needed to set a report aside or to close a breach: say why."),
    )


class NoticeForm(_ZonedForm):
    recipient = forms.ChoiceField(label=_("Notified"), choices=NoticeRecipient.choices)
    sent_at = ZonedDateTimeField(label=_("Sent at"))
    method = forms.ChoiceField(label=_("How"), choices=[("", "—"), *NoticeMethod.choices])
    recipient_count = forms.IntegerField(
        label=_("Number of people notified"),
        required=False,
        min_value=0,
        max_value=MAX_INTEGER,
    )
    reference = forms.CharField(label=_("Letter number"), required=False, max_length=100)


BREACH_FILTER_CHOICES = [("open", _("Still open")), ("closed", _("Closed")), ("all", _("All"))]


class BreachFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=BREACH_FILTER_CHOICES, required=False)
    overdue = forms.BooleanField(label=_("Notices overdue only"), required=False)
