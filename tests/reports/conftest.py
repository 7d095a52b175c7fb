"""Fixtures shared by the report tests: the test world of `core_fixture.py`, its office head and
the national analyst, both reading in English. A module that needs another world defines its
own fixture of the same name."""

import pytest

from satuatap.core.roles import Role
from tests.reports.core_fixture import build


@pytest.fixture
def world(office):
    return build(office)


@pytest.fixture
def head(make_user):
    return make_user(Role.OFFICE_HEAD, language="en")


@pytest.fixture
def national(analyst):
    analyst.language = "en"
    analyst.save()
    return analyst
