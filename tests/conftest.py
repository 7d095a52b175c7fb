"""Shared test set-up: a test database with the pilot regions, and personas per role."""

from __future__ import annotations

import importlib
import os

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings

from satuatap.core.roles import Role
from tests.factories import MinistryFactory, OfficeFactory, PartnerFactory, UserFactory
from tests.transactions import fire_deferred_checks

# Region rows the tests need: the four pilot regencies with every district and village.
TEST_REGION_PREFIXES = ["32.09", "35.04", "35.05", "18.07"]


def ensure_reference_data() -> None:
    """Regions and the desk and document types data migrations load. A transactional test
    flushes every table when it ends, so the next one puts them back."""
    from django.apps import apps

    from satuatap.regions.models import Region
    from satuatap.regions.services import load_regions

    if not Region.objects.filter(code=TEST_REGION_PREFIXES[0]).exists():
        load_regions(prefixes=TEST_REGION_PREFIXES)
    for module in (
        "satuatap.core.migrations.0002_default_desk_types",
        "satuatap.people.migrations.0003_default_document_types",
        "satuatap.placement.migrations.0003_default_checklist_rules",
    ):
        importlib.import_module(module).load(apps, None)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        ensure_reference_data()


@pytest.fixture(autouse=True)
def _reference_data_after_flush(request):
    marker = request.node.get_closest_marker("django_db")
    transactional = (marker is not None and marker.kwargs.get("transaction")) or (
        {"live_server", "transactional_db"} & set(request.fixturenames)
    )
    if transactional:
        request.getfixturevalue("_django_db_helper")
        ensure_reference_data()


@pytest.fixture(autouse=True)
def _force_login_passes_two_factor(monkeypatch):
    """`client.force_login(user)` stands for a full sign-in: for a user under the two-factor
    rule it also gives them an authenticator device and marks the session verified, as the
    code page (django_otp.login) does. Enforcement itself stays on."""
    from django.test import Client

    original = Client.force_login

    def force_login(self, user, backend=None):
        original(self, user, backend)
        from satuatap.core.two_factor import requires_two_factor
        from satuatap.core.two_factor.services import mark_session_verified
        from tests.otp import authenticator_of

        if requires_two_factor(user):
            session = self.session
            mark_session_verified(session, authenticator_of(user))
            session.save()

    monkeypatch.setattr(Client, "force_login", force_login)


@pytest.fixture
def office(db):
    return OfficeFactory(slug="cirebon")


@pytest.fixture
def other_office(db):
    return OfficeFactory(slug="tulungagung")


@pytest.fixture
def partner(db, office):
    partner = PartnerFactory()
    partner.partner_offices.add(office)
    return partner


@pytest.fixture
def ministry(db):
    return MinistryFactory()


@pytest.fixture
def make_user(db, office):
    def make(role: str, *, organisation=None, username: str | None = None, **extra):
        return UserFactory(
            username=username or f"{(organisation or office).slug}.{role}",
            organisation=organisation or office,
            roles=[role],
            **extra,
        )

    return make


@pytest.fixture
def counsellor(make_user):
    return make_user(Role.COUNSELLOR)


@pytest.fixture
def administrator(make_user, ministry):
    return make_user(Role.ADMINISTRATOR, organisation=ministry, username="admin")


@pytest.fixture
def analyst(make_user, ministry):
    return make_user(Role.NATIONAL_ANALYST, organisation=ministry, username="national.analyst")


@pytest.fixture
def national_placement(make_user, ministry):
    """The ministry placement administrator: keeps the national list of agencies."""
    return make_user(Role.NATIONAL_PLACEMENT, organisation=ministry, username="national.placement")


def seeded_demo(django_db_blocker, media):
    """Seed the whole demo in a transaction, yield inside it, roll it back (for `demo_data`)."""
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media):
        with transaction.atomic():
            with open(os.devnull, "w") as quiet:
                call_command("seed_demo", "--quiet-logins", stdout=quiet)
            fire_deferred_checks()
            yield
            transaction.set_rollback(True)


@pytest.fixture(scope="module")
def demo_data(django_db_setup, django_db_blocker, tmp_path_factory):
    """The whole demo dataset, seeded once per test module (it takes tens of seconds) in a
    transaction rolled back at the module's end; each test runs in its own savepoint inside it,
    so what one test changes is gone before the next. Mark the module with
    `pytest.mark.xdist_group` so that its tests share one worker and one seeding
    (tests/demo/seeded/ shares one seeding between its modules)."""
    yield from seeded_demo(django_db_blocker, tmp_path_factory.mktemp("demo-media"))
