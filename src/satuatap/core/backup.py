"""Backup and restore of an installation: the database and the private files in one archive.

The archive (`.tar.gz`) holds
- `database/satuatap.sqlite3`: a copy made with SQLite's online backup API (consistent while
  the server keeps writing), or `database/satuatap.pgdump`: `pg_dump --format=custom`;
- `media/…`: every file under MEDIA_ROOT (document scans, case attachments, imports, exports),
  when the private files are kept on this machine's disk (`SATUATAP_STORAGE=local`, the
  default). With object storage (`SATUATAP_STORAGE=s3`) they stay in the bucket, which is backed
  up there (versioning or replication): the manifest says so (`private_files`), a restore leaves
  the bucket alone and refuses an archive that holds files it would have nowhere to put;
- `manifest.json`: format, versions, engine, the applied migrations, the SHA-256 of every member,
  and the ids (hashes) of the field-encryption keys in use.

FIELD_ENCRYPTION_KEYS and SECRET_KEY are never put in the archive: a stolen backup must not
carry the key to its own encrypted case data. They are backed up separately (docs/security.md).

A restore verifies everything (format, checksums, engine, migrations, client tools) in a staging
directory before it touches the target, then replaces the database in one step (SQLite's backup
API into the live file; on PostgreSQL one `psql --single-transaction` that drops the tables and
replays `pg_restore`'s script) and swaps the private-files directory.
"""

from __future__ import annotations

import datetime
import hashlib
import importlib.metadata
import json
import os
import platform
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import django
from django.conf import settings
from django.core.files.storage import FileSystemStorage, storages
from django.db import connections
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone
from django.utils.translation import gettext as _

from satuatap.core.storage import PARTIAL_PREFIX

