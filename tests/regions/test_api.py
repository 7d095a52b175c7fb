from satuatap.regions.models import Region

URL = "/api/v1/regions"


def test_list_with_parent_lists_its_villages(api_client):
    response = api_client.get(URL, {"parent": "32.09.01"})

    assert response.status_code == 200
    body = response.json()
    assert {row["code"] for row in body} == set(
        Region.objects.filter(parent_id="32.09.01").values_list("code", flat=True)
    )
    assert {"code": "32.09.01.2008", "name": "Waled Desa", "level": 4, "parent": "32.09.01"} in body


def test_list_without_parent_lists_provinces(api_client):
    body = api_client.get(URL).json()

    assert {"code": "35", "name": "Jawa Timur", "level": 1, "parent": None} in body
    assert all(row["level"] == 1 for row in body)


def test_list_with_q_filters_the_children_by_name(api_client):
    body = api_client.get(URL, {"parent": "32.09.01", "q": "waled"}).json()

    assert body
    assert all("waled" in row["name"].lower() and row["parent"] == "32.09.01" for row in body)


def test_list_with_unknown_parent_is_a_404_json_error(api_client):
    response = api_client.get(URL, {"parent": "99.99"})

    assert response.status_code == 404
    body = response.json()
    assert body["code"] == "region_not_found"
    assert "99.99" in body["message"]


def test_detail_returns_the_region_with_its_path(api_client):
    response = api_client.get(f"{URL}/32.09.01.2008")

    assert response.status_code == 200
    body = response.json()
    assert body["name"] == "Waled Desa"
    assert body["parent"] == "32.09.01"
    assert [row["code"] for row in body["path"]] == ["32", "32.09", "32.09.01", "32.09.01.2008"]


def test_detail_of_unknown_code_is_a_404_json_error(api_client):
    response = api_client.get(f"{URL}/32.09.01.9999")

    assert response.status_code == 404
    assert response.json()["code"] == "region_not_found"


def test_list_uses_one_query_for_many_rows(api_client, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):  # session, user, parent check, list
        response = api_client.get(URL, {"parent": "35.04"})

    assert len(response.json()) == 19
