"""Case references and ids say nothing about the cases a reader may not see: drawn at random
with a check character, where a sequence let the office head count and date the restricted
cases in the gaps between the numbers (and the ids in the addresses) of the ones she sees."""

from __future__ import annotations

import importlib
import re
import string

import pytest
from django.apps import apps
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

from satuatap.cases import references, services
from satuatap.cases.models import Case, Category, GbvType
from satuatap.core.roles import Role
from satuatap.placement.files.models import PlacementFile, ReturnReason, Stage
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

REFERENCE = re.compile(r"^MRC-CIREBON-[A-HJKMNP-TV-Z][0-9A-HJKMNP-TV-Z]{3}-[0-9A-HJKMNP-TV-Z]{4}$")


def _open_in_a_row(make_case, count: int, every_restricted: int = 3) -> list[Case]:
    """Cases opened one after another, every third one restricted (violence)."""
    return [
        make_case(categories=(Category.GBV,), gbv=(GbvType.PHYSICAL_ASSAULT,))
        if n % every_restricted == 1
        else make_case()
        for n in range(count)
    ]


def test_a_case_number_is_the_office_and_a_random_code_with_a_check_character(make_case):
    case = make_case()
    assert REFERENCE.match(case.number), case.number
    assert references.is_valid_reference(case.number)
    assert references.ID_RANGE[0] <= case.pk < references.ID_RANGE[1]
    # Crockford's alphabet: no I, L, O or U to misread.
    assert set(string.ascii_uppercase) - set(references.ALPHABET) == set("ILOU")


def test_what_the_office_head_sees_does_not_follow_the_order_cases_came_in(client, make_case, head):
    cases = _open_in_a_row(make_case, 15)
    seen_in_order = [c for c in cases if not c.is_restricted]
    assert len(seen_in_order) == 10

    client.force_login(head)
    html = client.get(reverse("cases:case-list")).content.decode()
    listed_numbers = set(re.findall(r"MRC-[A-Z0-9-]+", html))
    listed_ids = {int(i) for i in re.findall(r"/mrc/cases/(\d+)/", html)}
    assert listed_numbers == {c.number for c in seen_in_order}
    assert listed_ids == {c.pk for c in seen_in_order}
    # With a sequence, sorting the numbers or the ids gave the order the cases came in, and a
    # gap between two neighbours counted the restricted cases opened between them.
    numbers = [c.number for c in seen_in_order]
    ids = [c.pk for c in seen_in_order]
    assert sorted(numbers) != numbers and sorted(ids) != ids
    assert not any(re.search(r"-\d{4}-\d{4}$", n) for n in numbers)


@pytest.mark.parametrize("position", range(8))
def test_any_one_mistyped_character_is_caught(make_case, position):
    code = make_case().number.split("-", 2)[2].replace("-", "")
    for other in references.ALPHABET:
        if other != code[position]:
            typo = code[:position] + other + code[position + 1 :]
            assert not references.is_valid_reference(f"MRC-CIREBON-{typo[:4]}-{typo[4:]}")


def test_swapping_two_neighbours_is_caught(make_case):
    # Luhn mod 32 misses one swap only: "0" and "Z" (0 and 31) next to each other.
    for _ in range(20):
        code = make_case().number.split("-", 2)[2].replace("-", "")
        for i in range(len(code) - 1):
            a, b = code[i], code[i + 1]
            if a != b and {a, b} != {"0", "Z"}:
                swapped = code[:i] + b + a + code[i + 2 :]
                assert not references.is_valid_reference(
                    f"MRC-CIREBON-{swapped[:4]}-{swapped[4:]}"
                ), (code, i)


def test_the_search_refuses_a_mistyped_number_and_finds_a_right_one_however_written(
    client, make_case, counsellor
):
    case = make_case()
    code = case.number.split("-", 2)[2].replace("-", "")
    wrong = next(c for c in references.ALPHABET if c != code[-1])
    mistyped = f"{case.number[:-1]}{wrong}"
    client.force_login(counsellor)
    url = reverse("cases:case-list")

    response = client.get(url, {"q": mistyped})
    assert list(response.context["page"]) == []
    assert response.context["form"].errors["q"]

    for text in (case.number.lower(), case.number[-4:]):
        response = client.get(url, {"q": text})
        assert [c.pk for c in response.context["page"]] == [case.pk], text


