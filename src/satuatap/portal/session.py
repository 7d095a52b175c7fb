"""The portal's own short session, kept in Django's session beside nothing else: the challenge
a browser is answering, then the person it identified until a set time. No staff login is
involved; signing out of the portal, or the time running out, forgets the person."""

from __future__ import annotations

import datetime

from django.utils import timezone

from satuatap.people.models import Person
from satuatap.portal import SESSION_MINUTES

CHALLENGE_KEY = "portal_challenge"
PERSON_KEY = "portal_person"
UNTIL_KEY = "portal_until"


def remember_challenge(request, token: str) -> None:
    request.session[CHALLENGE_KEY] = token


def challenge_token(request) -> str:
    return request.session.get(CHALLENGE_KEY, "")


def sign_in(request, person: Person) -> None:
    """After the right code: a fresh session key (nothing learnt before carries over)."""
    request.session.cycle_key()
    request.session.pop(CHALLENGE_KEY, None)
    until = timezone.now() + datetime.timedelta(minutes=SESSION_MINUTES)
    request.session[PERSON_KEY] = person.pk
    request.session[UNTIL_KEY] = until.isoformat()


def sign_out(request) -> None:
    for key in (CHALLENGE_KEY, PERSON_KEY, UNTIL_KEY):
        request.session.pop(key, None)


def current_person(request) -> Person | None:
    """The person this browser identified as, while the portal session lasts."""
    person_id = request.session.get(PERSON_KEY)
    until = request.session.get(UNTIL_KEY)
    if not person_id or not until:
        return None
    if datetime.datetime.fromisoformat(until) <= timezone.now():
        sign_out(request)
        return None
    person = (
        Person.objects.filter(pk=person_id, merged_into__isnull=True, anonymised_at__isnull=True)
        .select_related("office")
        .first()
    )
    return person
