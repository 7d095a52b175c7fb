"""The demo dataset: pilot offices, partners, one user per role per office; idempotent."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from satuatap.core.models import Organisation, RoleAssignment, User
from satuatap.core.roles import OFFICE_ROLES
from satuatap.frontdesk.models import Service, Survey, Ticket, TicketStatus, Visit
from satuatap.people.models import FamilyLink, Person, StatusEvent

pytestmark = pytest.mark.django_db


def _snapshot():
    return (
        sorted(User.objects.values_list("username", "password")),
        sorted(Organisation.objects.values_list("slug", "kind")),
        RoleAssignment.objects.count(),
        list(Person.objects.order_by("pk").values_list("pk", "nik", "full_name")),
        StatusEvent.objects.count(),
        FamilyLink.objects.count(),
        Visit.objects.count(),
        Ticket.objects.count(),
        Survey.objects.count(),
    )


def test_seed_demo_creates_the_named_users_and_is_idempotent(demo_data, settings):
    first = _snapshot()
    # A survey only for a visit a desk served, as the survey's own rule says.
    assert Survey.objects.exists()
    assert not Survey.objects.exclude(visit__tickets__status=TicketStatus.SERVED).exists()
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    assert _snapshot() == first

    # It speaks the default language (Indonesian), every line of it.
    printed = out.getvalue()
    for line in (
        "Penempatan: 5 P3MI, job order untuk 4 kantor",
        "Pelatihan dan OPP:",
        "MRC: kontak, kasus, dan rujukan untuk",
        "Kegiatan penjangkauan, narahubung desa, dan peraturan desa untuk demo sudah dimuat.",
        "Data demo sudah dimuat.",
        f"Akun demo (sandi: {settings.SATUATAP_DEMO_PASSWORD}):",
        "  cirebon.counsellor\n",
        "juga memerlukan kode dua langkah",
    ):
        assert line in printed
    assert "loaded" not in printed and "Demo logins" not in printed

    usernames = {u for u, _ in first[0]}
    for office in ["cirebon", "tulungagung", "blitar", "lampung-timur"]:
        for role in OFFICE_ROLES:
            assert f"{office}.{role}" in usernames
    assert {
        "wcc-mawar-balqis.caseworker",
        "national.analyst",
        "national.placement",
        "admin",
    } <= usernames

    user = User.objects.get(username="cirebon.counsellor")
    assert user.check_password(settings.SATUATAP_DEMO_PASSWORD)
    assert user.has_role("counsellor")
    assert user.office.region_id == "32.09"
    assert User.objects.get(username="tulungagung.deskofficer").desk.desk_type.code == (
        "ketenagakerjaan"
    )


def test_demo_offices_have_desks_partners_and_people(demo_data):
    cirebon = Organisation.objects.get(slug="cirebon")
    assert cirebon.desks.count() >= 8
    assert cirebon.partners.filter(slug="wcc-mawar-balqis").exists()
    # Its job board tells where and when to apply.
    assert cirebon.address and cirebon.phone
    assert "Senin" in cirebon.opening_hours_id and "Monday" in cirebon.opening_hours_en
    people = Person.objects.filter(office=cirebon)
    assert people.count() > 0
    assert people.count() >= 300
    assert all(p.nik.startswith("3209") for p in people if p.nik)
    assert any(p.is_sensitive for p in people)
    women = people.filter(sex="F").count() / people.count()
    assert 0.55 < women < 0.75
    countries = set(
        StatusEvent.objects.filter(person__office=cirebon, status="abroad").values_list(
            "country", flat=True
        )
    )
    assert {"HK", "TW", "MY", "SG", "JP", "KR", "SA"} <= countries
    assert FamilyLink.objects.filter(person__office=cirebon, relation="child").exists()


def test_demo_offices_have_a_service_catalogue_and_weeks_of_visits(demo_data):
    cirebon = Organisation.objects.get(slug="cirebon")
    assert Service.objects.filter(office=cirebon, allows_anonymous=True).exists()
    days = set(Visit.objects.filter(office=cirebon).values_list("day", flat=True))
    assert len(days) >= 10
    assert Survey.objects.filter(visit__office=cirebon).count() > 50
    served = Ticket.objects.filter(office=cirebon, status="served")
    assert all(t.issued_at <= t.called_at <= t.finished_at for t in served)


def test_the_ministry_placement_administrator_keeps_the_agency_list(demo_data, settings):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from satuatap.core.models import OrganisationKind
    from satuatap.core.roles import Role
    from satuatap.placement.models import AgencyConcern

    user = User.objects.get(username="national.placement")
    assert user.check_password(settings.SATUATAP_DEMO_PASSWORD)
    assert user.roles == {Role.NATIONAL_PLACEMENT}
    assert user.organisation.kind == OrganisationKind.MINISTRY and user.office is None
    assert TOTPDevice.objects.filter(user=user, confirmed=True).exists()  # under two-factor
    assert user.has_perm("placement.manage_agencies")
    assert user.has_perm("placement.review_agency_concerns")
    assert not user.has_perm("people.list_person") and not user.has_perm("cases.list_cases")
    assert not user.has_perm("reports.view_national_reports")
    for username in ("cirebon.placement", "cirebon.head", "admin"):
        assert not User.objects.get(username=username).has_perm("placement.manage_agencies")
    # The demo's concerns: one open from Cirebon, one Blitar's the ministry acknowledged.
    statuses = dict(AgencyConcern.objects.values_list("office__slug", "status"))
    assert statuses == {"cirebon": "open", "blitar": "acknowledged"}
