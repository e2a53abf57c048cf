"""Finding roadmap files, reading them, and writing fixes back atomically."""

from __future__ import annotations

import os
import re
import stat
from typing import TYPE_CHECKING, Iterator

from .lazyre import lazy
from .paths import clean, folders, lookup, posix
from .source import Source, SourceError

if TYPE_CHECKING:
    from .paths import PathLike

ROADMAP_NAME = lazy(r"roadmap\.(md|markdown|mdown|mkd)$", re.I)
SKIP_DIRS = {
    ".git", ".hg", ".svn", "node_modules", ".venv", "venv", ".tox", ".nox",
    "__pycache__", "site-packages", ".mypy_cache", ".pytest_cache", ".ruff_cache",
}

class FileError(Exception):
    """A path that cannot be read or written; the message is one line."""


def discover(paths: list[PathLike]) -> list[str]:
    """Files to check: file arguments as given (as :func:`paths.clean` shows
    them), directories searched for roadmap files. Raises FileError for a
    path that does not exist or cannot be looked up."""
    out: list[str] = []
    for path in map(clean, paths):
        try:
            st = lookup(path)
        except OSError as exc:  # a name too long, a folder that may not be searched
            raise FileError(f"{path}: {exc.strerror or exc}") from None
        if st is not None and stat.S_ISDIR(st.st_mode):
            out.extend(_ignored_removed(path, sorted(_walk(path), key=_parts)))
        elif st is not None or os.path.islink(path):
            out.append(path)
        else:
            raise FileError(f"{path}: no such file or directory")
    seen = set()
    return [p for p in out if not (p in seen or seen.add(p))]  # type: ignore[func-returns-value]


def excluded(path: PathLike, patterns: list[tuple[str, str]]) -> bool:
    """Whether a gitignore-style pattern excludes ``path``: ``(folder,
    pattern)`` pairs, each pattern relative to its folder. A pattern with no
    ``/`` but a trailing one matches a file or folder name at any depth
    (``archive``, ``*.draft.md``); one with a ``/`` is anchored at its folder
    (``docs/old/*.md``, ``/ROADMAP.md``); a trailing ``/`` matches folders
    only. A folder that matches excludes everything below it."""
    from .config import glob_match

    full = os.path.abspath(path)
    for base, pattern in patterns:
        rel = os.path.relpath(full, os.path.abspath(base or "."))
        if rel.startswith(".."):
            continue
        parts = posix(rel).split("/")
        folder_only = pattern.endswith("/")
        pat = pattern.rstrip("/")
        anchored = "/" in pat
        pat = pat.lstrip("/")
        # the path's folders, then the path itself (a folder-only pattern
        # never matches the file)
        for n in range(1, len(parts) + (0 if folder_only else 1)):
            if glob_match("/".join(parts[:n]) if anchored else parts[n - 1], pat):
                return True
    return False


def _parts(path: str) -> tuple[str, ...]:
    """The sort key pathlib gave the found files: their parts in order."""
    return tuple(path.split(os.sep))


def _walk(top: str) -> Iterator[str]:
    def failed(exc: OSError) -> None:
        # the folder named on the command line must be readable; one inside
        # it that cannot be listed is passed over, as git passes over it
        if exc.filename == top:
            raise FileError(f"{top}: {exc.strerror or exc}")

    # os.walk does not follow directory symlinks, so a symlink loop is harmless
    for root, dirs, files in os.walk(top, onerror=failed):
        dirs[:] = sorted(
            d for d in dirs
            if d not in SKIP_DIRS and not os.path.exists(os.path.join(root, d, "pyvenv.cfg"))
        )
        for name in files:
            if ROADMAP_NAME.fullmatch(name):
                yield clean(os.path.join(root, name))


def _ignored_removed(top: str, found: list[str]) -> list[str]:
    """Drop what .gitignore ignores, asking git when the tree is a repository."""
    if not found or not _in_git(top):
        return found
    import subprocess  # only when a directory is searched

    try:
        proc = subprocess.run(
            ["git", "check-ignore", "--stdin", "-z"],
            input="\0".join(str(p) for p in found).encode(),
            cwd=top,
            capture_output=True,
            timeout=10,
        )
    except (OSError, subprocess.SubprocessError):
        return found
    ignored = {clean(p) for p in proc.stdout.decode(errors="replace").split("\0") if p}
    return [p for p in found if p not in ignored]


