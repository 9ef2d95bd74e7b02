"""A lock file so that two crawls of one database never overlap (cron, systemd timers)."""
from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ..errors import LockedError, StoreError


def lock_path(db: str | Path, lock_file: str = "") -> Path:
    """The lock file: `lock_file` when set, else ``<db>.lock`` next to the database."""
    return Path(lock_file) if lock_file else Path(f"{db}.lock")


@contextmanager
def run_lock(path: str | Path) -> Iterator[Path]:
    """Hold an exclusive `fcntl` lock on `path` or raise `LockedError` at once.

    The kernel drops the lock when the process dies, however it dies, so a killed
    run never leaves a stale lock behind; the file itself stays (it holds the pid).
    """
    path = Path(path)
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise StoreError(f"cannot open lock file {path}: {exc}") from exc
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip() or "?"
            raise LockedError(f"another run holds {path} (pid {holder}); try again when it has finished") from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        yield path
    finally:
        os.close(fd)  # closing the descriptor releases the lock
