"""The IKM survey: submitting it (service, QR page, exit kiosk, API) and the office's IKM report
(staff page and API), with who may see it."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import pytest
from django.db import IntegrityError
from django.test import Client
from django.urls import NoReverseMatch, path, reverse
from ninja import NinjaAPI

from satuatap.api import api as project_api
from satuatap.core.exceptions import DomainError
from satuatap.core.models import DeskType
from satuatap.core.roles import Role
from satuatap.frontdesk import devices
from satuatap.frontdesk.api_surveys import ikm_router, router
from satuatap.frontdesk.devices import services as device_services
from satuatap.frontdesk.models import Device, Service, Survey
from satuatap.frontdesk.services import (
    call_ticket,
    check_in,
    finish_ticket,
    mark_no_show,
    start_serving,
)
from satuatap.frontdesk.surveys import selectors as survey_selectors
from satuatap.frontdesk.surveys.selectors import visit_for_survey_token, visit_for_ticket_code
from satuatap.frontdesk.surveys.services import submit_survey
from satuatap.urls import urlpatterns as project_urlpatterns
from tests.factories import DeskFactory, UserFactory, pair_device

ALL_GOOD = {f"u{n}": 3 for n in range(1, 10)}

# Until the routers are mounted in satuatap/api.py, the API tests mount them on an API like the
# project's (same authentication and error handlers) through this module's URL patterns.
_test_api = NinjaAPI(auth=project_api.auth, urls_namespace="survey-test-api", docs_url=None)
for _exception, _handler in project_api._exception_handlers.items():
    _test_api.add_exception_handler(_exception, _handler)
_test_api.add_router("/surveys", router)
_test_api.add_router("/offices", ikm_router)
urlpatterns = [path("api/v1/", _test_api.urls), *project_urlpatterns]


@pytest.fixture
def api_urls(settings):
    """The survey API's URLs: the project's once mounted there, else this module's."""
    try:
        reverse("api:survey-submit")
    except NoReverseMatch:
        settings.ROOT_URLCONF = __name__
    return {"submit": "/api/v1/surveys", "ikm": "/api/v1/offices/{}/ikm"}


@pytest.fixture
def info_service(office):
    desk = DeskFactory(office=office, desk_type=DeskType.objects.get(code="pengaduan-informasi"))
    return Service.objects.create(
        office=office, desk=desk, name_id="Informasi", target_minutes=10, allows_anonymous=True
    )


@pytest.fixture
def work_service(office):
    desk = DeskFactory(office=office, desk_type=DeskType.objects.get(code="ketenagakerjaan"))
    return Service.objects.create(
        office=office,
        desk=desk,
        name_id="Informasi penempatan",
        target_minutes=10,
        allows_anonymous=True,
    )


def officer_of(desk):
    """The desk officer bound to `desk` (created the first time)."""
    return UserFactory._meta.model.objects.filter(desk=desk).first() or UserFactory(
        username=f"officer.{desk.pk}",
        organisation=desk.office,
        roles=[Role.DESK_OFFICER],
        desk=desk,
    )


def serve(visit):
    """Serve every ticket of the visit at its desk, as the desk's officer would."""
    for ticket in visit.tickets.select_related("desk__desk_type", "desk__office"):
        officer = officer_of(ticket.desk)
        finish_ticket(ticket=call_ticket(ticket=ticket, by=officer), by=officer)
    return visit


@pytest.fixture
def unserved_visit(frontdesk, info_service):
    """A visitor still waiting at the information desk."""
    return check_in(by=frontdesk, services=[info_service], sex="F", age_band="25-39")


@pytest.fixture
def visit(unserved_visit):
    """A visitor the information desk has served: the survey is open."""
    return serve(unserved_visit)


@pytest.fixture
def kiosk(office, client, make_user):
    """The office's paired exit kiosk; `client` is its browser."""
    head = make_user(Role.OFFICE_HEAD)
    device, raw = pair_device(office=office, kind=Device.Kind.EXIT_KIOSK, by=head, name="Exit")
    client.cookies[devices.DEVICE_COOKIE] = raw
    device.head = head
    return device


