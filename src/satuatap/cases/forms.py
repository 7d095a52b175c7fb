"""Forms of the MRC's staff pages. They parse input only: the rules live in `services.py` (and
`retention/services.py`), which the views call with the cleaned data."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, cast

from django import forms
from django.db import models
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django_bootstrap5.widgets import RadioSelectButtonGroup

from satuatap.cases import references
from satuatap.cases.directory.selectors import consent_templates, service_suggestions
from satuatap.cases.models import (
    AgeBand,
    Case,
    CaseStatus,
    Category,
    Channel,
    ConsentMethod,
    ConsentTemplate,
    ContactKind,
    ContactSource,
    GbvType,
    Outcome,
    PersonServed,
    SharedItem,
    Topic,
    Urgency,
)
from satuatap.cases.selectors import case_workers
from satuatap.cases.services import SAFETY_FLAGS, WORK_STATUSES, OpenActions
from satuatap.core.currencies import currency_choices
from satuatap.core.forms import DateInput
from satuatap.core.limits import MAX_BIGINT
from satuatap.core.models import Organisation, User
from satuatap.core.selectors import office_partners
from satuatap.people.models import Person, Sex
from satuatap.people.selectors import active_people
from satuatap.placement.models import Agency

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise as StrOrPromise

# Categories whose cases involve violence: the GBV types belong with them.
VIOLENCE_CATEGORIES = (Category.GBV, Category.WORKPLACE_VIOLENCE, Category.TRAFFICKING)
GROUP_SEXES = (Sex.FEMALE, Sex.MALE, Sex.NOT_RECORDED)
TWO_COLUMNS = "row row-cols-1 row-cols-md-2 g-0"


class WorkerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        if obj.gender == "F":
            return _("%(name)s (woman)") % {"name": obj}
        return str(obj)


class PartnerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Organisation) -> str:
        return f"{obj.name} · {obj.get_partner_type_display()}"


def _person_from_id(user, value, *, message) -> Person | None:
    value = str(value or "").strip()
    if not value:
        return None
    is_id = value.isdigit() and len(value) <= 12
    person = active_people(user).filter(pk=int(value)).first() if is_id else None
    if person is None:
        raise forms.ValidationError(message)
    return person


class PersonIdsField(forms.Field):
    """Several registry ids, from checkboxes of search results (validated by the form)."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value) -> list[str]:
        return [str(v).strip() for v in (value or []) if str(v).strip()]


def _people_from_ids(user, values: list[str]) -> list[Person]:
    if any(not v.isdigit() or len(v) > 12 for v in values):
        raise forms.ValidationError(_("No such person in this office's registry."))
    ids = {int(v) for v in values}
    people = list(active_people(user).filter(pk__in=ids).order_by("full_name", "pk"))
    if len(people) != len(ids):
        raise forms.ValidationError(_("No such person in this office's registry."))
    return people


# --- Contacts ---------------------------------------------------------------------------------


