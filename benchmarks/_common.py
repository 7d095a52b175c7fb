"""Shared by the generator and the benchmark: pick the database, set up Django, the offices."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
BENCH_SLUG_PREFIX = "bench-"
BENCH_PASSWORD_ENV = "SATUATAP_BENCH_PASSWORD"
BENCH_PASSWORD_DEFAULT = "satuatap-bench-2026"

# 50 regencies that send many migrant workers (West, Central and East Java, Lampung, Banten,
# NTB, NTT, Bali), largest registry first. Names as in the Kemendagri data.
REGENCIES = [
    "Kabupaten Indramayu",
    "Kabupaten Cirebon",
    "Kabupaten Lombok Timur",
    "Kabupaten Cianjur",
    "Kabupaten Cilacap",
    "Kabupaten Lampung Timur",
    "Kabupaten Ponorogo",
    "Kabupaten Sukabumi",
    "Kabupaten Karawang",
    "Kabupaten Subang",
    "Kabupaten Brebes",
    "Kabupaten Kendal",
    "Kabupaten Tulungagung",
    "Kabupaten Blitar",
    "Kabupaten Lombok Tengah",
    "Kabupaten Malang",
    "Kabupaten Banyuwangi",
    "Kabupaten Majalengka",
    "Kabupaten Kuningan",
    "Kabupaten Jember",
    "Kabupaten Lampung Tengah",
    "Kabupaten Banyumas",
    "Kabupaten Lombok Barat",
    "Kabupaten Grobogan",
    "Kabupaten Pati",
    "Kabupaten Garut",
    "Kabupaten Kebumen",
    "Kabupaten Madiun",
    "Kabupaten Kediri",
    "Kabupaten Trenggalek",
    "Kabupaten Wonosobo",
    "Kabupaten Tegal",
    "Kabupaten Pemalang",
    "Kabupaten Lamongan",
    "Kabupaten Magetan",
    "Kabupaten Sumbawa",
    "Kabupaten Tasikmalaya",
    "Kabupaten Purwakarta",
    "Kabupaten Banjarnegara",
    "Kabupaten Batang",
    "Kabupaten Bojonegoro",
    "Kabupaten Lampung Selatan",
    "Kabupaten Serang",
    "Kabupaten Tangerang",
    "Kabupaten Bima",
    "Kabupaten Dompu",
    "Kabupaten Kupang",
    "Kabupaten Flores Timur",
    "Kabupaten Buleleng",
    "Kabupaten Bandung",
]

WITA_PROVINCES = {"51", "52", "53", "63", "64", "65", "71", "72", "73", "74", "75", "76"}
WIT_PROVINCES = {"81", "82", "91", "92", "93", "94", "95", "96"}


def office_zone(region_code: str) -> str:
    """The time zone of a benchmark office in this regency (by its province)."""
    province = region_code[:2]
    if province in WITA_PROVINCES:
        return "Asia/Makassar"
    if province in WIT_PROVINCES:
        return "Asia/Jayapura"
    return "Asia/Jakarta"


def bench_password() -> str:
    return os.environ.get(BENCH_PASSWORD_ENV, BENCH_PASSWORD_DEFAULT)


def _with_database_name(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, parts.fragment))


def ensure_postgres_database(url: str) -> None:
    """Create the database `url` names when it does not exist yet."""
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin_url = _with_database_name(url, "postgres")
    with psycopg.connect(admin_url, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')
            print(f"created PostgreSQL database {name}", flush=True)


def choose_database(engine: str, pg_database: str) -> dict[str, str]:
    """Point this process's environment at the benchmark database; return the variables that
    a server started for the benchmark needs too."""
    if engine == "sqlite":
        os.environ.pop("DATABASE_URL", None)
        if "SATUATAP_DATA_DIR" not in os.environ:
            sys.exit("Set SATUATAP_DATA_DIR (e.g. /tmp/bench-sqlite) for the SQLite benchmark.")
        return {"SATUATAP_DATA_DIR": os.environ["SATUATAP_DATA_DIR"]}
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        sys.exit("--engine postgres needs DATABASE_URL=postgres://user@host:port/any-database")
    url = _with_database_name(url, pg_database)
    ensure_postgres_database(url)
    os.environ["DATABASE_URL"] = url
    env = {"DATABASE_URL": url}
    if "SATUATAP_DATA_DIR" in os.environ:
        env["SATUATAP_DATA_DIR"] = os.environ["SATUATAP_DATA_DIR"]
    return env


def setup_django(*, demo: bool = False) -> None:
    """Production settings; with `demo`, plus the demo app (`seed_demo`) in this process only:
    the servers a benchmark starts set SATUATAP_DEMO=false."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "satuatap.settings")
    if demo:
        os.environ["SATUATAP_DEMO"] = "true"
    os.environ.setdefault("SECRET_KEY", "satuatap-benchmark-not-secret")
    os.environ.setdefault("DEBUG", "false")
    os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
    # Start as the web server does: Django set up, the start-up objects frozen (satuatap.wsgi).
    import satuatap.wsgi  # noqa: F401


def engine_label() -> str:
    from django.db import connection

    if connection.vendor == "sqlite":
        return "SQLite " + ".".join(map(str, connection.Database.sqlite_version_info))
    return f"PostgreSQL {_pg_version()}"


def _pg_version() -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        return cursor.fetchone()[0].split()[0]


def bench_offices():
    """The bench offices (not the national generator's partners and ministry)."""
    from satuatap.core.models import Organisation, OrganisationKind

    return list(
        Organisation.objects.filter(
            kind=OrganisationKind.OFFICE, slug__startswith=BENCH_SLUG_PREFIX
        )
        .select_related("region")
        .order_by("pk")
    )


def frontdesk_username(office_slug: str) -> str:
    return f"{office_slug}.frontdesk"


def wait_for_server(process, port: int, log_path: Path, timeout: float = 60) -> None:
    """Return once the server answers on 127.0.0.1:`port`; exit if it dies or never answers."""
    import http.client
    import time

    deadline = time.time() + timeout
    while time.time() < deadline:
        if process.poll() is not None:
            sys.exit(f"gunicorn exited; see {log_path}:\n{log_path.read_text()[-3000:]}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/api/v1/openapi.json", headers={"Host": "127.0.0.1"})
            conn.getresponse().read()
            conn.close()
            return
        except OSError:
            time.sleep(0.3)
    process.terminate()
    sys.exit(f"gunicorn did not answer within {timeout:.0f} s; see {log_path}")
