"""`backup_create`: the database and the media folder in one archive (format in archive.py)."""

from __future__ import annotations

import io
import json
import os
import sqlite3
import tarfile
import tempfile
from pathlib import Path

from django.db import connection
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from byline.accounts.models import User
from byline.comments.models import Comment
from byline.ops.archive import (
    DATABASE_FILES,
    FORMAT,
    MANIFEST,
    MEDIA,
    VERSION,
    byline_version,
    database_vendor,
    local_media_root,
    pg_environment,
    pg_program,
    run_program,
    sha256_of,
)
from byline.stories.models import Story


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
        args, env = pg_environment()
        run_program(
            [
                pg_program("pg_dump"),
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
    return {
        "users": User.objects.count(),
        "stories": Story.objects.count(),
        "comments": Comment.objects.count(),
    }


def backup_create(*, path: Path) -> dict:
    """Write a backup archive of the database and the media folder to `path` (created with
    owner-only permissions: it holds password hashes). Returns the manifest."""
    vendor = database_vendor()
    path = path.resolve()
    with tempfile.TemporaryDirectory(prefix="byline-backup-") as work:
        database_name = DATABASE_FILES[vendor]
        _dump_database(vendor, Path(work) / database_name)
        files = {database_name: sha256_of(Path(work) / database_name)}
        media_root = local_media_root()
        media_files: list[tuple[str, Path]] = []
        if media_root is not None and media_root.is_dir():
            for file in sorted(media_root.rglob("*")):
                if file.is_file() and not file.is_symlink():
                    name = f"{MEDIA}/{file.relative_to(media_root).as_posix()}"
                    media_files.append((name, file))
                    files[name] = sha256_of(file)
        manifest = {
            "format": FORMAT,
            "version": VERSION,
            "byline_version": byline_version(),
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