FORMAT = "satuatap-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
SQLITE_MEMBER = "database/satuatap.sqlite3"
POSTGRES_MEMBER = "database/satuatap.pgdump"
MEDIA_PREFIX = "media/"
OBJECT_STORAGE = "object-storage"
CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup or restore that cannot go ahead; the message says why (translated)."""


@dataclass
class BackupResult:
    path: Path
    engine: str
    size: int
    files: int
    migrations: int
    # The object storage that keeps the private files, when they are not in the archive.
    files_kept_in: str = ""


@dataclass
class RestoreResult:
    engine: str
    created_at: str
    satuatap_version: str
    files: int
    tables: int
    rows: int
    pending_migrations: list[str] = field(default_factory=list)
    key_warning: str = ""
    files_warning: str = ""


# --- helpers shared by both directions ---------------------------------------------------------


def _database() -> dict:
    return connections["default"].settings_dict


def engine_name() -> str:
    vendor = connections["default"].vendor
    if vendor not in ("sqlite", "postgresql"):
        raise BackupError(_("Backups support SQLite and PostgreSQL only."))
    return vendor


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def key_ids(keys: list[str]) -> list[str]:
    """Short public ids of Fernet keys (a hash: it does not reveal the key)."""
    return [hashlib.sha256(key.encode("ascii")).hexdigest()[:16] for key in keys]


def _satuatap_version() -> str:
    try:
        return importlib.metadata.version("satuatap")
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


def _media_root() -> Path:
    return Path(settings.MEDIA_ROOT)


def private_files_on_disk() -> bool:
    """Whether the private files are under MEDIA_ROOT (else in object storage)."""
    return isinstance(storages["default"], FileSystemStorage)


def _media_files(root: Path) -> Iterator[tuple[Path, str]]:
    if not root.is_dir():
        return
    for directory, _dirs, names in os.walk(root):
        for name in sorted(names):
            path = Path(directory) / name
            if name.startswith(PARTIAL_PREFIX):  # an upload being written: not a file yet
                continue
            if path.is_file() and not path.is_symlink():
                yield path, path.relative_to(root).as_posix()


def _tool(name: str) -> str:
    found = shutil.which(name)
    if not found:
        raise BackupError(
            _("%(tool)s is not installed or not on PATH: install the PostgreSQL client tools.")
            % {"tool": name}
        )
    return found


def _tool_major(path: str) -> int:
    # The tools are found on PATH by shutil.which and given fixed arguments, never user input.
    output = subprocess.run(  # noqa: S603
        [path, "--version"], capture_output=True, text=True, check=True
    ).stdout
    match = re.search(r"(\d+)(?:\.\d+)?", output)
    if not match:
        raise BackupError(_("Could not read the version of %(tool)s.") % {"tool": path})
    return int(match.group(1))


def _server_major() -> int:
    with connections["default"].cursor() as cursor:
        cursor.execute("SHOW server_version_num")
        return int(cursor.fetchone()[0]) // 10000


def _libpq_env() -> tuple[list[str], dict[str, str]]:
    """Connection arguments and environment for pg_dump/pg_restore/psql (password via env)."""
    db = _database()
    args = ["--dbname", db["NAME"]]
    if db.get("HOST"):
        args += ["--host", str(db["HOST"])]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", str(db["USER"])]
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    sslmode = (db.get("OPTIONS") or {}).get("sslmode")
    if sslmode:
        env["PGSSLMODE"] = sslmode
    return args, env


def _run(command: list[str], env: dict[str, str] | None = None) -> None:
    completed = subprocess.run(command, capture_output=True, text=True, env=env)  # noqa: S603
    if completed.returncode != 0:
        tail = (completed.stderr or completed.stdout).strip()[-2000:]
        raise BackupError(
            _("%(tool)s failed: %(error)s") % {"tool": Path(command[0]).name, "error": tail}
        )


def _applied_migrations(conn_or_cursor) -> list[list[str]]:
    rows = conn_or_cursor.execute("SELECT app, name FROM django_migrations").fetchall()
    return sorted([app, name] for app, name in rows)


def sqlite_connect(path, **kwargs) -> sqlite3.Connection:
    """A plain sqlite3 connection that can check the schema's constraints: Django's CHECK
    constraints call REGEXP, which Django registers on its own connections only."""
    conn = sqlite3.connect(path, **kwargs)
    conn.create_function("REGEXP", 2, _regexp, deterministic=True)
    return conn


def _regexp(pattern, value):
    if pattern is None or value is None:
        return None
    return bool(re.search(pattern, str(value)))


def sqlite_integrity(conn: sqlite3.Connection) -> list[str]:
    """Problems PRAGMA integrity_check and foreign_key_check find (empty when sound)."""
    problems = [row[0] for row in conn.execute("PRAGMA integrity_check") if row[0] != "ok"]
    problems += [f"foreign key: {row}" for row in conn.execute("PRAGMA foreign_key_check")]
    return problems


# --- backup ------------------------------------------------------------------------------------


def _sqlite_copy(target: Path) -> tuple[str, list[list[str]]]:
    source_path = _database()["NAME"]
    source = sqlite_connect(source_path, timeout=20)
    copy = sqlite_connect(target)
    try:
        # One step: the whole database from one read snapshot, while writers go on in the WAL.
        source.backup(copy)
        copy.execute("PRAGMA journal_mode=DELETE")
        if sqlite_integrity(copy):
            raise BackupError(_("The copy of the database failed its integrity check."))
        migrations = _applied_migrations(copy)
    finally:
        copy.close()
        source.close()
    return sqlite3.sqlite_version, migrations


def _postgres_dump(target: Path) -> tuple[str, list[list[str]], str]:
    pg_dump = _tool("pg_dump")
    server = _server_major()
    client = _tool_major(pg_dump)
    if client < server:
        raise BackupError(
            _(
                "pg_dump %(client)s cannot dump a PostgreSQL %(server)s server: install the "
                "client tools of version %(server)s or newer."
            )
            % {"client": client, "server": server}
        )
    with connections["default"].cursor() as cursor:
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0].split()[0]
        cursor.execute("SELECT app, name FROM django_migrations")
        migrations = sorted([app, name] for app, name in cursor.fetchall())
    args, env = _libpq_env()
    _run([pg_dump, "--format=custom", "--no-owner", "--file", str(target), *args], env)
    return version, migrations, str(client)


def create_backup(output: Path | None = None) -> BackupResult:
    """Write a backup archive of the database and the private files; return what it holds."""
    engine = engine_name()
    if output is None:
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
        output = Path(settings.DATA_DIR) / "backups" / f"satuatap-{engine}-{stamp}.tar.gz"
    output = Path(output).resolve()
    output.parent.mkdir(parents=True, exist_ok=True)
    connections["default"].ensure_connection()

    with tempfile.TemporaryDirectory(dir=output.parent, prefix=".satuatap-backup-") as staging:
        staging_path = Path(staging)
        manifest: dict = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "created_at": timezone.now().isoformat(),
            "satuatap_version": _satuatap_version(),
            "django_version": django.get_version(),
            "python_version": platform.python_version(),
            "engine": engine,
            "encryption_keys_included": False,
            "encryption_key_ids": key_ids(list(settings.FIELD_ENCRYPTION_KEYS)),
            "files": {},
        }
        on_disk = private_files_on_disk()
        if not on_disk:
            manifest["private_files"] = OBJECT_STORAGE
        if engine == "sqlite":
            member = SQLITE_MEMBER
            database_file = staging_path / "database.sqlite3"
            version, migrations = _sqlite_copy(database_file)
        else:
            member = POSTGRES_MEMBER
            database_file = staging_path / "database.pgdump"
            version, migrations, dump_major = _postgres_dump(database_file)
            manifest["pg_dump_major"] = int(dump_major)
        manifest |= {"engine_version": version, "database": member, "migrations": migrations}

        partial = output.with_name(output.name + ".partial")
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        files = 0
        with os.fdopen(fd, "wb") as raw, tarfile.open(fileobj=raw, mode="w:gz") as archive:
            manifest["files"][member] = {
                "sha256": _sha256(database_file),
                "size": database_file.stat().st_size,
            }
            archive.add(database_file, arcname=member, recursive=False)
            for path, relative in _media_files(_media_root()) if on_disk else ():
                # Read once: the bytes hashed are the bytes archived, even if the file changes.
                data = path.read_bytes()
                name = MEDIA_PREFIX + relative
                info = tarfile.TarInfo(name)
                info.size = len(data)
                info.mtime = int(path.stat().st_mtime)
                info.mode = 0o600
                archive.addfile(info, _BytesReader(data))
                manifest["files"][name] = {
                    "sha256": hashlib.sha256(data).hexdigest(),
                    "size": len(data),
                }
                files += 1
            body = json.dumps(manifest, indent=2, sort_keys=True).encode("utf-8")
            info = tarfile.TarInfo(MANIFEST)
            info.size = len(body)
            info.mtime = int(timezone.now().timestamp())
            info.mode = 0o600
            archive.addfile(info, _BytesReader(body))
            raw.flush()
            os.fsync(raw.fileno())
        partial.replace(output)
    return BackupResult(
        path=output,
        engine=engine,
        size=output.stat().st_size,
        files=files,
        migrations=len(migrations),
        files_kept_in="" if on_disk else str(storages["default"]),
    )


class _BytesReader:
    def __init__(self, data: bytes) -> None:
        self._data = memoryview(data)
        self._offset = 0

    def read(self, size: int = -1) -> bytes:
        end = len(self._data) if size < 0 else self._offset + size
        chunk = self._data[self._offset : end].tobytes()
        self._offset += len(chunk)
        return chunk


# --- restore -----------------------------------------------------------------------------------


@dataclass
class VerifiedBackup:
    directory: Path
    manifest: dict

    @property
    def database_file(self) -> Path:
        return self.directory / self.manifest["database"]

    @property
    def media_directory(self) -> Path:
        return self.directory / MEDIA_PREFIX.rstrip("/")


def _not_a_backup(path: Path) -> BackupError:
    return BackupError(
        _("%(path)s is not a SatuAtap backup archive, or it is damaged.") % {"path": path}
    )


@contextmanager
def verified_backup(path: Path, staging_parent: Path | None = None) -> Iterator[VerifiedBackup]:
    """Unpack the archive into a staging directory and check every member against the
    manifest; yield it. Nothing outside the staging directory is touched."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(_("%(path)s does not exist.") % {"path": path})
    with tempfile.TemporaryDirectory(dir=staging_parent, prefix=".satuatap-restore-") as staging:
        directory = Path(staging)
        try:
            with tarfile.open(path, mode="r:*") as archive:
                members = archive.getmembers()
                if any(not m.isfile() for m in members):
                    raise _not_a_backup(path)
                archive.extractall(directory, filter="data")
        except (tarfile.TarError, EOFError, OSError, ValueError) as error:
            raise _not_a_backup(path) from error
        manifest_path = directory / MANIFEST
        try:
            manifest = json.loads(manifest_path.read_text("utf-8"))
        except (OSError, ValueError) as error:
            raise _not_a_backup(path) from error
        if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
            raise _not_a_backup(path)
        if manifest.get("format_version") != FORMAT_VERSION:
            raise BackupError(
                _("This backup has format version %(version)s; this SatuAtap reads version 1.")
                % {"version": manifest.get("format_version")}
            )
        listed = manifest.get("files") or {}
        present = {m.name for m in members} - {MANIFEST}
        if present != set(listed) or manifest.get("database") not in listed:
            raise BackupError(
                _("The archive's contents do not match its manifest: the backup is damaged.")
            )
        for name, expected in listed.items():
            if _sha256(directory / name) != expected.get("sha256"):
                raise BackupError(
                    _("%(member)s does not match its checksum: the backup is damaged.")
                    % {"member": name}
                )
        yield VerifiedBackup(directory=directory, manifest=manifest)


