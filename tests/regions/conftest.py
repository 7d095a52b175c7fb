import pytest
from django.contrib.auth import get_user_model

from satuatap.regions.models import Region
from satuatap.regions.services import load_regions

# Cirebon (32.09) and Tulungagung (35.04) with every district and village, plus their provinces.
SUBSET_PREFIXES = ["32.09", "35.04"]


@pytest.fixture
def regions(db):
    """A small region tree for tests that need real codes but not all 91,599 rows.

    The suite's session set-up may already hold these rows; loading is idempotent anyway, and
    skipped when the last district of each regency is there, to keep each test fast.
    """
    if Region.objects.filter(code__in=["32.09.40", "35.04.19"]).count() < 2:
        load_regions(prefixes=SUBSET_PREFIXES)


@pytest.fixture
def api_client(client, regions):
    """A signed-in client (any user may read the public region data)."""
    user = get_user_model().objects.create_user(username="region.reader", password="x" * 12)
    client.force_login(user)
    return client
