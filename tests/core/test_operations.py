"""/healthz, /readyz and /metrics (docs/operations.md): what they answer, to whom, and that they
tell nothing sensitive. Components fail for real here (a Redis port nobody listens on, a file
where the storage wants a directory, a migration marked unapplied), never through a mock."""

from __future__ import annotations

import socket

import pytest
from django.core import mail
from django.db.migrations.recorder import MigrationRecorder
from django.test import Client
from django.urls import reverse
from huey import RedisHuey
from prometheus_client.parser import text_string_to_metric_families

from satuatap.core import health
from satuatap.core.checks import metrics_token_is_long_enough
from satuatap.core.models import OperationsCounter
from satuatap.core.roles import Role
from satuatap.privacy.tasks import alert_breach_reported_task
from satuatap.reports.tasks import sweep_rollups_task
from tests.core.test_two_factor import sign_in_with_password
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

TOKEN = "prometheus-scrapes-with-this-token-0123456789"
DEAD_REDIS = "redis://127.0.0.1:1/0"  # nothing listens on port 1


def redis_is_running() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
    except OSError:
        return False
    return True


needs_redis = pytest.mark.skipif(
    not redis_is_running(), reason="needs Redis on 127.0.0.1:6379 (the production cache/queue)"
)


@pytest.fixture(autouse=True)
def _fresh(settings, tmp_path):
    settings.SATUATAP_METRICS_TOKEN = TOKEN
    settings.MEDIA_ROOT = tmp_path / "private"
    health.forget_migrations()
    yield
    health.forget_migrations()


@pytest.fixture
def redis_cache(settings):
    """Use a Redis cache at `url` (Django's test signals rebuild the cache handler)."""

    def use(url: str) -> None:
        settings.CACHES = {
            "default": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": url,
                "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
            }
        }

    return use


def metric_values(text: str) -> dict[tuple[str, tuple], float]:
    """(sample name, sorted labels) → value, from the Prometheus text format."""
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def scrape(client: Client) -> str:
    response = client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"].startswith("text/plain; version=")
    return response.content.decode()


# --- /healthz and /readyz -------------------------------------------------------------------


def test_healthz_says_ok_to_anyone_and_is_never_cached(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.content == b"ok"
    assert "no-store" in response["Cache-Control"]


def test_readyz_is_ready_when_every_component_answers(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ready",
        "checks": dict.fromkeys(("database", "migrations", "cache", "queue", "storage"), "ok"),
    }
    assert "no-store" in response["Cache-Control"]


def test_readyz_names_an_unreachable_cache_and_nothing_of_its_address(client, redis_cache):
    redis_cache(DEAD_REDIS)

    response = client.get("/readyz")

    assert response.status_code == 503
    body = response.json()
    assert body["failing"] == ["cache"] and body["checks"]["database"] == "ok"
    text = response.content.decode()
    assert "127.0.0.1" not in text and "refused" not in text.lower() and "redis" not in text


def test_readyz_names_an_unreachable_task_queue(client, monkeypatch):
    dead_queue = RedisHuey("satuatap", url=DEAD_REDIS)
    monkeypatch.setattr(health, "task_queue", lambda: dead_queue)

    response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json()["failing"] == ["queue"]


def test_readyz_names_a_storage_it_cannot_write_to(client, settings, tmp_path):
    not_a_directory = tmp_path / "a-file"
    not_a_directory.write_text("")
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(not_a_directory / "private")},
        },
    }

    response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json()["failing"] == ["storage"]
    assert "a-file" not in response.content.decode()


def test_readyz_is_not_ready_before_the_migrations_are_applied(client):
    latest = MigrationRecorder.Migration.objects.filter(app="core").order_by("-name").first()
    latest.delete()  # as if this code were deployed before `satuatap migrate` ran

    response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json()["failing"] == ["migrations"]


@needs_redis
def test_readyz_with_redis_as_cache_and_task_queue(client, redis_cache, monkeypatch):
    redis_cache("redis://127.0.0.1:6379/15")
    monkeypatch.setattr(
        health, "task_queue", lambda: RedisHuey("satuatap-test", url="redis://127.0.0.1:6379/15")
    )

    response = client.get("/readyz")

    assert response.status_code == 200, response.content
    assert response.json()["status"] == "ready"


def test_a_session_waiting_for_its_second_factor_reaches_the_probes_not_the_metrics(
    client, counsellor
):
    sign_in_with_password(client, counsellor)

    ready, healthy, metrics = client.get("/readyz"), client.get("/healthz"), client.get("/metrics")

    assert ready.status_code == 200 and ready.json()["status"] == "ready"
    assert healthy.status_code == 200 and healthy.content == b"ok"
    # Sent to set up the second factor (the counsellor has none yet); no metric shown.
    assert metrics.status_code == 302
    assert metrics.url.startswith(reverse("core:two-factor-setup"))
    assert b"satuatap_" not in metrics.content


# --- /metrics: who may read them ---------------------------------------------------------------


def test_metrics_ask_an_anonymous_caller_for_the_bearer_token(client):
    response = client.get("/metrics")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="metrics"'
    assert b"satuatap_" not in response.content


def test_a_wrong_token_is_refused(client):
    for header in (f"Bearer {TOKEN}x", f"Bearer {TOKEN[:-1]}", f"Basic {TOKEN}", "Bearer "):
        response = client.get("/metrics", headers={"Authorization": header})
        assert response.status_code == 401, header
        assert response["WWW-Authenticate"] == 'Bearer realm="metrics"'
        assert b"satuatap_" not in response.content, header


