"""Restoring an archive: everything is checked before anything changes (archive.py says how)."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import tarfile
import tempfile
import zlib
from pathlib import Path, PurePosixPath

from django.core.management import call_command
from django.db import connection
from django.db.migrations.loader import MigrationLoader

from byline.ops.archive import (
    DATABASE_FILES,
    FORMAT,
    MANIFEST,
    VENDOR_NAMES,
    VERSION,
    Archive,
    BackupError,
    database_vendor,
    local_media_root,
    pg_environment,
    pg_program,
    run_program,
)


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
    vendor = database_vendor()
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
    if manifest["media"] == "included" and local_media_root() is None:
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
    args, env = pg_environment()
    script = archive.folder / "restore.sql"
    run_program(
        [
            pg_program("pg_restore"),
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
    run_program(
        [
            pg_program("psql"),
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
    media_root = local_media_root()
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
