"""Forms of the office's staff pages and of the administrator's offices pages. They parse input
only: the rules are in `core.staff`."""

from __future__ import annotations

from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from satuatap.core import two_factor
from satuatap.core.models import Desk, Language, OfficeTimeZone, Organisation, User
from satuatap.core.roles import OFFICE_ROLES, Role
from satuatap.core.selectors import active_desks
from satuatap.core.staff import services as staff_services
from satuatap.regions.forms import RegionPickerField
from satuatap.regions.models import RegionLevel

# The roles an office head chooses from: the office roles (`roles.OFFICE_ROLES`), in the order
# `Role` names them.
OFFICE_ROLE_CHOICES = [(role.value, role.label) for role in Role if role in OFFICE_ROLES]
GENDER_CHOICES = cast(list[tuple[str, str]], User._meta.get_field("gender").choices)


class DeskChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return str(obj)


class DetailsForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=200)
    email = forms.EmailField(
        label=_("E-mail address"),
        required=False,
        help_text=_("The link to set a password is sent here; without one it is shown to you."),
    )
    gender = forms.ChoiceField(
        label=_("Gender"),
        choices=GENDER_CHOICES,
        initial="U",
        help_text=_("Lets a client who asks for a woman case worker be assigned one."),
    )
    language = forms.ChoiceField(
        label=_("Language"), choices=Language.choices, initial=Language.INDONESIAN
    )

    def details(self, prefix: str = "") -> staff_services.Details:
        data = self.cleaned_data
        return staff_services.Details(
            full_name=data[f"{prefix}full_name"],
            email=data[f"{prefix}email"],
            gender=data.get(f"{prefix}gender", "U"),
            language=data[f"{prefix}language"],
        )


class StaffForm(DetailsForm):
    """A colleague's details, roles and desk (the change page; the add page has a user name)."""

    roles = forms.MultipleChoiceField(
        label=_("Roles"),
        choices=OFFICE_ROLE_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one role.")},
        help_text=_(
            "Office roles only. The case supervisor role opens every restricted case: it waits "
            "until a case supervisor of the office or the administrator confirms it."
        ),
    )
    desk = DeskChoiceField(
        label=_("Desk"),
        queryset=Desk.objects.none(),
        required=False,
        empty_label=_("No desk"),
        help_text=_("For desk officers: the one desk they work at."),
    )

    def __init__(self, *args, office: Organisation, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["desk"]).queryset = active_desks(office)

    @classmethod
    def initial_of(cls, member: User) -> dict:
        grants = getattr(member, "open_grants", [])
        return {
            "full_name": member.full_name,
            "email": member.email,
            "gender": member.gender,
            "language": member.language,
            "desk": member.desk_id,
            "roles": [a.role for a in member.role_assignments.all()] + [g.role for g in grants],
        }


class NewStaffForm(StaffForm):
    username = forms.CharField(
        label=_("User name"),
        max_length=150,
        help_text=_("What the colleague signs in with, e.g. cirebon.ratna."),
    )
    field_order = ["username", "full_name", "email", "gender", "language", "roles", "desk"]


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is two-factor sign-in reset?"),
        max_length=two_factor.MAX_REASON_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For example: phone lost on 3 March. Kept in the audit trail."),
    )


class OfficeForm(forms.Form):
    """A new office and its first head, for the administrator."""

    name = forms.CharField(label=_("Office name"), max_length=200)
    slug = forms.SlugField(
        label=_("Short name"),
        max_length=64,
        help_text=_("Lower-case letters, digits and hyphens, e.g. blitar. Used in addresses."),
    )
    region = RegionPickerField(label=_("Regency or city served"), level=RegionLevel.REGENCY)
    time_zone = forms.ChoiceField(label=_("Time zone"), choices=OfficeTimeZone.choices)
    head_username = forms.CharField(label=_("User name of the head"), max_length=150)
    head_full_name = forms.CharField(label=_("Full name of the head"), max_length=200)
    head_email = forms.EmailField(
        label=_("E-mail address of the head"),
        required=False,
        help_text=_("The link to set a password is sent here; without one it is shown to you."),
    )
    head_language = forms.ChoiceField(
        label=_("Language of the head"), choices=Language.choices, initial=Language.INDONESIAN
    )

    def head_details(self) -> staff_services.Details:
        data = self.cleaned_data
        return staff_services.Details(
            full_name=data["head_full_name"],
            email=data["head_email"],
            language=data["head_language"],
        )


class HeadForm(forms.Form):
    """A head for an office that has none left, for the administrator."""

    username = forms.CharField(label=_("User name"), max_length=150)
    full_name = forms.CharField(label=_("Full name"), max_length=200)
    email = forms.EmailField(
        label=_("E-mail address"),
        required=False,
        help_text=_("The link to set a password is sent here; without one it is shown to you."),
    )
    language = forms.ChoiceField(
        label=_("Language"), choices=Language.choices, initial=Language.INDONESIAN
    )

    def details(self) -> staff_services.Details:
        data = self.cleaned_data
        return staff_services.Details(
            full_name=data["full_name"], email=data["email"], language=data["language"]
        )


class GrantDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("confirm", _("Confirm")), ("decline", _("Decline"))], widget=forms.HiddenInput
    )