def test_no_token_configured_means_no_token_works(client, settings):
    settings.SATUATAP_METRICS_TOKEN = ""
    for header in ("Bearer ", "Bearer x"):
        response = client.get("/metrics", headers={"Authorization": header})
        assert response.status_code == 401, header
        assert b"satuatap_" not in response.content, header


def test_prometheus_reads_them_with_the_token(client):
    assert "satuatap_http_requests_total" in scrape(client)


def test_during_a_rotation_the_old_and_the_new_token_both_work(client, settings):
    new = "the-new-token-prometheus-moves-to-9876543210"
    settings.SATUATAP_METRICS_TOKEN = f"{new}, {TOKEN}"
    for token in (new, TOKEN):
        response = client.get("/metrics", headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 200
        assert "satuatap_http_requests_total" in response.content.decode()
    refused = client.get("/metrics", headers={"Authorization": "Bearer x"})
    assert refused.status_code == 401
    assert b"satuatap_" not in refused.content


def test_a_short_token_makes_the_deploy_check_warn(settings):
    settings.SATUATAP_METRICS_TOKEN = "short"
    assert [w.id for w in metrics_token_is_long_enough(None)] == ["satuatap.W004"]
    settings.SATUATAP_METRICS_TOKEN = f"{TOKEN},short"
    assert [w.id for w in metrics_token_is_long_enough(None)] == ["satuatap.W004"]
    settings.SATUATAP_METRICS_TOKEN = TOKEN
    assert metrics_token_is_long_enough(None) == []


# --- /metrics: what they say ------------------------------------------------------------------


def test_requests_are_counted_by_url_pattern_never_by_path_or_query(client, office, make_user):
    person = PersonFactory(office=office, full_name="Siti Nurhaliza", nik="3209015403950041")
    client.force_login(make_user(Role.FRONTDESK))
    client.get(f"/people/{person.pk}/?q={person.nik}")
    client.get("/people/", {"q": "Siti Nurhaliza"})
    client.get("/no/such/page/3209015403950041/")

    text = scrape(client)
    values = metric_values(text)

    key = (
        "satuatap_http_requests_total",
        (("method", "GET"), ("route", "people/<int:person_id>/"), ("status", "200")),
    )
    assert values[key] >= 1
    assert (
        values[
            (
                "satuatap_http_requests_total",
                (("method", "GET"), ("route", "(none)"), ("status", "404")),
            )
        ]
        >= 1
    )
    for secret in (f"people/{person.pk}/", person.nik, "Siti", "Nurhaliza", "q="):
        assert secret not in text, secret
    assert any(name == "satuatap_http_request_duration_seconds_bucket" for name, _ in values)


def test_installation_metrics_read_the_queue_readiness_and_the_roll_up_backlog(client):
    values = metric_values(scrape(client))

    assert values[("satuatap_task_queue_pending", ())] == 0
    assert values[("satuatap_task_queue_scheduled", ())] == 0
    for component in ("database", "migrations", "cache", "queue", "storage"):
        assert values[("satuatap_component_ready", (("component", component),))] == 1
    assert ("satuatap_rollup_backlog_marks", ()) in values
    assert ("satuatap_rollup_backlog_oldest_seconds", ()) in values


def test_a_component_that_fails_shows_as_not_ready_and_the_scrape_still_answers(
    client, redis_cache
):
    redis_cache(DEAD_REDIS)
    values = metric_values(scrape(client))
    assert values[("satuatap_component_ready", (("component", "cache"),))] == 0
    assert values[("satuatap_component_ready", (("component", "database"),))] == 1


def test_a_failing_task_and_its_failed_notification_are_counted(
    client, settings, office, make_user, administrator
):
    administrator.email = "dpo@kementerian.go.id"
    administrator.save(update_fields=["email"])
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2
    from satuatap.privacy.models import Breach

    breach = Breach.objects.create(
        office=office, title="Laptop hilang", discovered_at="2026-12-01T08:00:00+07:00"
    )

    with pytest.raises(OSError):
        alert_breach_reported_task.call_local(breach.pk, by_user_id=administrator.pk)

    values = metric_values(scrape(client))
    assert values[("satuatap_task_failures_total", (("task", "privacy.breach_alert"),))] == 1
    assert values[("satuatap_notifications_failed_total", (("kind", "breach_alert"),))] == 1

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    alert_breach_reported_task.call_local(breach.pk, by_user_id=administrator.pk)
    assert len(mail.outbox) == 1
    values = metric_values(scrape(client))
    assert values[("satuatap_notifications_sent_total", (("kind", "breach_alert"),))] == 1
    assert values[("satuatap_task_failures_total", (("task", "privacy.breach_alert"),))] == 1


def test_a_scheduled_tasks_success_is_counted_with_its_time(client):
    sweep_rollups_task.call_local()
    sweep_rollups_task.call_local()

    values = metric_values(scrape(client))
    task = (("task", "reports.sweep_rollups"),)
    assert values[("satuatap_task_successes_total", task)] == 2
    row = OperationsCounter.objects.get(metric="task_successes", label="reports.sweep_rollups")
    assert values[("satuatap_task_last_success_timestamp_seconds", task)] == pytest.approx(
        row.updated_at.timestamp()
    )
