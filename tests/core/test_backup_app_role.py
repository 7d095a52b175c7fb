"""On PostgreSQL the application runs as a role that owns its database but is not a superuser;
`satuatap restore` must work with only that role's rights (pg_restore's --clean script may not
touch anything that needs a superuser)."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid

import pytest
from django.conf import settings
from django.db import connection

pytestmark = pytest.mark.django_db


def run(command: list[str], env: dict[str, str]) -> str:
    done = subprocess.run(command, capture_output=True, text=True, env=env)  # noqa: S603
    assert done.returncode == 0, done.stderr[-3000:] or done.stdout[-3000:]
    return done.stdout


@pytest.fixture
def app_database():
    """A database owned by a fresh LOGIN role without superuser or CREATEDB rights."""
    if connection.vendor != "postgresql":
        # Database roles exist only on PostgreSQL: `make test` runs this file again there (CI
        # always does, `.ci/run` sets DATABASE_URL), where the fixture never skips and the
        # restore as a non-superuser is asserted; on SQLite there is nothing to test.
        pytest.skip("SQLite has no database roles: restore as a non-superuser is a PostgreSQL case")
    suffix = uuid.uuid4().hex[:10]
    role, name = f"satuatap_app_{suffix}", f"satuatap_restore_{suffix}"
    db = connection.settings_dict
    # CREATE DATABASE cannot run inside the test's transaction: psql as the test's own user.
    admin = [*psql_for(db["USER"]), "-d", "postgres", "-c"]
    env = {**os.environ, "PGPASSWORD": db.get("PASSWORD") or ""}
    run([*admin, f"CREATE ROLE {role} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE"], env)
    run([*admin, f"CREATE DATABASE {name} OWNER {role}"], env)
    yield f"postgres://{role}@{db['HOST']}:{db['PORT']}/{name}", role
    run([*admin, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"], env)
    run([*admin, f"DROP ROLE IF EXISTS {role}"], env)


def psql_for(user: str) -> list[str]:
    db = connection.settings_dict
    return ["psql", "--no-psqlrc", "-At", "-h", str(db["HOST"]), "-p", str(db["PORT"]), "-U", user]


def test_restore_as_a_role_that_is_not_a_superuser(app_database, tmp_path):
    url, role = app_database
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "DATABASE_URL": url,
        "SATUATAP_DATA_DIR": str(tmp_path / "data"),
        "SECRET_KEY": settings.SECRET_KEY,
        "FIELD_ENCRYPTION_KEYS": ",".join(settings.FIELD_ENCRYPTION_KEYS),
    }
    satuatap = [sys.executable, "-m", "django"]
    psql = [*psql_for(role), "-d", url.rsplit("/", 1)[1], "-c"]
    assert run(psql + ["SELECT rolsuper FROM pg_roles WHERE rolname = current_user"], env) == "f\n"
    run(satuatap + ["migrate", "-v", "0"], env)
    run(psql + ["INSERT INTO regions_region (code, level, name) VALUES ('99', 1, 'Uji')"], env)
    archive = tmp_path / "backup.tar.gz"
    run(satuatap + ["backup", "--output", str(archive)], env)
    run(psql + ["UPDATE regions_region SET name = 'Diubah' WHERE code = '99'"], env)

    run(satuatap + ["restore", str(archive), "--yes"], env)

    assert run(psql + ["SELECT name FROM regions_region WHERE code = '99'"], env) == "Uji\n"
    owners = run(
        psql + ["SELECT DISTINCT tableowner FROM pg_tables WHERE schemaname = 'public'"], env
    )
    assert owners.split() == [role]