@pytest.fixture
def other_office_visit(other_office, make_user):
    desk = DeskFactory(
        office=other_office, desk_type=DeskType.objects.get(code="pengaduan-informasi")
    )
    service = Service.objects.create(
        office=other_office,
        desk=desk,
        name_id="Informasi",
        target_minutes=10,
        allows_anonymous=True,
    )
    by = make_user(Role.FRONTDESK, organisation=other_office)
    return serve(check_in(by=by, services=[service], sex="M", age_band="18-24"))


def survey_post(answers=None, comment=""):
    data = {k: str(v) for k, v in (answers or ALL_GOOD).items() if v is not None}
    data["comment"] = comment
    return data


# The service -------------------------------------------------------------------------------


def test_submit_survey_stores_the_answers_and_blank_ones_as_empty(visit):
    answers = {**ALL_GOOD, "u1": 4, "u4": None}

    survey = submit_survey(visit=visit, answers=answers, comment=" Ramah ", channel="qr")

    survey.refresh_from_db()
    assert survey.answers() == [4, 3, 3, None, 3, 3, 3, 3, 3]
    assert survey.comment == "Ramah"
    assert survey.channel == Survey.Channel.QR


def _called(visit):
    ticket = visit.tickets.get()
    return call_ticket(ticket=ticket, by=officer_of(ticket.desk))


def _being_served(visit):
    ticket = _called(visit)
    return start_serving(ticket=ticket, by=officer_of(ticket.desk))


def _no_show(visit):
    ticket = _called(visit)
    return mark_no_show(ticket=ticket, by=officer_of(ticket.desk))


@pytest.mark.parametrize(
    "state",
    [lambda visit: None, _called, _being_served, _no_show],
    ids=["waiting", "called", "being-served", "no-show"],
)
def test_a_visit_no_desk_has_served_cannot_be_surveyed(unserved_visit, state):
    state(unserved_visit)

    with pytest.raises(DomainError) as error:
        submit_survey(visit=unserved_visit, answers=ALL_GOOD, channel="qr")

    assert (error.value.code, error.value.status) == ("not_served", 409)
    assert not Survey.objects.exists()


def test_a_visit_served_at_one_of_its_desks_can_be_surveyed(frontdesk, info_service, work_service):
    visit = check_in(by=frontdesk, services=[info_service, work_service], sex="F")
    ticket = visit.tickets.get(desk=info_service.desk)
    officer = officer_of(ticket.desk)
    finish_ticket(ticket=call_ticket(ticket=ticket, by=officer), by=officer)

    assert submit_survey(visit=visit, answers=ALL_GOOD, channel="qr").visit == visit


def test_second_survey_of_a_visit_is_refused(visit):
    submit_survey(visit=visit, answers=ALL_GOOD, channel="qr")

    with pytest.raises(DomainError) as error:
        submit_survey(visit=visit, answers=ALL_GOOD, channel="kiosk")

    assert error.value.code == "already_answered"
    assert error.value.status == 409
    assert Survey.objects.filter(visit=visit).count() == 1


def test_two_submissions_at_once_store_one_survey_through_the_unique_constraint(visit):
    # The service does not look before it writes: a survey stored by a concurrent request
    # between any look and the insert makes the insert fail on the one-to-one constraint,
    # which the service turns into `already_answered`.
    Survey.objects.create(visit=visit, channel="kiosk", u1=4)

    with pytest.raises(DomainError) as error:
        submit_survey(visit=visit, answers=ALL_GOOD, channel="qr")

    assert error.value.code == "already_answered"
    assert Survey.objects.get(visit=visit).channel == "kiosk"


def test_an_integrity_error_not_caused_by_an_existing_survey_is_not_hidden(visit, monkeypatch):
    def fail(**kwargs):
        raise IntegrityError("something else")

    monkeypatch.setattr(Survey.objects, "create", fail)

    with pytest.raises(IntegrityError):
        submit_survey(visit=visit, answers=ALL_GOOD, channel="qr")


@pytest.mark.parametrize("bad", [0, 5, -1, "3", "baik", 2.5, True])
def test_answers_must_be_1_to_4(visit, bad):
    with pytest.raises(DomainError) as error:
        submit_survey(visit=visit, answers={**ALL_GOOD, "u2": bad}, channel="qr")

    assert error.value.code == "invalid_answer"
    assert error.value.status == 422
    assert not Survey.objects.exists()


def test_at_least_one_element_must_be_answered(visit):
    with pytest.raises(DomainError) as error:
        submit_survey(visit=visit, answers={"u1": None}, channel="qr")

    assert error.value.code == "no_answer"


