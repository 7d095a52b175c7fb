from __future__ import annotations

import pytest

from satuatap.regions.services import load_regions

# Merauke was 91.01 (province Papua) until Papua Selatan was formed on 25 July 2022; it is 93.01
# now. A woman born 14 March 1995, registered in district 91.01.01 (Merauke), serial 0001.
MERAUKE_1995 = "9101015403950001"


@pytest.fixture
def papua(db):
    """Today's Merauke regency and Kota Sorong with the table of their code changes, and the
    provinces they left (Papua keeps Kota Jayapura, Papua Barat Manokwari)."""
    load_regions(prefixes=["93.01", "96.71", "91.71.01", "92.02.01"])
