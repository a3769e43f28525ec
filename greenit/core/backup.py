"""Backups that restore: the database, the uploaded files and the signing key in one archive.

An archive (`greenit-backup-<time>.tar.gz`) holds

- `database.sqlite3` — an online copy made with SQLite's backup API (consistent while the
  app keeps running), or `database.pgdump` — `pg_dump --format=custom` of PostgreSQL;
- `media/…` — uploaded files, when they are on local disk (S3-compatible storage is backed
  up by the bucket's own versioning and replication; the manifest says so);
- `signing_key.pem` — the Ed25519 key that signs certificates of sanitization (without it,
  new certificates need a new key); the archive is therefore as secret as the key;
- `pdf-signing/…` — with the key: the X.509 key, certificate and chain that sign the
  certificate PDFs (SIGNING_PDF_DIR);
- `manifest.json` — format, time, database vendor, the last migration of every app, the
  number of rows of every table and the SHA-256 of the database part.

The manifest describes exactly the dumped snapshot: SQLite is counted from the copy,
PostgreSQL inside the REPEATABLE READ transaction whose exported snapshot pg_dump reads.

Restoring checks the archive against its manifest, refuses to overwrite a database that
already holds data unless forced, restores the same vendor it came from (a SQLite backup
into SQLite, a PostgreSQL one into PostgreSQL) into a staging place (the unpacked copy; a
staging database), compares every table's row count with the manifest there, and only then
replaces the site's database (SQLite's backup API; renaming PostgreSQL databases) and copies
the files and the key: a refused archive leaves the site as it was. SECRET_KEY is not in the
archive, only its fingerprint (docs/backups.md)."""

import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.files.storage import FileSystemStorage, default_storage
from django.db import connection, connections, transaction
from django.utils import timezone

FORMAT = 1
DB_PARTS = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}


class BackupError(Exception):
    """What is wrong with a backup or a restore, said so that the operator knows the fix."""


@dataclass
class Manifest:
    format: int
    created_at: str
    vendor: str
    migrations: dict[str, str]
    counts: dict[str, int]
    database_sha256: str
    media: str
    media_files: int
    signing_key: bool
    # SHA-256 fingerprint of the site's SECRET_KEY (never the key: see docs/backups.md).
    secret_key: str = ""

    @classmethod
    def read(cls, data: bytes) -> "Manifest":
        try:
            fields = json.loads(data)
            return cls(**fields)
        except (ValueError, TypeError) as error:
            raise BackupError(f"manifest.json is not a greenit backup manifest: {error}") from error


def _tables() -> list[str]:
    return sorted(
        model._meta.db_table
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy
    )


def table_counts() -> dict[str, int]:
    """Rows in every table of every installed model (what a restore must give back)."""
    with connection.cursor() as cursor:
        return _count_with(cursor, connection.ops.quote_name, set(_tables()))


def _count_with(cursor, quote, present: set[str]) -> dict[str, int]:
    """Rows of every model's table through `cursor` (a snapshot's transaction, or a staged
    copy); a table that is not there counts as missing (-1)."""
    counts = {}
    for table in _tables():
        if table in present:
            cursor.execute(f"SELECT COUNT(*) FROM {quote(table)}")  # noqa: S608
            counts[table] = cursor.fetchone()[0]
        else:
            counts[table] = -1
    return counts


def _latest_migrations_with(cursor) -> dict[str, str]:
    cursor.execute("SELECT app, name FROM django_migrations")
    latest: dict[str, str] = {}
    for app, name in cursor.fetchall():
        latest[app] = max(latest.get(app, ""), name)
    return dict(sorted(latest.items()))


def _latest_migrations() -> dict[str, str]:
    with connection.cursor() as cursor:
        return _latest_migrations_with(cursor)


def secret_key_fingerprint(key: str) -> str:
    """Tells whether two sites share SECRET_KEY without saying it (the key is never stored)."""
    return hashlib.sha256(b"greenit-backup-secret-key:" + key.encode()).hexdigest()[:16]


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _pg_env(db: dict) -> dict[str, str]:
    env = {**os.environ}
    for key, var in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER")):
        if db.get(key):
            env[var] = str(db[key])
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    return env


def _run(command: list[str], env: dict[str, str]) -> None:
    tool = command[0]
    if shutil.which(tool) is None:
        raise BackupError(
            f"{tool} is not installed: install the PostgreSQL client "
            "(Debian: apt-get install postgresql-client) of the server's major version."
        )
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    if result.returncode:
        raise BackupError(f"{tool} failed: {result.stderr.strip()[:2000]}")


def _sqlite_quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _sqlite_counts(path: Path) -> tuple[dict[str, int], dict[str, str]]:
    """Row counts and migrations read from a SQLite file (the copy, never the live site)."""
    copy = sqlite3.connect(path)
    try:
        cursor = copy.cursor()
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        present = {row[0] for row in cursor.fetchall()}
        counts = _count_with(cursor, _sqlite_quote, present)
        migrations = _latest_migrations_with(cursor) if "django_migrations" in present else {}
        return counts, migrations
    finally:
        copy.close()