def test_unknown_elements_and_channels_are_refused(visit):
    with pytest.raises(DomainError) as element:
        submit_survey(visit=visit, answers={**ALL_GOOD, "u10": 3}, channel="qr")
    with pytest.raises(DomainError) as channel:
        submit_survey(visit=visit, answers=ALL_GOOD, channel="email")

    assert element.value.code == "unknown_element"
    assert channel.value.code == "unknown_channel"


def test_comment_is_at_most_1000_characters(visit):
    with pytest.raises(DomainError) as error:
        submit_survey(visit=visit, answers=ALL_GOOD, comment="x" * 1001, channel="qr")

    assert error.value.code == "comment_too_long"
    assert submit_survey(visit=visit, answers=ALL_GOOD, comment="x" * 1000, channel="qr").pk


def test_visit_is_found_by_its_survey_token_only(visit):
    assert visit_for_survey_token(visit.survey_token) == visit
    assert visit_for_survey_token("no-such-token") is None
    assert visit_for_survey_token("") is None


@pytest.mark.parametrize("typed", ["{code}", "{lower}", "{prefix}{number}", "{prefix} {number}"])
def test_kiosk_finds_todays_ticket_however_its_number_is_typed(office, visit, typed):
    ticket = visit.tickets.get()
    code = typed.format(
        code=ticket.code, lower=ticket.code.lower(), prefix=ticket.prefix, number=ticket.number
    )

    assert visit_for_ticket_code(office, code, office.today()) == visit


def test_kiosk_does_not_find_another_day_or_another_offices_ticket(
    office, visit, other_office_visit
):
    ticket = visit.tickets.get()
    other = other_office_visit.tickets.get()

    yesterday = office.today() - datetime.timedelta(days=1)
    assert visit_for_ticket_code(office, ticket.code, yesterday) is None
    assert other.code == ticket.code  # same letter and number, other office
    assert visit_for_ticket_code(office, other.code, office.today()) == visit
    assert visit_for_ticket_code(office, "Z-999", office.today()) is None
    assert visit_for_ticket_code(office, "not a code", office.today()) is None


# The QR survey page ------------------------------------------------------------------------


def test_qr_survey_page_shows_office_desks_and_nine_questions_without_login(client, visit):
    response = client.get(reverse("public:survey", args=[visit.survey_token]))

    assert response.status_code == 200
    content = response.content.decode()
    assert visit.office.name in content
    assert visit.tickets.get().desk.desk_type.name in content
    assert content.count("<fieldset") == 9
    assert content.count('type="radio"') == 36
    assert "<script" not in content
    assert "style=" not in content


def test_qr_survey_submit_leads_to_thanks_and_then_already_answered(client, visit):
    url = reverse("public:survey", args=[visit.survey_token])

    response = client.post(url, survey_post({**ALL_GOOD, "u5": None}, "Cepat"))

    assert response.status_code == 302
    assert response.url == reverse("public:survey-thanks", args=[visit.survey_token])
    assert client.get(response.url).status_code == 200
    survey = Survey.objects.get(visit=visit)
    assert survey.u5 is None and survey.u1 == 3 and survey.channel == "qr"
    assert survey.comment == "Cepat"
    again = client.get(url)
    assert b'data-testid="survey-answered"' in again.content
    client.post(url, survey_post())
    assert Survey.objects.count() == 1


def test_qr_survey_with_nothing_answered_shows_the_form_again(client, visit):
    response = client.post(
        reverse("public:survey", args=[visit.survey_token]), survey_post({"u1": None})
    )

    assert response.status_code == 200
    assert b'data-testid="survey-errors"' in response.content
    assert not Survey.objects.exists()


def test_qr_survey_refuses_an_answer_outside_the_scale(client, visit):
    response = client.post(
        reverse("public:survey", args=[visit.survey_token]), survey_post({**ALL_GOOD, "u3": 5})
    )

    assert response.status_code == 200
    assert not Survey.objects.exists()


def test_qr_survey_answered_meanwhile_shows_already_answered(client, visit, monkeypatch):
    url = reverse("public:survey", args=[visit.survey_token])
    monkeypatch.setattr(survey_selectors, "has_survey", lambda v: False)
    Survey.objects.create(visit=visit, channel="kiosk", u1=4)

    response = client.post(url, survey_post())

    assert b'data-testid="survey-answered"' in response.content