class ContactForm(forms.Form):
    """One information or counselling contact: with a person (found in the registry, or only
    sex and age band), or a group session with counts by sex and age band."""

    kind = forms.ChoiceField(
        label=_("Kind of contact"),
        choices=ContactKind.choices,
        initial=ContactKind.INFORMATION,
        widget=RadioSelectButtonGroup,
    )
    channel = forms.ChoiceField(
        label=_("Channel"),
        choices=Channel.choices,
        initial=Channel.WALK_IN,
        widget=RadioSelectButtonGroup,
    )
    topic = forms.ChoiceField(label=_("Topic"), choices=[("", "—"), *Topic.choices])
    served = forms.ChoiceField(
        label=_("Person served"), choices=[("", "—"), *PersonServed.choices], required=False
    )
    occurred_on = forms.DateField(label=_("Date"), widget=DateInput())
    person = forms.CharField(label=_("Person from the registry"), required=False)
    sex = forms.ChoiceField(
        label=_("Sex"), choices=Sex.choices, initial=Sex.NOT_RECORDED, required=False
    )
    age_band = forms.ChoiceField(
        label=_("Age band"),
        choices=AgeBand.choices,
        initial=AgeBand.NOT_RECORDED,
        required=False,
    )
    is_group = forms.BooleanField(label=_("Group session"), required=False)
    participants = PersonIdsField(label=_("Named participants"), required=False)
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["occurred_on"].initial = user.office.today() if user.office else None
        self.chosen_person: Person | None = None
        self.chosen_participants: list[Person] = []
        self.grid_fields: list[tuple[str, list[str]]] = []
        for index, (_band, band_label) in enumerate(AgeBand.choices):
            names = []
            for sex in GROUP_SEXES:
                name = f"count_{sex}_{index}"
                self.fields[name] = forms.IntegerField(
                    label=f"{Sex(sex).label}, {band_label}",
                    min_value=0,
                    max_value=10000,
                    required=False,
                    widget=forms.NumberInput(attrs={"class": "form-control form-control-sm"}),
                )
                names.append(name)
            self.grid_fields.append((band_label, names))

    def grid(self):
        """Rows of the group grid: (age band, [bound fields for women, men, not recorded])."""
        return [(label, [self[name] for name in names]) for label, names in self.grid_fields]

    def clean_person(self) -> Person | None:
        person = _person_from_id(
            self.user,
            self.cleaned_data.get("person"),
            message=_("No such person in this office's registry."),
        )
        self.chosen_person = person
        return person

    def clean_participants(self) -> list[Person]:
        people = _people_from_ids(self.user, self.cleaned_data.get("participants") or [])
        self.chosen_participants = people
        return people

    def counts(self) -> list[tuple[str, str, int]]:
        rows: list[tuple[str, str, int]] = []
        for index, (band, _label) in enumerate(AgeBand.choices):
            for sex in GROUP_SEXES:
                value = self.cleaned_data.get(f"count_{sex}_{index}")
                if value:
                    rows.append((sex, band, value))
        return rows

    def clean(self):
        cleaned = super().clean()
        # Counts or named participants make it a group session even if the switch was missed.
        if self.counts() or cleaned.get("participants"):
            cleaned["is_group"] = True
        return cleaned

    def contact_data(self) -> dict:
        """Keyword arguments for `services.record_contact`."""
        data = self.cleaned_data
        is_group = data["is_group"]
        return {
            "kind": data["kind"],
            "channel": data["channel"],
            "topic": data["topic"],
            "served": data["served"],
            "occurred_on": data["occurred_on"],
            "person": None if is_group else data["person"],
            "sex": data["sex"] or Sex.NOT_RECORDED,
            "age_band": data["age_band"] or AgeBand.NOT_RECORDED,
            "is_group": is_group,
            "counts": self.counts() if is_group else [],
            "participants": data["participants"] if is_group else [],
            "notes": data["notes"],
        }


class ContactFilterForm(forms.Form):
    date_from = forms.DateField(label=_("From"), required=False, widget=DateInput())
    date_to = forms.DateField(label=_("To"), required=False, widget=DateInput())
    kind = forms.ChoiceField(
        label=_("Kind"), choices=[("", _("All")), *ContactKind.choices], required=False
    )
    channel = forms.ChoiceField(
        label=_("Channel"), choices=[("", _("All")), *Channel.choices], required=False
    )
    topic = forms.ChoiceField(
        label=_("Topic"), choices=[("", _("All")), *Topic.choices], required=False
    )
    source = forms.ChoiceField(
        label=_("Source"), choices=[("", _("All")), *ContactSource.choices], required=False
    )


# --- Intake -----------------------------------------------------------------------------------


