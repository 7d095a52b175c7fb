"""Identifying in the portal: NIK + date of birth + a one-time code to the number on record,
without ever telling whether a NIK exists."""

from __future__ import annotations

import datetime
import re

import pytest
from django.test import Client
from django.utils import timezone

from satuatap.notifications.models import Message
from satuatap.portal import services
from satuatap.portal.models import Challenge
from tests.portal.conftest import NIK, PHONE, identify, sent_code, sign_in

pytestmark = pytest.mark.django_db


CSRF_VALUE = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"')


def test_a_wrong_birth_date_and_an_unknown_nik_get_the_same_answers_as_a_match(worker):
    answers = {}
    for label, nik, birth in (
        ("match", NIK, "14/03/1995"),
        ("wrong_birth", NIK, "15/03/1995"),
        ("unknown", "3209015403950999", "14/03/1995"),
    ):
        client = Client()
        response = identify(client, nik=nik, birth=birth)
        page = client.get("/portal/code/")
        wrong = client.post("/portal/code/", {"code": "000000"})
        answers[label] = (
            response.status_code,
            response["Location"],
            page.status_code,
            CSRF_VALUE.sub("", page.content.decode()),
            wrong.status_code,
        )
    # The pages differ only by their CSRF token (taken out above).
    assert answers["wrong_birth"] == answers["unknown"]
    assert answers["match"][:3] == answers["unknown"][:3]
    assert answers["match"][4] == answers["unknown"][4] == 422
    # Only the match queued a code, to the number on record, on the SMS channel.
    messages = list(Message.objects.filter(template_code="portal_code"))
    assert len(messages) == 1
    assert messages[0].person == worker
    assert str(messages[0].address) == PHONE
    # Every attempt left a challenge; only the match's names a person.
    assert Challenge.objects.count() == 3
    assert Challenge.objects.filter(person__isnull=False).count() == 1


def test_the_right_code_shows_the_stage_and_the_missing_documents(client, worker, placement_file):
    sign_in(client, worker)
    page = client.get("/portal/status/").content.decode()
    assert "Registration" in page or "Pendaftaran" in page
    assert 'data-testid="portal-missing"' in page
    assert "KTP" in page


def test_the_status_page_without_a_code_sends_back_to_identify(client, worker, placement_file):
    response = client.get("/portal/status/")
    assert response.status_code == 302
    assert response["Location"] == "/portal/identify/"


def test_the_code_works_once(worker):
    challenge = services.start_identification(nik=NIK, birth_date=worker.birth_date, client="a")
    code = sent_code(worker)
    assert services.verify_code(token=challenge.token, code=code, client="a") == worker
    with pytest.raises(services.DomainError) as refused:
        services.verify_code(token=challenge.token, code=code, client="a")
    assert refused.value.code == "wrong_code"


def test_the_code_expires(worker):
    challenge = services.start_identification(nik=NIK, birth_date=worker.birth_date, client="a")
    later = challenge.expires_at + datetime.timedelta(seconds=1)
    with pytest.raises(services.DomainError) as refused:
        services.verify_code(token=challenge.token, code=sent_code(worker), client="a", now=later)
    assert refused.value.code == "wrong_code"


def test_five_wrong_codes_use_the_challenge_up(worker):
    challenge = services.start_identification(nik=NIK, birth_date=worker.birth_date, client="a")
    for _ in range(5):
        with pytest.raises(services.DomainError):
            services.verify_code(token=challenge.token, code="999999x", client="a")
    with pytest.raises(services.DomainError):
        services.verify_code(token=challenge.token, code=sent_code(worker), client="a")
    challenge.refresh_from_db()
    assert challenge.failed_attempts == 6 and challenge.used_at is None


def test_an_unknown_niks_challenge_takes_no_code(worker):
    challenge = services.start_identification(
        nik="3209015403950999", birth_date=worker.birth_date, client="a"
    )
    assert challenge.person is None
    for code in ("000000", "123456"):
        with pytest.raises(services.DomainError):
            services.verify_code(token=challenge.token, code=code, client="a")


def test_a_person_without_a_phone_is_answered_as_an_unknown_nik(worker):
    worker.phones.all().delete()
    challenge = services.start_identification(nik=NIK, birth_date=worker.birth_date, client="a")
    assert challenge.person is None
    assert not Message.objects.exists()


@pytest.mark.parametrize(
    ("language", "words"),
    [("id", "Terlalu banyak percobaan"), ("en", "Too many tries")],
)
def test_the_rate_limit_per_nik_trips_with_a_translated_error(
    client, worker, language, words, settings
):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    for n in range(3):
        response = identify(client, REMOTE_ADDR=f"10.0.0.{n}")
        assert response.status_code == 302
    response = identify(client, REMOTE_ADDR="10.0.0.9")
    assert response.status_code == 429
    assert words in response.content.decode()
    # The refused attempt made no challenge and sent nothing.
    assert Challenge.objects.count() == 3
    assert Message.objects.count() == 3


def test_the_rate_limit_counts_an_unknown_nik_like_a_known_one(client, worker):
    for n in range(3):
        assert (
            identify(client, nik="3209015403950999", REMOTE_ADDR=f"10.0.1.{n}").status_code == 302
        )
    assert identify(client, nik="3209015403950999", REMOTE_ADDR="10.0.1.9").status_code == 429


def test_the_rate_limit_per_address(worker):
    for n in range(10):
        services.start_identification(
            nik=f"32090154039{50100 + n}", birth_date=worker.birth_date, client="10.9.9.9"
        )
    with pytest.raises(services.DomainError) as refused:
        services.start_identification(nik=NIK, birth_date=worker.birth_date, client="10.9.9.9")
    assert refused.value.status == 429
    # Another address is not held back.
    services.start_identification(nik=NIK, birth_date=worker.birth_date, client="10.9.9.8")


def test_the_portal_session_ends_after_its_minutes(client, worker, placement_file, settings):
    sign_in(client, worker)
    assert client.get("/portal/status/").status_code == 200
    session = client.session
    session["portal_until"] = (timezone.now() - datetime.timedelta(seconds=1)).isoformat()
    session.save()
    assert client.get("/portal/status/")["Location"] == "/portal/identify/"


def test_signing_out_forgets_the_person(client, worker, placement_file):
    sign_in(client, worker)
    client.post("/portal/sign-out/")
    assert client.get("/portal/status/")["Location"] == "/portal/identify/"


def test_the_portal_forms_need_their_csrf_token(worker):
    client = Client(enforce_csrf_checks=True)
    assert identify(client).status_code == 403
    assert not Challenge.objects.exists()


def test_identifying_is_audited_without_the_code_or_the_token(worker):
    from auditlog.models import LogEntry

    challenge = services.start_identification(nik=NIK, birth_date=worker.birth_date, client="a")
    services.verify_code(token=challenge.token, code=sent_code(worker), client="a")
    entries = LogEntry.objects.get_for_object(challenge).order_by("pk")
    assert [entry.action for entry in entries] == [LogEntry.Action.CREATE, LogEntry.Action.UPDATE]
    assert "used_at" in entries[1].changes_dict
    for entry in entries:
        assert challenge.token not in str(entry.changes)
        assert challenge.code_hash not in str(entry.changes)