def test_qr_survey_of_a_visit_not_served_yet_says_so_and_stores_nothing(client, unserved_visit):
    url = reverse("public:survey", args=[unserved_visit.survey_token])
    client.cookies["satuatap_language"] = "en"

    page = client.get(url)
    sent = client.post(url, survey_post())

    for response in (page, sent):
        assert response.status_code == 200
        content = response.content.decode()
        assert 'data-testid="survey-not-served"' in content
        assert "once a desk has served you" in content
        assert "<fieldset" not in content
    assert not Survey.objects.exists()
    serve(unserved_visit)
    assert client.get(url).content.decode().count("<fieldset") == 9


def test_unknown_survey_token_is_404(client, db):
    page = client.get(reverse("public:survey", args=["nope"]))
    sent = client.post(reverse("public:survey", args=["nope"]), survey_post())
    thanks = client.get(reverse("public:survey-thanks", args=["nope"]))

    for response in (page, sent, thanks):
        assert response.status_code == 404
        assert "<fieldset" not in response.content.decode()  # no survey form to fill in
    assert not Survey.objects.exists()


def test_qr_survey_form_is_csrf_protected_for_anonymous_visitors(visit):
    client = Client(enforce_csrf_checks=True)
    url = reverse("public:survey", args=[visit.survey_token])

    refused = client.post(url, survey_post())
    page = client.get(url)
    token = page.cookies["csrftoken"].value
    accepted = client.post(url, {**survey_post(), "csrfmiddlewaretoken": token})

    assert refused.status_code == 403
    assert accepted.status_code == 302
    assert Survey.objects.filter(visit=visit).exists()


# The exit kiosk ----------------------------------------------------------------------------


def test_kiosk_flow_from_ticket_number_to_thanks_and_back_to_start(client, kiosk, visit):
    code = visit.tickets.get().code
    start = reverse("public:kiosk")

    assert client.get(start).status_code == 200
    found = client.get(start, {"ticket": code.lower()})
    assert found.status_code == 302
    assert found.url == reverse("public:kiosk-survey", args=[code])
    page = client.get(found.url)
    assert page.status_code == 200
    assert page.content.decode().count("<fieldset") == 9
    sent = client.post(found.url, survey_post())
    assert sent.url == reverse("public:kiosk-thanks")
    thanks = client.get(sent.url)
    assert f'http-equiv="refresh" content="8;url={start}"' in thanks.content.decode()
    assert Survey.objects.get(visit=visit).channel == "kiosk"


def test_kiosk_says_when_the_ticket_is_already_answered(client, kiosk, visit):
    submit_survey(visit=visit, answers=ALL_GOOD, channel="qr")
    code = visit.tickets.get().code

    response = client.get(reverse("public:kiosk"), {"ticket": code})
    survey_page = client.get(reverse("public:kiosk-survey", args=[code]))

    assert b'data-testid="kiosk-error"' in response.content
    assert survey_page.status_code == 302


def test_kiosk_refuses_a_ticket_not_served_yet_and_stores_nothing(client, kiosk, unserved_visit):
    code = unserved_visit.tickets.get().code
    client.cookies["satuatap_language"] = "en"
    survey_url = reverse("public:kiosk-survey", args=[code])

    start = client.get(reverse("public:kiosk"), {"ticket": code})
    direct = client.get(survey_url)
    posted = client.post(survey_url, survey_post())

    assert start.status_code == 200
    assert b'data-testid="kiosk-error"' in start.content
    assert f"Ticket {code} has not been served yet" in start.content.decode()
    assert direct.status_code == posted.status_code == 302
    assert not Survey.objects.exists()


def test_kiosk_does_not_find_another_offices_ticket(client, kiosk, other_office_visit):
    code = other_office_visit.tickets.get().code

    response = client.get(reverse("public:kiosk"), {"ticket": code})
    direct = client.get(reverse("public:kiosk-survey", args=[code]))

    assert response.status_code == 200
    assert b'data-testid="kiosk-error"' in response.content
    assert direct.status_code == 302
    assert not Survey.objects.exists()


def test_an_unpaired_browser_gets_the_pairing_page_not_the_kiosk(visit):
    browser = Client()
    code = visit.tickets.get().code

    start = browser.get(reverse("public:kiosk"), {"ticket": code})
    direct = browser.get(reverse("public:kiosk-survey", args=[code]))

    assert b'data-testid="pairing"' in start.content and b"kiosk-form" not in start.content
    assert direct.status_code == 302 and direct["Location"] == reverse("public:kiosk")