def _in_git(path: str) -> bool:
    return any(os.path.exists(os.path.join(p, ".git")) for p in folders(os.path.realpath(path)))


def read(path: PathLike) -> Source:
    path = os.fspath(path)
    try:
        st = os.stat(path)
        if not stat.S_ISREG(st.st_mode):
            kind = "a directory" if stat.S_ISDIR(st.st_mode) else "not a regular file"
            raise FileError(f"{path}: {kind}")
        with open(path, "rb") as fh:
            data = fh.read()
    except FileError:
        raise
    except OSError as exc:
        raise FileError(f"{path}: {exc.strerror or exc}") from None
    try:
        return Source.from_bytes(data, path)
    except SourceError as exc:
        raise FileError(f"{path}: {exc}") from None


def write(path: PathLike, source: Source) -> bool:
    """Write ``source`` over ``path``, keeping the file's identity: its mode,
    owner and group, every hard link (a file with several names is written
    in place), a symlink's target. A single-link file is replaced atomically.
    Returns False (and writes nothing) when the bytes would not change.
    Raises FileError for a file without write permission, or a failed write
    (no temporary file is left behind)."""
    import tempfile

    path = os.fspath(path)
    data = source.to_bytes()
    try:
        with open(path, "rb") as fh:
            old = fh.read()
        if old == data:
            return False
        target = os.path.realpath(path)  # write through a symlink, not over it
        st = os.stat(target)
    except OSError as exc:
        raise FileError(f"{path}: cannot write: {exc.strerror or exc}") from None
    if not st.st_mode & 0o222:
        # root may write anyway: a file nobody may write is kept as it is
        raise FileError(f"{path}: cannot write: the file is read-only")
    if not os.access(target, os.W_OK):
        raise FileError(f"{path}: cannot write: permission denied")
    if st.st_nlink > 1:
        _write_in_place(path, target, data, old)
        return True
    try:
        folder, name = os.path.split(target)
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{name}.", suffix=".tmp")
    except PermissionError:
        # the file may be written, its directory not: write in place
        _write_in_place(path, target, data, old)
        return True
    except OSError as exc:
        raise FileError(f"{path}: cannot write: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
            os.chmod(tmp, stat.S_IMODE(st.st_mode))
            if hasattr(os, "chown") and (st.st_uid, st.st_gid) != _owner(tmp):
                try:
                    os.chown(tmp, st.st_uid, st.st_gid)
                except PermissionError:
                    # only the owner's own account (or root) may give the
                    # file back: write in place, which keeps the owner
                    os.unlink(tmp)
                    tmp = ""
        if not tmp:
            _write_in_place(path, target, data, old)
            return True
        os.replace(tmp, target)
    except BaseException as exc:
        if tmp:
            try:
                os.unlink(tmp)
            except OSError:
                pass
        if isinstance(exc, OSError):
            raise FileError(f"{path}: cannot write: {exc.strerror or exc}") from None
        raise
    return True


def _owner(path: str) -> tuple[int, int]:
    st = os.stat(path)
    return st.st_uid, st.st_gid


def _write_in_place(path: str, target: str, data: bytes, old: bytes) -> None:
    """Overwrite the file's bytes (its inode, so every hard link sees them);
    after a failed write, put the old bytes back as well as the disk allows."""
    try:
        fh = open(target, "r+b")
    except OSError as exc:
        raise FileError(f"{path}: cannot write: {exc.strerror or exc}") from None
    with fh:
        try:
            fh.write(data)
            fh.truncate()
            fh.flush()
            os.fsync(fh.fileno())
        except OSError as exc:
            try:
                fh.seek(0)
                fh.write(old)
                fh.truncate()
                fh.flush()
            except OSError:
                pass
            raise FileError(f"{path}: cannot write: {exc.strerror or exc}") from None
