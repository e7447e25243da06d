"""Media storage on local disk that never leaves a half-written file behind.

Django's FileSystemStorage writes straight to the final name, so a full disk (ENOSPC) in the
middle of a write leaves a truncated file there. Here every file is written under a temporary
name in the same folder and linked into place only once it is complete; on any error the
temporary file is removed and the error goes on to the caller (byline.core.images turns "no
space" into a clear message). An S3-compatible bucket needs none of this: an object appears
whole or not at all.
"""

from __future__ import annotations

import contextlib
import os
import secrets

from django.core.files import locks
from django.core.files.storage import FileSystemStorage


class MediaFileSystemStorage(FileSystemStorage):
    def _save(self, name, content):
        full_path = self.path(name)
        directory = os.path.dirname(full_path)
        self._make_directory(directory)
        while True:
            partial = os.path.join(directory, f".partial-{secrets.token_hex(8)}")
            try:
                self._write_partial(partial, content)
            except BaseException:
                _remove(partial)
                raise
            try:
                # link, unlike rename, refuses to replace an existing file (as O_EXCL does).
                os.link(partial, full_path)
            except FileExistsError:
                _remove(partial)
                name = self.get_available_name(name)
                full_path = self.path(name)
                continue
            except BaseException:
                _remove(partial)
                raise
            _remove(partial)
            break
        if self.file_permissions_mode is not None:
            os.chmod(full_path, self.file_permissions_mode)
        return str(name).replace("\\", "/")

    def _make_directory(self, directory: str) -> None:
        if self.directory_permissions_mode is not None:
            # As Django does: os.makedirs applies the umask, so clear it for the exact mode.
            old_umask = os.umask(0o777 & ~self.directory_permissions_mode)
            try:
                os.makedirs(directory, self.directory_permissions_mode, exist_ok=True)
            finally:
                os.umask(old_umask)
        else:
            os.makedirs(directory, exist_ok=True)

    @staticmethod
    def _write_partial(path: str, content) -> None:
        # 0o666 minus the umask, like Django's own writes (mkstemp would make it 0o600).
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
        with os.fdopen(fd, "wb") as handle:
            locks.lock(handle, locks.LOCK_EX)
            for chunk in content.chunks():
                handle.write(chunk if isinstance(chunk, bytes) else chunk.encode())
            handle.flush()  # a full disk shows here at the latest, before the file is linked


def _remove(path: str) -> None:
    with contextlib.suppress(FileNotFoundError):
        os.remove(path)