def test_a_revoked_kiosk_cannot_submit(client, kiosk, visit):
    device_services.revoke_device(device=kiosk, by=kiosk.head)
    url = reverse("public:kiosk-survey", args=[visit.tickets.get().code])

    response = client.post(url, survey_post())

    assert response.status_code == 302 and response["Location"] == reverse("public:kiosk")
    assert not Survey.objects.exists()


# The office's IKM page ---------------------------------------------------------------------


@pytest.fixture
def surveyed(frontdesk, info_service, work_service):
    """Two surveys today: one visit to both desks (all 4), one to information only (all 2)."""
    both = serve(check_in(by=frontdesk, services=[info_service, work_service], sex="F"))
    submit_survey(visit=both, answers={f"u{n}": 4 for n in range(1, 10)}, channel="qr")
    info = serve(check_in(by=frontdesk, services=[info_service], sex="M"))
    submit_survey(visit=info, answers={f"u{n}": 2 for n in range(1, 10)}, channel="kiosk")
    return both, info


def test_ikm_page_shows_the_office_index_elements_chart_and_desks(
    client, make_user, surveyed, work_service
):
    client.force_login(make_user(Role.OFFICE_HEAD))

    response = client.get(reverse("frontdesk:ikm"))

    assert response.status_code == 200
    result = response.context["result"]
    assert (result.respondents, result.index, result.grade_letter) == (2, Decimal("75.00"), "C")
    content = response.content.decode()
    assert 'data-testid="ikm-chart"' in content
    assert content.count('data-testid="ikm-row-') == 9
    assert f'data-testid="ikm-desk-{work_service.desk_id}"' in content
    assert "<script" not in content.split("</head>")[1]


def test_ikm_page_defaults_to_this_month_in_office_time(client, frontdesk, office):
    client.force_login(frontdesk)
    today = office.today()

    response = client.get(reverse("frontdesk:ikm"))

    assert response.context["date_from"] == today.replace(day=1)
    assert response.context["date_to"] == today
    # Date inputs need ISO dates whatever the language's date format.
    assert f'value="{today.replace(day=1):%d/%m/%Y}"' in response.content.decode()


def test_ikm_page_per_desk_counts_only_visits_to_that_desk(
    client, frontdesk, surveyed, work_service, office
):
    client.force_login(frontdesk)
    day = office.today().isoformat()

    response = client.get(
        reverse("frontdesk:ikm"),
        {"date_from": day, "date_to": day, "desk": work_service.desk_id},
    )

    result = response.context["result"]
    assert (result.respondents, result.index, result.grade_letter) == (1, Decimal("100.00"), "A")


def test_ikm_page_period_leaves_out_other_days(client, frontdesk, surveyed, office):
    client.force_login(frontdesk)
    last_year = (office.today() - datetime.timedelta(days=366)).isoformat()

    response = client.get(reverse("frontdesk:ikm"), {"date_from": last_year, "date_to": last_year})

    assert response.context["result"].respondents == 0
    assert b'data-testid="ikm-reason"' in response.content


def test_ikm_page_numbers_in_the_svg_are_not_localised(client, frontdesk, surveyed):
    client.force_login(frontdesk)
    client.cookies["satuatap_language"] = "id"

    content = client.get(reverse("frontdesk:ikm")).content.decode()

    svg = content[content.index("<svg") : content.index("</svg>")]
    geometry = re.findall(r' (?:x|y|x1|x2|width|height)="([^"]*)"', svg)
    assert geometry
    assert all(re.fullmatch(r"\d+(\.\d+)?", value) for value in geometry)


def test_ikm_page_of_another_office_shows_only_its_own_surveys(
    client, make_user, other_office, surveyed
):
    client.force_login(make_user(Role.OFFICE_HEAD, organisation=other_office))

    response = client.get(reverse("frontdesk:ikm"))

    assert response.context["office"] == other_office
    assert response.context["result"].respondents == 0


# The API -----------------------------------------------------------------------------------


