"""Writing outputs safely: a reader sees the old file or the new one, never half of either.

- A regular file (or a new path) is written to a hidden temporary file beside it, then renamed over it.
- A symbolic link is followed: its target is replaced the same way and the link stays a link.
- A FIFO, a character device (``/dev/null``, a terminal) or a socket is written through, as it is.
- A directory, a missing folder that cannot be made, or a path without permission is a one-line
  :class:`OutputError`.

A temporary file carries the writer's process id; one left by a process that was killed is removed
by the next write beside it. A folder of outputs (``fmkg build``) is written into a staging folder
and swapped in at once (:func:`staged_dir`).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from fmkg.errors import FmkgError


class OutputError(FmkgError):
    """An output path that cannot be written."""

    def __init__(self, path: Path | str, message: str) -> None:
        super().__init__(f"{path}: {message}")


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _why(exc: OSError) -> str:
    return exc.strerror or type(exc).__name__


def process_alive(pid: int) -> bool:
    """Whether a process with this id still runs (the writer of a temporary file, the builder of a store)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _sweep(folder: Path, name: str) -> None:
    """Remove temporary files of ``name`` left in ``folder`` by writers that no longer run."""
    with contextlib.suppress(OSError):
        for leftover in folder.glob(f".{name}.*.tmp"):
            parts = leftover.name[len(name) + 2 :].split(".")
            if parts and parts[0].isdigit() and int(parts[0]) != os.getpid() and not process_alive(int(parts[0])):
                leftover.unlink(missing_ok=True)


def _target(path: Path) -> tuple[Path, bool]:
    """Where to write, and whether to write through (special files) instead of replacing."""
    try:
        info = path.stat()  # follows links: a link's target is what gets written
    except FileNotFoundError:
        if path.is_symlink():  # a dangling link: write its target
            return path.resolve(), False
        return path, False
    except OSError as exc:
        raise OutputError(path, f"cannot write: {_why(exc)}") from None
    if stat.S_ISDIR(info.st_mode):
        raise OutputError(path, "is a directory: give a file name")
    if stat.S_ISREG(info.st_mode):
        return path.resolve() if path.is_symlink() else path, False
    return path, True  # FIFO, device, socket


@contextlib.contextmanager
def open_output(path: Path | str) -> Iterator[IO[bytes]]:
    """A binary file to write ``path`` through; it replaces ``path`` only when the block ends without error."""
    target, through = _target(Path(path))
    if through:
        try:
            fh = target.open("wb")
        except OSError as exc:
            raise OutputError(path, f"cannot write: {_why(exc)}") from None
        try:
            with fh:  # closing flushes: a full device (/dev/full) fails here
                yield fh
        except OSError as exc:
            raise OutputError(path, f"cannot write: {_why(exc)}") from None
        return
    folder = target.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise OutputError(path, f"cannot write: {folder} is not a directory") from None
    except OSError as exc:
        raise OutputError(path, f"cannot make its folder: {_why(exc)}") from None
    _sweep(folder, target.name)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.{os.getpid()}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise OutputError(path, f"cannot write: {_why(exc)}") from None
    try:
        mode = target.stat().st_mode & 0o7777 if target.exists() else 0o666 & ~_umask()
        os.fchmod(fd, mode)
        with os.fdopen(fd, "wb") as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        Path(tmp).replace(target)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise OutputError(path, f"cannot write: {_why(exc)}") from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_atomic(path: Path | str, data: str | bytes) -> None:
    """Write ``data`` (text as UTF-8) to ``path`` as :func:`open_output` does."""
    with open_output(path) as fh:
        fh.write(data.encode("utf-8") if isinstance(data, str) else data)


# --- folders ---------------------------------------------------------------------------------------------


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically (Linux ``renameat2(RENAME_EXCHANGE)``); False where that is not available."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    result = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange)
    return bool(result == 0)


@contextlib.contextmanager
def staged_dir(target: Path) -> Iterator[Path]:
    """A staging folder to fill; when the block ends without error it replaces ``target`` in one step.

    Readers of ``target`` see the old folder or the new one, never a mix. A staging folder left by a
    killed process is removed by the next build.
    """
    target = Path(target)
    parent = target.parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(target, f"cannot make its folder: {_why(exc)}") from None
    if target.exists() and not target.is_dir():
        raise OutputError(target, "is not a directory")
    with contextlib.suppress(OSError):
        for leftover in parent.glob(f".{target.name}.*.staging"):
            pid = leftover.name[len(target.name) + 2 :].split(".")[0]
            if pid.isdigit() and not process_alive(int(pid)):
                shutil.rmtree(leftover, ignore_errors=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.{os.getpid()}.", suffix=".staging", dir=parent))
    try:
        yield staging
        if target.exists():
            for extra in target.iterdir():  # files the build does not make (a README, .gitattributes) stay
                if not (staging / extra.name).exists():
                    if extra.is_dir():
                        shutil.copytree(extra, staging / extra.name, symlinks=True)
                    else:
                        shutil.copy2(extra, staging / extra.name, follow_symlinks=False)
            if not _exchange(staging, target):
                old = staging.with_suffix(".old")
                target.rename(old)
                staging.rename(target)
                staging = old
        else:
            staging.rename(target)
            return
    finally:
        shutil.rmtree(staging, ignore_errors=True)
