"""Name keys and fuzzy name matching for Indonesian names."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from satuatap.people.names import name_key, name_similarity, query_key, rank_names

SAME_PERSON = 85  # variants of one name score at least this
DIFFERENT_PEOPLE = 65  # different names score below this (the search threshold)


@pytest.mark.parametrize(
    ("full_name", "key"),
    [
        ("Hj. Siti Nurhaliza, S.Pd.", "siti nurhaliza"),
        ("Siti Nurhaliza S.Pd.", "siti nurhaliza"),
        ("HJ SITI NURHALIZA SPD", "siti nurhaliza"),
        ("Dr. Ir. H. Soekarno, M.Pd.", "sukarno"),
        ("Drs. Bambang Sutrisno, S.E., M.M.", "bambang sutrisno"),
        ("K.H. Ma'ruf Amin", "maruf amin"),
        ("Prof. Dra. Sri Wahyuni, S.H.", "sri wahyuni"),
        ("Ust. Abdul Somad, Lc.", "abdul somad"),
        ("Dewi Lestari, A.Md.Keb.", "dewi lestari"),
        ("Siti Aminah, S.Kep.Ns.", "siti aminah"),
        ("H.Ahmad Dahlan", "ahmad dahlan"),
        ("  Siti   Nurhaliza  ", "siti nurhaliza"),
        ("Stéphanie Lumbantobing", "stefanie lumbantobing"),
        ("Nur-Aini", "nur aini"),
        ("Nurhaliza, Siti", "nurhaliza siti"),
    ],
)
def test_name_key_drops_titles_degrees_accents_and_punctuation(full_name, key):
    assert name_key(full_name) == key


@pytest.mark.parametrize(
    "variants",
    [
        ["Muhammad Rizky", "Moch. Rizki", "Mohammad Rizki", "Muhamad Rizky", "M. Rizki"],
        ["Mochammad Ali", "Mohamad Ali", "Moh. Ali", "Muh. Ali", "Mhd. Ali", "Mukhammad Ali"],
        ["Noer Aini", "Nur Aini"],
        ["Achmad Fauzi", "Ahmad Fauzi", "Akhmad Fauzi"],
        ["Djoko Susilo", "Joko Susilo"],
        ["Tjahjono", "Cahyono"],
        ["Soeharto", "Suharto"],
        ["Wahjoeni", "Wahyuni"],
        ["Sjarifuddin", "Syarifudin", "Sarifudin"],
        ["Njoman", "Nyoman"],
        ["Chairul Anam", "Khairul Anam", "Hairul Anam"],
        ["Christina", "Kristina"],
        ["Chandra", "Candra"],
        ["Ramadhan", "Ramadan"],
        ["Taufiq", "Taufik"],
        ["Fathur Rohman", "Fatur Rohman"],
        ["Stephanie", "Stefanie"],
        ["Hendry", "Hendri"],
        ["Nurrohman", "Nurohman"],
    ],
)
def test_spelling_variants_share_one_key(variants):
    assert len({name_key(name) for name in variants}) == 1


@pytest.mark.parametrize(
    ("one", "other"),
    [("Panji", "Panyi"), ("Siti", "Sri"), ("Joko", "Yoko"), ("Saleh", "Soleh")],
)
def test_rules_that_would_merge_different_names_are_not_applied(one, other):
    assert name_key(one) != name_key(other)


def test_a_name_made_only_of_a_title_keeps_its_word():
    assert name_key("H.") == "h"


def test_a_lone_m_is_muhammad_in_a_name_but_an_initial_in_a_query():
    assert name_key("M. Rizki") == "muhamad rizki"
    assert query_key("M. Rizki") == "m rizki"
    assert name_key("Rizki M.") == "rizki m"


@given(st.text(max_size=60))
def test_name_key_is_idempotent(text):
    key = name_key(text)
    assert name_key(key) == key
    assert key == " ".join(key.split())


@pytest.mark.parametrize(
    ("query", "full_name"),
    [
        ("Muhammad Rizky", "Mohammad Rizki"),
        ("Moh. Rizki", "Muhammad Rizky"),
        ("Noer Aini", "Nur Aini"),
        ("Siti Nurhaliza", "Siti Nur Haliza"),
        ("Siti Nur Haliza", "Siti Nurhaliza"),
        ("sitinurhaliza", "Siti Nurhaliza"),
        ("Siti Nurhaliza", "Sitinurhaliza"),
        ("Nurhaliza Siti", "Siti Nurhaliza"),
        ("S. Nurhaliza", "Siti Nurhaliza"),
        ("M. Rizki", "Muhammad Rizky"),
        ("Nurhaliza", "Siti Nurhaliza"),
        ("Nur Haliza", "Siti Nurhaliza"),
        ("Rizky", "Muhammad Rizky"),
        ("Siti Nurhalisa", "Siti Nurhaliza"),
        ("Siti Nurhalzia", "Siti Nurhaliza"),
        ("Siti Nurhaliza", "Hj. Siti Nurhaliza, S.Pd."),
        ("Sukarno", "Soekarno"),
        ("Wahyuni", "Sri Wahjoeni"),
        ("Agus Setiawan", "Agus Setyawan"),
    ],
)
def test_variants_of_the_same_name_score_high(query, full_name):
    assert name_similarity(query, name_key(full_name)) >= SAME_PERSON


@pytest.mark.parametrize(
    ("query", "full_name"),
    [
        ("Siti Nurhaliza", "Sri Wahyuni"),
        ("Siti Nurhaliza", "Siti Aminah"),
        ("Muhammad Rizky", "Ahmad Fauzi"),
        ("Dewi Lestari", "Dewi Sartika Wulandari"),
        ("Siti Nurhaliza", "Siti"),
        ("Joko Susilo", "Budi Santoso"),
    ],
)
def test_different_people_score_low(query, full_name):
    assert name_similarity(query, name_key(full_name)) < DIFFERENT_PEOPLE


def test_the_exact_name_ranks_above_a_longer_one_that_contains_it():
    exact = name_similarity("Siti Nurhaliza", name_key("Siti Nurhaliza"))
    longer = name_similarity("Siti Nurhaliza", name_key("Siti Nurhaliza Binti Ahmad"))
    assert exact == 100
    assert SAME_PERSON <= longer < exact


def test_empty_query_or_key_scores_zero():
    assert name_similarity("", "siti") == 0
    assert name_similarity("Siti", "") == 0
    assert name_similarity("Hj., S.Pd.", "siti") < DIFFERENT_PEOPLE


def test_rank_names_returns_ids_best_first_above_the_threshold():
    names = ["Sri Wahyuni", "Siti Nur Haliza", "Siti Nurhaliza", "Budi Santoso", "Siti Aminah"]
    ranked = rank_names("Siti Nurhaliza", [(i, name_key(n)) for i, n in enumerate(names)])
    assert [pk for pk, _score in ranked][:2] == [2, 1]
    assert {pk for pk, _score in ranked} == {1, 2}


def test_rank_names_limits_the_result():
    candidates = [(i, "siti nurhaliza") for i in range(50)]
    assert len(rank_names("Siti Nurhaliza", candidates, limit=5)) == 5
    assert rank_names("", candidates) == []