def test_api_submit_survey_without_an_account(client, api_urls, visit):
    response = client.post(
        api_urls["submit"],
        {"token": visit.survey_token, "answers": {**ALL_GOOD, "u9": None}, "channel": "qr"},
        content_type="application/json",
    )

    assert response.status_code == 201
    survey = Survey.objects.get(visit=visit)
    assert response.json() == {"id": survey.pk}
    assert survey.u9 is None


def test_api_submit_survey_twice_is_409(client, api_urls, visit):
    body = {"token": visit.survey_token, "answers": ALL_GOOD}
    client.post(api_urls["submit"], body, content_type="application/json")

    response = client.post(api_urls["submit"], body, content_type="application/json")

    assert response.status_code == 409
    assert response.json()["code"] == "already_answered"


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("en", "The survey opens once a desk has served you."),
        ("id", "Survei dibuka setelah Anda dilayani di loket."),
    ],
)
def test_api_submit_survey_before_the_visit_is_served_is_409_in_the_callers_language(
    client, api_urls, unserved_visit, language, message
):
    response = client.post(
        api_urls["submit"],
        {"token": unserved_visit.survey_token, "answers": ALL_GOOD},
        content_type="application/json",
        headers={"Accept-Language": language},
    )

    assert response.status_code == 409
    assert response.json()["code"] == "not_served"
    assert response.json()["message"].startswith(message)
    assert not Survey.objects.exists()


def test_api_submit_survey_with_unknown_token_is_404(client, api_urls, db):
    response = client.post(
        api_urls["submit"], {"token": "nope", "answers": ALL_GOOD}, content_type="application/json"
    )

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


@pytest.mark.parametrize("bad", [0, 5, "baik", "3", 2.5])
def test_api_submit_survey_with_invalid_answer_is_422(client, api_urls, visit, bad):
    response = client.post(
        api_urls["submit"],
        {"token": visit.survey_token, "answers": {**ALL_GOOD, "u1": bad}},
        content_type="application/json",
    )

    assert response.status_code == 422
    assert set(response.json()) >= {"code", "message"}
    assert not Survey.objects.exists()


def test_api_office_ikm_for_a_period_and_desk(
    client, api_urls, frontdesk, office, surveyed, work_service
):
    client.force_login(frontdesk)
    day = office.today().isoformat()
    url = api_urls["ikm"].format(office.pk)

    overall = client.get(url, {"from": day, "to": day})
    per_desk = client.get(url, {"from": day, "to": day, "desk": work_service.desk_id})

    assert overall.status_code == 200
    body = overall.json()
    assert (body["respondents"], body["index"], body["grade"]) == (2, 75.0, "C")
    assert body["elements"][0] == {
        "code": "u1",
        "label": body["elements"][0]["label"],
        "respondents": 2,
        "mean": 3.0,
        "converted": 75.0,
    }
    assert per_desk.json()["index"] == 100.0
    assert per_desk.json()["desk_id"] == work_service.desk_id


def test_api_office_ikm_refuses_a_period_that_ends_before_it_starts(
    client, api_urls, frontdesk, office
):
    client.force_login(frontdesk)

    response = client.get(
        api_urls["ikm"].format(office.pk), {"from": "2025-02-01", "to": "2025-01-01"}
    )

    assert response.status_code == 422
    assert response.json()["code"] == "invalid_period"
    assert "index" not in response.json()


def test_api_office_ikm_of_another_office_is_404(
    client, api_urls, make_user, office, other_office, surveyed
):
    client.force_login(make_user(Role.OFFICE_HEAD, organisation=other_office))

    response = client.get(api_urls["ikm"].format(office.pk))

    assert response.status_code == 404
    assert set(response.json()) == {"code", "message"}  # no index, no respondents
    assert response.json()["code"] == "not_found"


def test_api_office_ikm_desk_of_another_office_is_404(
    client, api_urls, frontdesk, office, other_office_visit
):
    client.force_login(frontdesk)
    other_desk = other_office_visit.tickets.get().desk_id

    response = client.get(api_urls["ikm"].format(office.pk), {"desk": other_desk})

    assert response.status_code == 404
    assert set(response.json()) == {"code", "message"}  # no index, no respondents
    assert response.json()["code"] == "not_found"


def test_api_office_ikm_national_analyst_reads_any_office(
    client, api_urls, analyst, office, surveyed
):
    client.force_login(analyst)

    response = client.get(api_urls["ikm"].format(office.pk))

    assert response.status_code == 200
    assert response.json()["respondents"] == 2
