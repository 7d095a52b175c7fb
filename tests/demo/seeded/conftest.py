"""The demo's own tests share one seeding: `demo_data` for the whole package, whose modules
run on one xdist worker (`xdist_group("demo-seeded")`). No other test module lives here, so
none runs inside the seeded transaction."""

import pytest

from tests.conftest import seeded_demo


@pytest.fixture(scope="package")
def demo_data(django_db_setup, django_db_blocker, tmp_path_factory):
    yield from seeded_demo(django_db_blocker, tmp_path_factory.mktemp("demo-media"))
