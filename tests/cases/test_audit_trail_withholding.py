"""The audit trail says that an MRC or registry record changed, by whom and when — never what.

Found on the demo: /audit/ showed the administrator every non-encrypted field of restricted
cases, referrals and consents (the client's id, employer, `needs_shelter`, a safe-house service,
a decline reason), and the person-create entries joined that client id to a name.
"""

from __future__ import annotations

import datetime

import pytest
from auditlog.context import set_actor
from auditlog.models import LogEntry
from django.urls import reverse

from satuatap.cases import services
from satuatap.cases.models import Case, Category, Channel, GbvType, SharedItem
from satuatap.core.roles import Role
from satuatap.people import services as people
from satuatap.people.models import Sex

pytestmark = pytest.mark.django_db


@pytest.fixture
def restricted_case(counsellor, partner, office):
    with set_actor(counsellor):
        client = people.register_person(
            by=counsellor, full_name="Siti Rahayuningsih", sex=Sex.FEMALE
        )
        case = services.open_case(
            by=counsellor,
            client=client,
            channel=Channel.WALK_IN,
            categories=[Category.GBV],
            gbv_types=[GbvType.PHYSICAL_ASSAULT],
            employer="Keluarga Tanoto Sentosa",
            safety=["needs_shelter", "perpetrator_threat"],
        )
        services.record_consent(
            case=case,
            by=counsellor,
            recipient=partner,
            items=[SharedItem.IDENTITY],
            given_on=office.today(),
            method="verbal",
            witness="Ibu Kartini Wulandari",
        )
        services.send_referral(
            case=case,
            by=counsellor,
            partner=partner,
            service="Rumah aman Melati",
            due_on=office.today() + datetime.timedelta(days=3),
        )
    return case


def test_the_administrator_sees_who_changed_a_restricted_case_and_when_but_not_what(
    client, administrator, restricted_case
):
    client.force_login(administrator)
    page = client.get(reverse("core:audit-trail")).content.decode()

    case_entries = LogEntry.objects.get_for_object(restricted_case)
    assert case_entries.exists()
    assert f"#{restricted_case.pk}" in page  # that it changed is shown…
    assert "cirebon.counsellor" in page  # …and by whom
    for value in (
        "Siti Rahayuningsih",  # the client's name (person-create entry)
        "Keluarga Tanoto Sentosa",  # the employer
        "Rumah aman Melati",  # the referral's service
        "Ibu Kartini Wulandari",  # the consent's witness
        "needs_shelter",
        "perpetrator_threat",
        f">{restricted_case.client_id}<",
    ):
        assert value not in page, value
    assert 'data-testid="values-withheld"' in page


def test_the_trail_withholds_an_ordinary_case_exactly_like_a_restricted_one(
    client, administrator, counsellor, restricted_case
):
    """Withholding only restricted records would tell the administrator which cases are
    restricted and which persons are their clients."""
    with set_actor(counsellor):
        client_person = people.register_person(
            by=counsellor, full_name="Anindita Prameswari", sex=Sex.FEMALE
        )
        ordinary = services.open_case(
            by=counsellor,
            client=client_person,
            channel=Channel.WALK_IN,
            categories=[Category.WAGES],
            employer="PT Gaji Lancar",
        )
    assert not ordinary.is_restricted
    client.force_login(administrator)
    page = client.get(reverse("core:audit-trail")).content.decode()
    assert "PT Gaji Lancar" not in page
    assert "Anindita Prameswari" not in page


def test_values_of_records_without_personal_data_are_still_shown(client, administrator, make_user):
    with set_actor(administrator):
        make_user(Role.FRONTDESK, username="cirebon.loket2", full_name="Budi Santoso")
    client.force_login(administrator)
    page = client.get(reverse("core:audit-trail")).content.decode()
    assert "cirebon.loket2" in page


def test_case_ids_in_the_trail_never_point_at_values(client, administrator, restricted_case):
    client.force_login(administrator)
    response = client.get(reverse("core:audit-trail"), {"object_pk": str(restricted_case.pk)})
    assert response.status_code == 200
    assert "Keluarga Tanoto Sentosa" not in response.content.decode()
    assert Case.objects.filter(pk=restricted_case.pk, is_restricted=True).exists()
