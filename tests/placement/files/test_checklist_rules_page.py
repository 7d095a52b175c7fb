"""The checklist rules page: every office role reads the rules and previews a file's documents."""

from __future__ import annotations

import pytest
from django.urls import reverse

from satuatap.core.roles import Role
from satuatap.placement.files.models import ChecklistRule

pytestmark = pytest.mark.django_db
URL = reverse("placement:checklist-rules")


def _login(client, user):
    client.force_login(user)


def test_preview_lists_the_marriage_book_only_for_a_married_worker(client, make_user):
    _login(client, make_user(Role.FRONTDESK, language="en"))
    base = {"scheme": "p3mi", "country": "HK", "sector": "domestic", "sex": "F"}
    single = client.get(URL, base | {"marital_status": "single"}).context["required"]
    married = client.get(URL, base | {"marital_status": "married"}).context["required"]
    assert "buku-nikah" not in {t.code for t in single}
    assert {t.code for t in married} - {t.code for t in single} == {"buku-nikah"}


def test_preview_adds_the_language_certificate_for_korea(client, make_user):
    _login(client, make_user(Role.PLACEMENT_OFFICER))
    facts = {"scheme": "g2g", "sector": "manufacturing", "sex": "M", "marital_status": "single"}
    korea = client.get(URL, facts | {"country": "KR"}).context["required"]
    taiwan = client.get(URL, facts | {"country": "TW"}).context["required"]
    assert "sertifikat-bahasa" in {t.code for t in korea}
    assert "sertifikat-bahasa" not in {t.code for t in taiwan}


def test_every_rule_is_listed_and_only_the_administrator_gets_the_edit_link(
    client, make_user, administrator
):
    _login(client, make_user(Role.PLACEMENT_OFFICER, language="en"))
    response = client.get(URL)
    assert len(response.context["rules"]) == ChecklistRule.objects.count()
    assert b"/admin/placement/checklistrule/" not in response.content
    client.logout()
    _login(client, administrator)
    assert b"/admin/placement/checklistrule/" in client.get(URL).content


def test_administrator_edits_a_rule_in_the_administration_site(client, administrator):
    # The administration site is for the national administrator account (staff, superuser).
    administrator.is_staff = administrator.is_superuser = True
    administrator.save()
    rule = ChecklistRule.objects.get(document_type__code="skck")
    _login(client, administrator)
    url = reverse("admin:placement_checklistrule_change", args=[rule.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "document_type": rule.document_type_id,
            "scheme": "",
            "country": "",
            "sector": "",
            "sex": "",
            "marital": "",
            "legal_basis": rule.legal_basis,
        },
    )
    assert response.status_code == 302
    rule.refresh_from_db()
    assert rule.is_active is False  # the unticked box switched the rule off