def _dump_database(dest: Path) -> tuple[dict[str, int], dict[str, str]]:
    """Copy the database to `dest` and return the row counts and migrations of exactly that
    copy: SQLite's backup API makes a consistent copy, counted afterwards from the copy;
    PostgreSQL's dump reads a snapshot exported from a REPEATABLE READ transaction that
    stays open while pg_dump runs and in which the rows are counted."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        target = sqlite3.connect(dest)
        try:
            connection.connection.backup(target)
        finally:
            target.close()
        return _sqlite_counts(dest)
    if connection.vendor == "postgresql":
        if connection.in_atomic_block:
            raise BackupError("a backup cannot run inside a transaction")
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            _run(
                [
                    "pg_dump",
                    "--format=custom",
                    "--no-owner",
                    f"--snapshot={snapshot}",
                    f"--file={dest}",
                    db["NAME"],
                ],
                _pg_env(db),
            )
            counts = table_counts()
            return counts, _latest_migrations()
    raise BackupError(f"backups of {connection.vendor} databases are not supported")


def _local_media_root() -> Path | None:
    storage = default_storage
    if isinstance(storage, FileSystemStorage):
        return Path(storage.location)
    return None


def backup_create(*, output_dir: Path, include_signing_key: bool = True) -> Path:
    """Write one archive into `output_dir` and return its path."""
    vendor = connection.vendor
    if vendor not in DB_PARTS:
        raise BackupError(f"backups of {vendor} databases are not supported")
    output_dir.mkdir(parents=True, exist_ok=True)
    now = timezone.now()
    archive = output_dir / f"greenit-backup-{now:%Y%m%d-%H%M%S}.tar.gz"
    with tempfile.TemporaryDirectory(prefix="greenit-backup-") as tmp:
        db_part = Path(tmp) / DB_PARTS[vendor]
        # Counted from the very snapshot that was dumped: the manifest describes the copy,
        # however busy the site is, and a restore compares exactly.
        counts, migrations = _dump_database(db_part)
        media_root = _local_media_root()
        media_files = []
        if media_root is not None and media_root.exists():
            media_files = sorted(p for p in media_root.rglob("*") if p.is_file())
        key_file = Path(settings.SIGNING_KEY_FILE)
        with_key = include_signing_key and key_file.exists()
        manifest = Manifest(
            format=FORMAT,
            created_at=now.isoformat(),
            vendor=vendor,
            migrations=migrations,
            counts=counts,
            database_sha256=_sha256(db_part),
            media="local" if media_root is not None else "remote storage: not in this archive",
            media_files=len(media_files),
            signing_key=with_key,
            secret_key=secret_key_fingerprint(settings.SECRET_KEY),
        )
        partial = archive.with_suffix(".partial")
        with tarfile.open(partial, "w:gz") as tar:
            data = json.dumps(manifest.__dict__, indent=2).encode()
            info = tarfile.TarInfo("manifest.json")
            info.size, info.mtime = len(data), int(now.timestamp())
            tar.addfile(info, io.BytesIO(data))
            tar.add(db_part, arcname=db_part.name)
            for path in media_files:
                tar.add(path, arcname=f"media/{path.relative_to(media_root).as_posix()}")
            if with_key:
                tar.add(key_file, arcname="signing_key.pem")
                for path in _pdf_signing_files():
                    tar.add(path, arcname=f"pdf-signing/{path.name}")
        partial.rename(archive)  # never a half-written archive under the final name
        archive.chmod(0o600)
    return archive


def _pdf_signing_files() -> list[Path]:
    directory = Path(settings.SIGNING_PDF_DIR)
    return sorted(p for p in directory.glob("*.pem") if p.is_file()) if directory.is_dir() else []


def _database_has_data() -> bool:
    """Whether a table of the project's own apps holds a row. A fresh `migrate` leaves them
    all empty (it fills only Django's own tables: content types, permissions, role groups),
    so any row there is somebody's data. Found through the app registry, so that core names
    no app above it."""
    project = __name__.partition(".")[0]  # greenit
    tables = set(connection.introspection.table_names())  # none yet: an empty database
    return any(
        model._base_manager.using("default").exists()
        for config in apps.get_app_configs()
        if config.name.startswith(f"{project}.")
        for model in config.get_models()
        if model._meta.managed and not model._meta.proxy and model._meta.db_table in tables
    )


def _check_counts(manifest: "Manifest", counts: dict[str, int]) -> None:
    differs = {
        table: (count, counts.get(table))
        for table, count in manifest.counts.items()
        if counts.get(table) != count
    }
    if differs:
        shown = ", ".join(f"{t}: {a} in the backup, {b} now" for t, (a, b) in differs.items())
        raise BackupError(
            f"the backup's database does not match its manifest ({shown}): not restored, "
            "the site is as it was"
        )


def _restore_sqlite(part: Path, manifest: "Manifest") -> None:
    """Check the staged copy first; then SQLite's backup API replaces the live database in
    one write transaction (all of it, or nothing)."""
    counts, _migrations = _sqlite_counts(part)
    _check_counts(manifest, counts)
    connections.close_all()
    source = sqlite3.connect(part)
    try:
        connection.ensure_connection()
        source.backup(connection.connection)
    finally:
        source.close()
    connections.close_all()


def _pg_admin(sql: str, params=()) -> None:
    with connection._nodb_cursor() as cursor:  # the server's maintenance database
        cursor.execute(sql, params)


def _restore_postgresql(part: Path, manifest: "Manifest") -> None:
    """Restore into a staging database beside the site's, count it, and only then swap the
    two by renaming (which needs every connection to the site's database closed: stop the
    app and the worker first; the ones left are ended). The old database is dropped."""
    import psycopg

    db = connection.settings_dict
    name = db["NAME"]
    staging, old = f"{name[:40]}_restoring", f"{name[:40]}_before_restore"
    quote = connection.ops.quote_name
    connections.close_all()
    _pg_admin(f"DROP DATABASE IF EXISTS {quote(staging)}")
    _pg_admin(f"CREATE DATABASE {quote(staging)}")
    try:
        _run(
            [
                "pg_restore",
                "--no-owner",
                "--exit-on-error",
                "--single-transaction",
                f"--dbname={staging}",
                str(part),
            ],
            _pg_env(db),
        )
        params = {**connection.get_connection_params(), "dbname": staging}
        with psycopg.connect(**params) as staged, staged.cursor() as cursor:
            cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
            present = {row[0] for row in cursor.fetchall()}
            counts = _count_with(cursor, quote, present)
        _check_counts(manifest, counts)
    except BaseException:
        _pg_admin(f"DROP DATABASE IF EXISTS {quote(staging)}")
        raise
    _pg_admin(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
        "WHERE datname = %s AND pid <> pg_backend_pid()",
        [name],
    )
    _pg_admin(f"DROP DATABASE IF EXISTS {quote(old)}")
    _pg_admin(f"ALTER DATABASE {quote(name)} RENAME TO {quote(old)}")
    try:
        _pg_admin(f"ALTER DATABASE {quote(staging)} RENAME TO {quote(name)}")
    except BaseException:
        _pg_admin(f"ALTER DATABASE {quote(old)} RENAME TO {quote(name)}")
        raise
    _pg_admin(f"DROP DATABASE IF EXISTS {quote(old)}")


def _restore_database(part: Path, manifest: "Manifest") -> None:
    if connection.vendor == "sqlite":
        _restore_sqlite(part, manifest)
    else:
        _restore_postgresql(part, manifest)
    connections.close_all()


def backup_restore(*, archive: Path, force: bool = False) -> Manifest:
    """Put an archive back: database, media, signing key. Returns its manifest."""
    if not archive.is_file():
        raise BackupError(f"{archive}: no such file")
    try:
        tar = tarfile.open(archive, "r:gz")
    except (tarfile.TarError, OSError) as error:
        raise BackupError(f"{archive} is not a greenit backup (.tar.gz): {error}") from error
    with tar, tempfile.TemporaryDirectory(prefix="greenit-restore-") as tmp:
        try:
            manifest = Manifest.read(tar.extractfile("manifest.json").read())
        except KeyError as error:
            raise BackupError(f"{archive} has no manifest.json: not a greenit backup") from error
        if manifest.format != FORMAT:
            raise BackupError(f"backup format {manifest.format} is not {FORMAT}: use that version")
        if manifest.vendor != connection.vendor:
            raise BackupError(
                f"this backup is of a {manifest.vendor} database and DATABASE_URL points at "
                f"{connection.vendor}: restore into {manifest.vendor}"
            )
        if not force and _database_has_data():
            raise BackupError(
                "the database already holds data: restore into an empty database, "
                "or add --force to replace everything in it"
            )
        tar.extractall(tmp, filter="data")
        part = Path(tmp) / DB_PARTS[manifest.vendor]
        if not part.is_file() or _sha256(part) != manifest.database_sha256:
            raise BackupError(f"{part.name} is missing or damaged (SHA-256 differs): not restored")
        # Staged and counted before the site's database is touched; files and key after.
        _restore_database(part, manifest)
        _check_counts(manifest, table_counts())
        media = Path(tmp) / "media"
        media_root = _local_media_root()
        if media.is_dir() and media_root is not None:
            shutil.copytree(media, media_root, dirs_exist_ok=True)
        key = Path(tmp) / "signing_key.pem"
        if key.is_file():
            target = Path(settings.SIGNING_KEY_FILE)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(key, target)
            target.chmod(0o600)
        pdf_signing = Path(tmp) / "pdf-signing"
        if pdf_signing.is_dir():
            target_dir = Path(settings.SIGNING_PDF_DIR)
            target_dir.mkdir(parents=True, exist_ok=True)
            for path in pdf_signing.glob("*.pem"):
                shutil.copyfile(path, target_dir / path.name)
                (target_dir / path.name).chmod(0o600 if "key" in path.name else 0o644)
    return manifest
