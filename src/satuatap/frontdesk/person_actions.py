"""The front desk's action on a person's page: check this person in."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from satuatap.people.models import Person
from satuatap.people.panels import PersonAction, register_person_action


def check_in_action(request: HttpRequest, person: Person) -> PersonAction | None:
    """For those who may check visitors in, a link to the check-in with the person chosen."""
    if not request.user.has_perm("frontdesk.check_in") or person.merged_into_id:
        return None
    url = f"{reverse('frontdesk:check-in')}?person={person.pk}"
    return PersonAction(label=_("Check in"), url=url, testid="check-in-person")


def register() -> None:
    register_person_action(check_in_action)