class AgencyChoiceField(forms.ModelChoiceField):
    def __init__(self, *args, today: datetime.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today

    def label_from_instance(self, obj: Agency) -> str:
        return f"{obj.name} · {obj.licence_state(self.today).label}"


def safety_choices() -> list[tuple[str, StrOrPromise]]:
    return [
        (flag, capfirst(cast(models.Field, Case._meta.get_field(flag)).verbose_name))
        for flag in SAFETY_FLAGS
    ]


class CaseForm(forms.Form):
    """The complaint intake form. The person affected and the complainant are chosen from
    registry search results (radio buttons named `client` and `complainant`)."""

    client = forms.CharField(
        label=_("Person affected"),
        error_messages={"required": _("Find the person affected in the registry.")},
    )
    complainant = forms.CharField(label=_("Complainant"), required=False)
    complainant_relation = forms.CharField(
        label=_("Complainant's relation to the person affected"),
        max_length=64,
        required=False,
        help_text=_("For example: mother, husband, sister."),
    )
    channel = forms.ChoiceField(
        label=_("Channel"), choices=Channel.choices, initial=Channel.WALK_IN
    )
    received_on = forms.DateField(label=_("Received on"), widget=DateInput())
    country = Case._meta.get_field("country").formfield(required=False)
    employer = forms.CharField(label=_("Employer"), max_length=200, required=False)
    agency = AgencyChoiceField(
        label=_("Agency (P3MI) complained about"),
        queryset=Agency.objects.none(),
        required=False,
        today=datetime.date.today(),
    )
    recruiter = forms.CharField(
        label=_("Recruiter or broker named"),
        required=False,
        max_length=500,
        help_text=_("As the complainant names them (kept encrypted)."),
    )
    categories = forms.MultipleChoiceField(
        label=_("Categories"),
        choices=Category.choices,
        widget=forms.CheckboxSelectMultiple(attrs={"class": TWO_COLUMNS}),
        error_messages={"required": _("Choose at least one category.")},
    )
    gbv_types = forms.MultipleChoiceField(
        label=_("Type of gender-based violence (GBVIMS)"),
        choices=GbvType.choices,
        widget=forms.CheckboxSelectMultiple(attrs={"class": TWO_COLUMNS}),
        required=False,
        help_text=_("Only when violence is involved. The case becomes restricted."),
    )
    urgency = forms.ChoiceField(label=_("Urgency"), choices=Urgency.choices, initial=Urgency.NORMAL)
    safety = forms.MultipleChoiceField(
        label=_("Safety assessment"),
        choices=(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    safety_notes = forms.CharField(
        label=_("Safety details"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    narrative = forms.CharField(
        label=_("What happened"), required=False, widget=forms.Textarea(attrs={"rows": 6})
    )
    wants_woman_worker = forms.BooleanField(
        label=_("The client asks for a woman case worker"), required=False
    )
    interpreter_language = forms.CharField(
        label=_("Interpreter needed for (language)"), max_length=64, required=False
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        today = user.office.today() if user.office else datetime.date.today()
        self.fields["received_on"].initial = today
        self.fields["agency"].queryset = Agency.objects.order_by("name", "pk")
        self.fields["agency"].today = today
        self.fields["safety"].choices = safety_choices()
        self.chosen_client: Person | None = None
        self.chosen_complainant: Person | None = None

    def clean_client(self) -> Person:
        person = _person_from_id(
            self.user,
            self.cleaned_data.get("client"),
            message=_("No such person in this office's registry."),
        )
        if person is None:
            raise forms.ValidationError(_("Find the person affected in the registry."))
        self.chosen_client = person
        return person

    def clean_complainant(self) -> Person | None:
        person = _person_from_id(
            self.user,
            self.cleaned_data.get("complainant"),
            message=_("No such person in this office's registry."),
        )
        self.chosen_complainant = person
        return person

    def clean(self):
        cleaned = super().clean()
        gbv, categories = cleaned.get("gbv_types"), cleaned.get("categories") or []
        if gbv and not set(categories) & set(VIOLENCE_CATEGORIES):
            self.add_error(
                "gbv_types",
                _(
                    "A GBV type goes with the category gender-based violence, violence at work "
                    "or trafficking: choose that category too."
                ),
            )
        client, complainant = cleaned.get("client"), cleaned.get("complainant")
        if complainant and client and complainant.pk != client.pk:
            if not (cleaned.get("complainant_relation") or "").strip():
                self.add_error(
                    "complainant_relation",
                    _("Say how the complainant is related to the person affected."),
                )
        return cleaned

    def case_data(self) -> dict:
        """Keyword arguments for `services.open_case`."""
        data = self.cleaned_data
        return {
            "client": data["client"],
            "complainant": data["complainant"],
            "complainant_relation": data["complainant_relation"],
            "channel": data["channel"],
            "received_on": data["received_on"],
            "country": data["country"] or "",
            "employer": data["employer"],
            "agency": data["agency"],
            "recruiter": data["recruiter"],
            "categories": data["categories"],
            "gbv_types": data["gbv_types"],
            "urgency": data["urgency"],
            "safety": data["safety"],
            "safety_notes": data["safety_notes"],
            "narrative": data["narrative"],
            "wants_woman_worker": data["wants_woman_worker"],
            "interpreter_language": data["interpreter_language"],
        }


class CaseFilterForm(forms.Form):
    q = forms.CharField(label=_("Case number"), required=False, max_length=40)

    def clean_q(self) -> str:
        text = "".join((self.cleaned_data.get("q") or "").split())
        # Said from the text alone (its check character), never from what the database holds.
        if references.looks_like_reference(text) and not references.is_valid_reference(text):
            raise forms.ValidationError(
                _("This case number has a typing error: check each character again.")
            )
        return text

    category = forms.ChoiceField(
        label=_("Category"), choices=[("", _("All")), *Category.choices], required=False
    )
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[("", _("All")), ("active", _("Not closed")), *CaseStatus.choices],
        required=False,
    )


# --- The case page ----------------------------------------------------------------------------


class AssignForm(forms.Form):
    worker = WorkerChoiceField(label=_("Case worker"), queryset=User.objects.none())
    replace = forms.BooleanField(
        label=_("Take the current case workers off the case"), required=False
    )

    def __init__(self, *args, office, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["worker"].queryset = case_workers(office)


class ActionForm(forms.Form):
    description = forms.CharField(
        label=_("Action"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )
    owner = WorkerChoiceField(label=_("Owner"), queryset=User.objects.none())
    due_on = forms.DateField(label=_("Due on"), widget=DateInput())

    def __init__(self, *args, office, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = case_workers(office)


class NoteForm(forms.Form):
    text = forms.CharField(
        label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}), max_length=10000
    )


class AttachmentForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    file = forms.FileField(
        label=_("File (PDF, JPEG or PNG)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
    )


class ConsentTemplateChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: ConsentTemplate) -> str:
        return f"{obj.partner.name} · {obj.name}"


class ConsentForm(forms.Form):
    """The client's consent. A consent template of the office's partner directory fills in the
    partner and, when none is ticked, the information; the case worker ticks less when the
    client agrees to less."""

    template = ConsentTemplateChoiceField(
        label=_("Consent template"),
        queryset=ConsentTemplate.objects.none(),
        required=False,
        empty_label=_("None: choose the partner and the information below"),
        help_text=_(
            "Fills in the partner and the information; tick the information yourself when the "
            "client agrees to less."
        ),
    )
    recipient = PartnerChoiceField(
        label=_("Partner"), queryset=Organisation.objects.none(), required=False
    )
    items = forms.MultipleChoiceField(
        label=_("Information that may be shared"),
        choices=SharedItem.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    given_on = forms.DateField(label=_("Given on"), widget=DateInput())
    method = forms.ChoiceField(label=_("How"), choices=ConsentMethod.choices)
    witness = forms.CharField(
        label=_("Witness"),
        max_length=200,
        required=False,
        help_text=_("Needed for verbal consent."),
    )

    def __init__(self, *args, office, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["recipient"].queryset = office_partners(office)
        cast(forms.ModelChoiceField, self.fields["template"]).queryset = consent_templates(office)
        self.fields["given_on"].initial = office.today() if office else None

    def clean(self):
        cleaned = super().clean()
        # Not an argument of `services.record_consent`: what it filled in is.
        template = cleaned.pop("template", None)
        if template is not None:
            if not cleaned.get("recipient"):
                cleaned["recipient"] = template.partner
            elif cleaned["recipient"] != template.partner:
                self.add_error("template", _("This template is for another partner."))
            if not cleaned.get("items"):
                cleaned["items"] = list(template.items)
        if not cleaned.get("recipient") and "recipient" not in self.errors:
            self.add_error("recipient", _("Choose the partner, or a consent template."))
        if not cleaned.get("items") and "items" not in self.errors:
            self.add_error("items", _("Choose what the client agrees to share."))
        return cleaned


class ReferralForm(forms.Form):
    partner = PartnerChoiceField(label=_("Partner"), queryset=Organisation.objects.none())
    service = forms.CharField(
        label=_("Service asked for"),
        max_length=200,
        widget=forms.TextInput(attrs={"list": "referral-services", "autocomplete": "off"}),
        help_text=_("Type it, or choose one the partners offer (partner directory)."),
    )
    due_on = forms.DateField(label=_("Answer due by"), widget=DateInput())
    message = forms.CharField(
        label=_("Message to the partner"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Only when the client consented to share the narrative."),
    )

    def __init__(self, *args, office, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner"].queryset = office_partners(office)
        # The services the office's partners offer, for the field's <datalist>.
        self.service_suggestions = service_suggestions(office)
        if office is not None:
            self.fields["due_on"].initial = office.today() + datetime.timedelta(days=7)


class StatusForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), choices=[(s.value, s.label) for s in WORK_STATUSES]
    )


class CurrencyField(forms.ChoiceField):
    """An ISO 4217 code chosen from the currencies in use (`core.currencies`), named in the
    reader's language; typed in lower case it is read in upper case."""

    def __init__(self, **kwargs):
        kwargs.setdefault(
            "error_messages",
            {"invalid_choice": _("%(value)s is not the ISO 4217 code of a currency in use.")},
        )
        super().__init__(**kwargs)

    def to_python(self, value) -> str:
        return super().to_python(value).strip().upper()


class ClosureForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=[("", "—"), *Outcome.choices])
    money_recovered_idr = forms.IntegerField(
        label=_("Money recovered for the worker (Rp)"),
        min_value=0,
        max_value=MAX_BIGINT,
        initial=0,
        required=False,
    )
    money_original_amount = forms.DecimalField(
        label=_("Amount in the original currency"),
        max_digits=14,
        decimal_places=2,
        min_value=0,
        required=False,
    )
    money_original_currency = CurrencyField(
        label=_("Original currency"),
        required=False,
        help_text=_("The currency of the amount above (ISO 4217), such as HKD, TWD or MYR."),
    )
    return_assisted = forms.BooleanField(label=_("Return home assisted"), required=False)
    legal_action = forms.BooleanField(label=_("Legal action taken"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Names in the reader's language, from the CLDR (core.currencies).
        self.fields["money_original_currency"].choices = [("", "—"), *currency_choices()]


def closure_data(data: dict) -> dict:
    """Keyword arguments for `services.request_closure` from a valid `ClosureForm`."""
    return {
        "outcome": data["outcome"],
        "money_recovered_idr": data["money_recovered_idr"] or 0,
        "money_original_amount": data["money_original_amount"],
        "money_original_currency": data["money_original_currency"],
        "return_assisted": data["return_assisted"],
        "legal_action": data["legal_action"],
    }


class ClosureDecisionForm(forms.Form):
    APPROVE, SEND_BACK = "approve", "send_back"
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[(APPROVE, _("Approve the closure")), (SEND_BACK, _("Send back to work"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason for sending back"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    open_actions = forms.ChoiceField(
        label=_("The open actions of the plan"),
        choices=[
            (OpenActions.DONE, _("Mark them done")),
            (OpenActions.LEAVE, _("Leave them open (they come back if the case is reopened)")),
        ],
        required=False,
        widget=forms.RadioSelect,
    )
    end_referrals = forms.BooleanField(
        label=_(
            "End the partners' access: they see that the case is closed and nothing of the "
            "client any more"
        ),
        required=False,
    )


class ReasonForm(forms.Form):
    """The written reason of a restriction, its lifting, a reopening or a revocation: kept as
    an encrypted note of the case."""

    reason = forms.CharField(
        label=_("Reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Write the reason.")},
    )


class LegalHoldForm(forms.Form):
    reason = forms.CharField(
        label=_("Why the case must be kept"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ErasureDecisionForm(forms.Form):
    APPROVE, DECLINE = "approve", "decline"
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[(APPROVE, _("Erase the registry record")), (DECLINE, _("Keep the record"))],
        widget=forms.RadioSelect,
    )


class SafeContactForm(forms.Form):
    """A number (or e-mail address) the client says is safe for messages about the case."""

    channel = forms.ChoiceField(
        label=_("Channel"),
        choices=[("whatsapp", _("WhatsApp")), ("sms", _("SMS")), ("email", _("E-mail"))],
    )
    address = forms.CharField(
        label=_("Number or e-mail address"),
        max_length=254,
        help_text=_("Only one the client said is safe: nobody else reads it."),
    )