def test_a_colliding_draw_is_drawn_again_and_other_errors_are_not_hidden(make_case):
    taken = make_case()
    copy = Case.objects.get(pk=taken.pk)
    draws = iter([{"number": taken.number}, {"number": "MRC-CIREBON-FRESH-0001"}])
    with transaction.atomic():
        services.insert_with_random_identity(copy, fresh=lambda: next(draws))
    assert copy.number == "MRC-CIREBON-FRESH-0001" and copy.pk != taken.pk

    broken = Case.objects.get(pk=taken.pk)
    broken.channel = None  # NOT NULL: no drawing again can fix it
    with pytest.raises(IntegrityError), transaction.atomic():
        services.insert_with_random_identity(broken, fresh=lambda: {"number": "MRC-X-ABCD-0002"})


# --- Numbers given before: kept for supervisors only --------------------------------------------


@pytest.fixture
def renumbered(make_case, office):
    """Cases numbered in one sequence, as before, and a placement file naming one of them;
    then the migration that draws new references."""
    cases = _open_in_a_row(make_case, 4)
    for n, case in enumerate(cases, start=1):
        Case.objects.filter(pk=case.pk).update(number=f"MRC-CIREBON-2026-{n:04d}")
    PlacementFile.objects.create(
        office=office,
        person=PersonFactory(office=office),
        scheme="individual",
        employer="Majikan",
        stage=Stage.RETURNED,
        stage_since=office.today(),
        return_date=office.today(),
        return_reason=ReturnReason.PROBLEM,
        mrc_case_reference="mrc-cirebon-2026-0003",
    )
    migration = importlib.import_module("satuatap.cases.migrations.0004_random_case_references")
    migration.renumber(apps, None)
    return [Case.objects.get(pk=c.pk) for c in cases]


def test_the_migration_draws_new_numbers_and_keeps_the_old_ones_apart(renumbered):
    assert [c.former_number for c in renumbered] == [
        f"MRC-CIREBON-2026-{n:04d}" for n in range(1, 5)
    ]
    assert all(REFERENCE.match(c.number) for c in renumbered)
    assert references.is_valid_reference(renumbered[2].number)
    assert PlacementFile.objects.get().mrc_case_reference == renumbered[2].number
    with connection.cursor() as cursor:
        cursor.execute("SELECT number FROM cases_case")
        assert not any(re.search(r"-\d{4}-\d{4}$", row[0]) for row in cursor.fetchall())


def test_only_case_supervisors_see_and_find_the_old_numbers(
    client, renumbered, head, supervisor, counsellor, make_user
):
    unrestricted = renumbered[0]
    detail = reverse("cases:case-detail", args=[unrestricted.pk])
    others = (head, counsellor, make_user(Role.COUNSELLOR, username="cirebon.counsellor3"))
    for user in others:
        client.force_login(user)
        assert unrestricted.former_number not in client.get(detail).content.decode()
        found = client.get(reverse("cases:case-list"), {"q": "2026-0001"})
        assert list(found.context["page"]) == []
        listing = client.get(reverse("cases:case-list")).content.decode()
        assert "2026-000" not in listing

    client.force_login(supervisor)
    page = client.get(detail, {"purpose": "supervision"}).content.decode()
    assert unrestricted.former_number in page
    found = client.get(reverse("cases:case-list"), {"q": unrestricted.former_number})
    assert [c.pk for c in found.context["page"]] == [unrestricted.pk]


def test_the_counter_table_is_gone():
    assert "cases_casecounter" not in connection.introspection.table_names()
    assert not any(m.__name__ == "CaseCounter" for m in apps.get_app_config("cases").get_models())
