"""/metrics and /readyz from a real gunicorn with two worker processes, started from the
repository as production starts it (`gunicorn.conf.py` → `satuatap.gunicorn_conf`): every scrape
counts the requests of both workers (prometheus-client's multiprocess mode), and the log lines
are JSON with the request's id."""

from __future__ import annotations

import http.client
import json

import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.durability.gunicorn_server import Server

pytestmark = pytest.mark.django_db(transaction=True)

TOKEN = "prometheus-scrapes-with-this-token-0123456789"
REQUESTS = 40


def get(port: int, path: str, headers: dict | None = None) -> tuple[int, dict, bytes]:
    """One request on its own connection, so the master hands it to any worker."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


def healthz_count(text: str) -> float:
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == "satuatap_http_requests_total" and sample.labels == {
                "route": "healthz",
                "method": "GET",
                "status": "200",
            }:
                return sample.value
    return 0.0


@pytest.fixture
def metrics_directory(tmp_path):
    """Set by the operator, holding a previous run's file (which the start must remove)."""
    directory = tmp_path / "metrics"
    directory.mkdir()
    (directory / "counter_1.db").write_bytes(b"a previous run's values")
    return directory


@pytest.fixture
def server(tmp_path, metrics_directory):
    server = Server(
        tmp_path,
        SATUATAP_METRICS_TOKEN=TOKEN,
        LOG_LEVEL="INFO",
        PROMETHEUS_MULTIPROC_DIR=str(metrics_directory),
    )
    server.start()
    yield server
    server.stop()


def test_every_scrape_counts_the_requests_of_every_worker(server, metrics_directory):
    workers = server.workers()
    assert len(workers) == 2
    assert not (metrics_directory / "counter_1.db").exists()
    bearer = {"Authorization": f"Bearer {TOKEN}"}
    before = healthz_count(get(server.port, "/metrics", bearer)[2].decode())  # the start-up's
    ids = set()
    for _ in range(REQUESTS):
        status, headers, _body = get(server.port, "/healthz")
        assert status == 200
        ids.add(headers["X-Request-ID"])
    assert len(ids) == REQUESTS

    for _ in range(6):  # whichever worker answers the scrape, it adds up both
        status, _headers, body = get(server.port, "/metrics", bearer)
        assert status == 200
        assert healthz_count(body.decode()) == before + REQUESTS

    # The values are in files of the workers' own, which the scrape added up.
    files = {path.name for path in metrics_directory.glob("counter_*.db")}
    assert files and files <= {f"counter_{pid}.db" for pid in workers}

    status, _headers, body = get(server.port, "/readyz")
    assert status == 200 and json.loads(body)["status"] == "ready"
    assert get(server.port, "/metrics")[0] == 401


def test_the_servers_log_lines_are_json_with_the_request_id(server):
    status, headers, _body = get(server.port, "/people/123456/")  # not signed in: to sign in
    assert status == 302
    get(server.port, "/no/such/page/")
    server.stop()

    records = [json.loads(line) for line in server.log.read_text().splitlines() if line.strip()]
    not_found = [r for r in records if r["message"] == "Not Found: /no/such/page/"]
    assert len(not_found) == 1 and len(not_found[0]["request_id"]) == 32