def pending_migrations(manifest: dict) -> list[str]:
    """Migrations this code has that the backup lacks (run `migrate` after the restore).
    Raises when the backup has migrations this code does not know (a newer SatuAtap)."""
    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    applied = {tuple(pair) for pair in manifest.get("migrations", [])}
    unknown = sorted(applied - known)
    if unknown:
        names = ", ".join(f"{app}.{name}" for app, name in unknown[:5])
        raise BackupError(
            _(
                "This backup was made by a newer or different SatuAtap (migrations unknown "
                "here: %(names)s). Restore it with the version that made it (%(version)s)."
            )
            % {"names": names, "version": manifest.get("satuatap_version", "?")}
        )
    return sorted(f"{app}.{name}" for app, name in known - applied)


def target_contents() -> dict[str, int]:
    """Rows of the tables that say a database is in use: users, organisations, people."""
    connection = connections["default"]
    tables = set(connection.introspection.table_names())
    counts = {}
    with connection.cursor() as cursor:
        for table in ("core_user", "core_organisation", "people_person"):
            if table in tables:
                cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608
                counts[table] = cursor.fetchone()[0]
    return {table: n for table, n in counts.items() if n}


def _check_engine(manifest: dict, engine: str) -> None:
    if manifest.get("engine") != engine:
        raise BackupError(
            _(
                "This is a backup of a %(backup)s database and the target is %(target)s: "
                "restore it on the same engine (moving between engines is a dumpdata/loaddata "
                "job)."
            )
            % {"backup": manifest.get("engine"), "target": engine}
        )


