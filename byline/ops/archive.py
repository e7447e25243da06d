"""Backups: the database and the media folder in one archive, and restoring one.

An archive is a gzip'd tar holding, in this order:

    manifest.json       format, version, database vendor, creation time, applied migrations,
                        row counts, and the SHA-256 of every other file in the archive
    database.sqlite3    SQLite: a consistent copy made with SQLite's online backup API
    database.pgdump     PostgreSQL: `pg_dump --format=custom`
    media/...           the uploaded files (local media storage only; an S3 bucket has its own
                        versioning and replication, see docs/deploy.md)

Restoring checks everything before it changes anything: the archive must be complete and
undamaged (every checksum), made from the same database vendor, and by this version of Byline or
an older one (known migrations). The database is replaced in one transaction, then the media
folder is swapped in with a rename; migrations then bring an older archive up to date.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from django.core.files.storage import FileSystemStorage, storages
from django.db import connection

FORMAT = "byline-backup"
VERSION = 1
MANIFEST = "manifest.json"
DATABASE_FILES = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
MEDIA = "media"
VENDOR_NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


class BackupError(Exception):
    """A backup cannot be made, or an archive cannot be restored; the message says why."""


@dataclass(frozen=True)
class Archive:
    """A checked archive, extracted into a temporary folder, ready to be restored."""

    manifest: dict
    folder: Path

    @property
    def database_file(self) -> Path:
        return self.folder / DATABASE_FILES[self.manifest["vendor"]]

    @property
    def media_folder(self) -> Path | None:
        return self.folder / MEDIA if self.manifest["media"] == "included" else None


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for chunk in iter(lambda: file.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def local_media_root() -> Path | None:
    """MEDIA_ROOT when media are stored on local disk, None with object storage."""
    storage = storages["default"]
    return Path(storage.location) if isinstance(storage, FileSystemStorage) else None


def byline_version() -> str:
    try:
        return version("byline")
    except PackageNotFoundError:
        return "unknown"


def database_vendor() -> str:
    if connection.vendor not in DATABASE_FILES:
        raise BackupError(f"Backups support SQLite and PostgreSQL, not {connection.vendor}.")
    return connection.vendor


# PostgreSQL client programs


def pg_program(name: str) -> str:
    """The client program matching the server's major version when installed (Debian keeps
    them in /usr/lib/postgresql/N/bin), else the one on PATH."""
    connection.ensure_connection()
    major = connection.pg_version // 10000
    candidate = Path(f"/usr/lib/postgresql/{major}/bin/{name}")
    if candidate.exists():
        return str(candidate)
    found = shutil.which(name)
    if not found:
        raise BackupError(f"{name} is needed for PostgreSQL backups; install postgresql-client.")
    return found


def pg_environment() -> tuple[list[str], dict[str, str]]:
    db = connection.settings_dict
    args = ["--host", db["HOST"] or "127.0.0.1", "--port", str(db["PORT"] or 5432)]
    if db["USER"]:
        args += ["--username", db["USER"]]
    env = os.environ | {"PGCONNECT_TIMEOUT": "10"}
    if db["PASSWORD"]:
        env["PGPASSWORD"] = db["PASSWORD"]
    return args, env


def run_program(argv: list[str], env: dict[str, str], what: str) -> None:
    result = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise BackupError(f"{what} failed: {result.stderr.strip()[-2000:]}")
