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
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import zlib
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path, PurePosixPath

from django.core.files.storage import FileSystemStorage, storages
from django.core.management import call_command
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

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


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for chunk in iter(lambda: file.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _local_media_root() -> Path | None:
    """MEDIA_ROOT when media are stored on local disk, None with object storage."""
    storage = storages["default"]
    return Path(storage.location) if isinstance(storage, FileSystemStorage) else None


def _byline_version() -> str:
    try:
        return version("byline")
    except PackageNotFoundError:
        return "unknown"


def _vendor() -> str:
    if connection.vendor not in DATABASE_FILES:
        raise BackupError(f"Backups support SQLite and PostgreSQL, not {connection.vendor}.")
    return connection.vendor


# --- PostgreSQL client programs ------------------------------------------------------------


def _pg_program(name: str) -> str:
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


def _pg_environment() -> tuple[list[str], dict[str, str]]:
    db = connection.settings_dict
    args = ["--host", db["HOST"] or "127.0.0.1", "--port", str(db["PORT"] or 5432)]
    if db["USER"]:
        args += ["--username", db["USER"]]
    env = os.environ | {"PGCONNECT_TIMEOUT": "10"}
    if db["PASSWORD"]:
        env["PGPASSWORD"] = db["PASSWORD"]
    return args, env


def _run(argv: list[str], env: dict[str, str], what: str) -> None:
    result = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise BackupError(f"{what} failed: {result.stderr.strip()[-2000:]}")


# --- Backup ---------------------------------------------------------------------------------


def _dump_database(vendor: str, target: Path) -> None:
    if vendor == "sqlite":
        connection.ensure_connection()
        copy = sqlite3.connect(target)
        try:
            # The online backup API: a consistent snapshot while the site keeps serving.
            connection.connection.backup(copy)
        finally:
            copy.close()
    else:
        args, env = _pg_environment()
        _run(
            [
                _pg_program("pg_dump"),
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                "--file",
                str(target),
                *args,
                connection.settings_dict["NAME"],
            ],
            env,
            "pg_dump",
        )


def _counts() -> dict[str, int]:
    from byline.accounts.models import User
    from byline.comments.models import Comment
    from byline.stories.models import Story

    return {
        "users": User.objects.count(),
        "stories": Story.objects.count(),
        "comments": Comment.objects.count(),
    }


def backup_create(*, path: Path) -> dict:
    """Write a backup archive of the database and the media folder to `path` (created with
    owner-only permissions: it holds password hashes). Returns the manifest."""
    vendor = _vendor()
    path = path.resolve()
    with tempfile.TemporaryDirectory(prefix="byline-backup-") as work:
        database_name = DATABASE_FILES[vendor]
        _dump_database(vendor, Path(work) / database_name)
        files = {database_name: _sha256(Path(work) / database_name)}
        media_root = _local_media_root()
        media_files: list[tuple[str, Path]] = []
        if media_root is not None and media_root.is_dir():
            for file in sorted(media_root.rglob("*")):
                if file.is_file() and not file.is_symlink():
                    name = f"{MEDIA}/{file.relative_to(media_root).as_posix()}"
                    media_files.append((name, file))
                    files[name] = _sha256(file)
        manifest = {
            "format": FORMAT,
            "version": VERSION,
            "byline_version": _byline_version(),
            "vendor": vendor,
            "created_at": timezone.now().isoformat(),
            "migrations": sorted(
                f"{app}.{name}" for app, name in MigrationRecorder(connection).applied_migrations()
            ),
            "counts": _counts(),
            "media": "included" if media_root is not None else "not included (object storage)",
            "files": files,
        }
        partial = path.with_name(f".{path.name}.partial")
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            with os.fdopen(descriptor, "wb") as raw, tarfile.open(fileobj=raw, mode="w:gz") as tar:
                data = json.dumps(manifest, indent=2).encode()
                info = tarfile.TarInfo(MANIFEST)
                info.size, info.mtime, info.mode = len(data), int(timezone.now().timestamp()), 0o600
                tar.addfile(info, io.BytesIO(data))
                tar.add(Path(work) / database_name, arcname=database_name, recursive=False)
                for name, file in media_files:
                    tar.add(file, arcname=name, recursive=False)
            os.replace(partial, path)  # a crash never leaves a half-written archive as FILE
        finally:
            partial.unlink(missing_ok=True)
    return manifest


# --- Restore --------------------------------------------------------------------------------


def _safe_name(name: str) -> PurePosixPath:
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts or not path.parts or "\\" in name:
        raise BackupError(f"The archive is damaged or unsafe: it holds a file named {name!r}.")
    return path


def archive_open(*, path: Path, into: Path) -> Archive:
    """Check an archive completely and extract it into the folder `into`. Changes nothing else.
    Raises BackupError naming the problem."""
    try:
        tar = tarfile.open(path, mode="r:gz")  # noqa: SIM115 (closed by the `with` below)
    except FileNotFoundError:
        raise BackupError(f"{path} does not exist.") from None
    except (tarfile.TarError, OSError, EOFError) as error:
        raise BackupError(
            f"{path} is not a Byline backup (not a .tar.gz archive: {error})."
        ) from None
    with tar:
        try:
            member = tar.next()
            if member is None or member.name != MANIFEST or not member.isfile():
                raise BackupError(f"{path} is not a Byline backup (no manifest.json first).")
            manifest = json.loads(tar.extractfile(member).read())
            if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
                raise BackupError(f"{path} is not a Byline backup (unknown manifest).")
            if manifest.get("version") != VERSION:
                raise BackupError(
                    f"{path} is a version {manifest.get('version')} backup; this Byline reads "
                    f"version {VERSION}."
                )
            _check_compatible(manifest)
            expected: dict[str, str] = manifest["files"]
            seen: set[str] = set()
            for member in iter(tar.next, None):
                name = _safe_name(member.name)
                if member.isdir():
                    continue
                if not member.isfile():
                    raise BackupError(f"The archive is unsafe: {member.name} is not a plain file.")
                if member.name not in expected or member.name in seen:
                    raise BackupError(f"The archive is damaged: unexpected file {member.name}.")
                target = into.joinpath(*name.parts)
                target.parent.mkdir(parents=True, exist_ok=True)
                digest = hashlib.sha256()
                source = tar.extractfile(member)
                with target.open("wb") as out:
                    while chunk := source.read(1 << 20):
                        digest.update(chunk)
                        out.write(chunk)
                if digest.hexdigest() != expected[member.name]:
                    raise BackupError(
                        f"The archive is damaged: {member.name} does not match its checksum."
                    )
                seen.add(member.name)
        except (tarfile.TarError, OSError, EOFError, zlib.error) as error:
            raise BackupError(f"The archive is damaged (truncated or corrupt: {error}).") from None
        except (ValueError, KeyError, TypeError) as error:
            raise BackupError(f"The archive's manifest is damaged ({error}).") from None
    missing = sorted(set(expected) - seen)
    if missing:
        raise BackupError(f"The archive is incomplete: {', '.join(missing[:5])} missing.")
    return Archive(manifest=manifest, folder=into)


def _check_compatible(manifest: dict) -> None:
    vendor = _vendor()
    if manifest["vendor"] != vendor:
        raise BackupError(
            f"This archive holds a {VENDOR_NAMES.get(manifest['vendor'], manifest['vendor'])} "
            f"database, and this site runs on {VENDOR_NAMES[vendor]}: restore it on a site "
            f"with the same kind of database."
        )
    if DATABASE_FILES[vendor] not in manifest["files"]:
        raise BackupError("The archive is incomplete: it holds no database.")
    known = {f"{app}.{name}" for app, name in MigrationLoader(None).disk_migrations}
    unknown = sorted(set(manifest["migrations"]) - known)
    if unknown:
        raise BackupError(
            "This archive was made by a newer version of Byline (unknown migrations: "
            f"{', '.join(unknown[:5])}). Upgrade this site first."
        )
    if manifest["media"] == "included" and _local_media_root() is None:
        raise BackupError(
            "This archive holds a media folder but this site stores media in object storage: "
            "copy the archive's media/ folder to the bucket instead."
        )


def _restore_database(archive: Archive) -> None:
    if archive.manifest["vendor"] == "sqlite":
        connection.ensure_connection()
        source = sqlite3.connect(archive.database_file)
        try:
            # Page by page into the live database, as one write transaction: readers see the old
            # data or the new data, never a mix.
            source.backup(connection.connection)
        finally:
            source.close()
        return
    args, env = _pg_environment()
    script = archive.folder / "restore.sql"
    _run(
        [
            _pg_program("pg_restore"),
            "--no-owner",
            "--no-privileges",
            "--file",
            str(script),
            str(archive.database_file),
        ],
        env,
        "pg_restore",
    )
    tables = connection.introspection.table_names()
    drop = archive.folder / "drop.sql"
    quote = connection.ops.quote_name
    drop.write_text("".join(f"DROP TABLE IF EXISTS {quote(t)} CASCADE;\n" for t in tables))
    connection.close()  # hold no lock on what is about to be replaced
    # Dropping the current tables and loading the archive is one transaction: if anything
    # fails, the database is left exactly as it was.
    _run(
        [
            _pg_program("psql"),
            "--no-psqlrc",
            "--quiet",
            "--set",
            "ON_ERROR_STOP=1",
            "--single-transaction",
            *args,
            "--dbname",
            connection.settings_dict["NAME"],
            "--file",
            str(drop),
            "--file",
            str(script),
        ],
        env,
        "Loading the database",
    )


def _restore_media(archive: Archive) -> None:
    media_root = _local_media_root()
    if archive.media_folder is None or media_root is None:
        return
    incoming = archive.media_folder
    incoming.mkdir(exist_ok=True)  # an archive of a site without uploads has no media files
    media_root.parent.mkdir(parents=True, exist_ok=True)
    staged = Path(tempfile.mkdtemp(prefix=".media-restoring-", dir=media_root.parent))
    shutil.copytree(incoming, staged, dirs_exist_ok=True)
    retired = media_root.with_name(f".media-replaced-{os.getpid()}")
    if media_root.exists():
        os.replace(media_root, retired)
    os.replace(staged, media_root)
    shutil.rmtree(retired, ignore_errors=True)


def backup_restore(*, archive: Archive) -> None:
    """Replace the database and the media folder with a checked archive's."""
    _restore_database(archive)
    _restore_media(archive)
    # An archive from an older Byline: bring its schema up to this version.
    call_command("migrate", interactive=False, verbosity=0)
