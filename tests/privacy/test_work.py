"""Privacy's panels on the home page (`privacy/work.py`): the office head's data-subject
requests and their deadlines, the administrator's open breaches."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from satuatap.core.roles import Role
from satuatap.privacy.models import RequestType
from tests.work import home_panels, item

pytestmark = pytest.mark.django_db


def test_the_head_sees_open_requests_and_those_past_their_deadline(
    client, make_user, make_request, now
):
    make_request(RequestType.ACCESS, received_at=now - datetime.timedelta(days=30))
    make_request(RequestType.ACCESS)
    head = make_user(Role.OFFICE_HEAD, language="en")
    panels, _html = home_panels(client, head)

    panel = panels["privacy-subject-requests"]
    assert item(panel, "open").count == 2
    late = item(panel, "past their deadline")
    assert late.count == 1 and late.needs_attention
    listed = client.get(late.url).content.decode()
    assert listed.count("PDP-") == 1


def test_the_front_desk_and_another_offices_head_get_no_count_of_ours(
    client, frontdesk, other_head, make_request
):
    make_request()
    panels, _html = home_panels(client, frontdesk)
    assert "privacy-subject-requests" not in panels
    other_head.language = "en"
    other_head.save()
    panels, _html = home_panels(client, other_head)
    assert item(panels["privacy-subject-requests"], "open").count == 0


def test_the_administrator_sees_the_open_breaches(client, administrator, make_breach, head):
    make_breach()
    administrator.language = "en"
    administrator.save()
    panels, _html = home_panels(client, administrator)

    opened = item(panels["privacy-breaches"], "open")
    assert opened.count == 1 and opened.url == reverse("privacy:breach-list")
    panels, _html = home_panels(client, head)
    assert "privacy-breaches" not in panels