def _postgres_tools(manifest: dict) -> tuple[str, str]:
    pg_restore, psql = _tool("pg_restore"), _tool("psql")
    needed = int(manifest.get("pg_dump_major") or 0)
    have = _tool_major(pg_restore)
    if have < needed:
        raise BackupError(
            _(
                "The backup was written by pg_dump %(needed)s; pg_restore %(have)s cannot "
                "read it: install the client tools of version %(needed)s or newer."
            )
            % {"needed": needed, "have": have}
        )
    return pg_restore, psql


def _restore_sqlite(database_file: Path) -> None:
    connections.close_all()
    source = sqlite_connect(database_file)
    if sqlite_integrity(source):
        raise BackupError(_("The database in the backup failed its integrity check."))
    target = sqlite_connect(_database()["NAME"], timeout=20)
    try:
        # Page by page into the live file under its write lock: other connections see the old
        # database or the new one, never a mix, and WAL/SHM files stay consistent.
        source.backup(target)
        if sqlite_integrity(target):
            raise BackupError(_("The restored database failed its integrity check."))
    finally:
        target.close()
        source.close()


DROP_TABLES_SQL = """
DO $$
DECLARE item record;
BEGIN
  FOR item IN SELECT tablename FROM pg_tables WHERE schemaname = current_schema() LOOP
    EXECUTE 'DROP TABLE IF EXISTS ' || quote_ident(item.tablename) || ' CASCADE';
  END LOOP;
END $$;
"""


def _restore_postgres(dump: Path, pg_restore: str, psql: str, staging: Path) -> None:
    connections.close_all()
    args, env = _libpq_env()
    script = staging / "restore.sql"
    _run(
        [
            pg_restore,
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--file",
            str(script),
            str(dump),
        ],
        env,
    )
    preamble = staging / "drop_tables.sql"
    preamble.write_text(DROP_TABLES_SQL)
    # One transaction: every table of the target is dropped and the backup's are created and
    # filled, or (on any error) nothing changes.
    _run(
        [
            psql,
            "--no-psqlrc",
            "--quiet",
            "--set",
            "ON_ERROR_STOP=1",
            "--single-transaction",
            "--file",
            str(preamble),
            "--file",
            str(script),
            *args,
        ],
        env,
    )


def _swap_media(new: Path) -> None:
    root = _media_root()
    root.parent.mkdir(parents=True, exist_ok=True)
    stamp = datetime.datetime.now().strftime("%Y%m%d%H%M%S%f")
    incoming = root.parent / f".{root.name}.restore-{stamp}"
    if new.is_dir():
        shutil.move(str(new), incoming)
    else:
        incoming.mkdir()
    old = root.parent / f".{root.name}.replaced-{stamp}"
    try:
        if root.exists():
            root.rename(old)
    except OSError:
        # MEDIA_ROOT may be a mount point, which cannot be renamed: replace what it holds.
        for child in root.iterdir():
            shutil.rmtree(child) if child.is_dir() else child.unlink()
        for child in incoming.iterdir():
            shutil.move(str(child), root / child.name)
        incoming.rmdir()
        return
    incoming.rename(root)
    shutil.rmtree(old, ignore_errors=True)


def _count_rows() -> tuple[int, int]:
    connection = connections["default"]
    tables = connection.introspection.table_names()
    rows = 0
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608
            rows += cursor.fetchone()[0]
    return len(tables), rows


def _key_warning(manifest: dict) -> str:
    wanted = manifest.get("encryption_key_ids") or []
    if not wanted or wanted[0] in key_ids(list(settings.FIELD_ENCRYPTION_KEYS)):
        return ""
    return _(
        "The newest field-encryption key of the backup (id %(id)s) is not among this "
        "installation's FIELD_ENCRYPTION_KEYS: encrypted case data cannot be read until that "
        "key is configured."
    ) % {"id": wanted[0]}


def _check_private_files(manifest: dict) -> str:
    """Refuse an archive whose private files this installation has nowhere to put (it keeps
    them in object storage); a warning when the archive has none to give (they were in object
    storage when it was made)."""
    holds_files = any(name.startswith(MEDIA_PREFIX) for name in manifest.get("files") or {})
    if holds_files and not private_files_on_disk():
        raise BackupError(
            _(
                "This archive holds private files, but this installation keeps them in object "
                "storage (%(storage)s). Restore it with SATUATAP_STORAGE=local, then copy the "
                "files of MEDIA_ROOT into the bucket (docs/security.md, Object storage)."
            )
            % {"storage": storages["default"]}
        )
    if manifest.get("private_files") == OBJECT_STORAGE:
        return _(
            "The private files (scans, attachments, exports) were in object storage when this "
            "backup was made and are not in it: restore the bucket from its own backup "
            "(versioning or replication) to the same moment."
        )
    return ""


def restore_backup(path: Path, *, replace_existing: bool = False) -> RestoreResult:
    """Replace the database and the private files with the backup's, after checking it."""
    engine = engine_name()
    staging_parent = _media_root().parent
    staging_parent.mkdir(parents=True, exist_ok=True)
    with verified_backup(path, staging_parent=staging_parent) as backup:
        manifest = backup.manifest
        _check_engine(manifest, engine)
        pending = pending_migrations(manifest)
        tools = _postgres_tools(manifest) if engine == "postgresql" else None
        files_warning = _check_private_files(manifest)
        existing = target_contents()
        if existing and not replace_existing:
            held = ", ".join(f"{table}: {n}" for table, n in sorted(existing.items()))
            raise BackupError(
                _(
                    "The database already holds data (%(held)s). A restore replaces all of it: "
                    "run again with --yes to go ahead."
                )
                % {"held": held}
            )
        if engine == "sqlite":
            _restore_sqlite(backup.database_file)
        else:
            assert tools is not None  # engine is "postgresql" here, so _postgres_tools ran above
            pg_restore, psql = tools
            _restore_postgres(backup.database_file, pg_restore, psql, staging=backup.directory)
        files = sum(1 for name in manifest["files"] if name.startswith(MEDIA_PREFIX))
        if private_files_on_disk() and manifest.get("private_files") != OBJECT_STORAGE:
            _swap_media(backup.media_directory)
    tables, rows = _count_rows()
    return RestoreResult(
        engine=engine,
        created_at=manifest.get("created_at", ""),
        satuatap_version=manifest.get("satuatap_version", ""),
        files=files,
        tables=tables,
        rows=rows,
        pending_migrations=pending,
        key_warning=_key_warning(manifest),
        files_warning=files_warning,
    )
