"""Paths as plain strings: the few things pathlib did for a `check`, without
importing pathlib (a plain check of one file would spend several percent of
its time on that import alone).

Every function takes a ``str`` or an ``os.PathLike`` and returns ``str``.
"""

from __future__ import annotations

import errno
import os
from typing import TYPE_CHECKING, Iterator

if TYPE_CHECKING:  # for annotations only: building the Union at run time compiles its string (2 ms)
    from typing import Union

    PathLike = Union[str, "os.PathLike[str]"]

# the errors Path.exists, Path.is_file and Path.is_dir read as "not there"
_GONE = {errno.ENOENT, errno.ENOTDIR, errno.EBADF, errno.ELOOP}


def clean(path: PathLike) -> str:
    """``str(Path(path))``: the path as it is shown, with ``.`` parts,
    doubled and trailing separators dropped (``./a//b/`` is ``a/b``; ``..``
    is kept, as the file system reads it through symlinks)."""
    path = os.fspath(path)
    if os.sep != "/":  # pragma: no cover - drives and UNC shares: pathlib knows them
        from pathlib import PurePath

        return str(PurePath(path))
    # POSIX keeps exactly two leading slashes, three or more are one
    root = "//" if path.startswith("//") and not path.startswith("///") else "/" if path.startswith("/") else ""
    return root + "/".join(p for p in path.split("/") if p and p != ".") or "."


def lookup(path: str) -> os.stat_result | None:
    """``os.stat``, None for a path that is not there as ``Path.exists`` and
    ``Path.is_dir`` read it; any other error is raised, as they raise it (a
    name too long, a folder that may not be searched)."""
    try:
        return os.stat(path)
    except ValueError:  # a NUL byte
        return None
    except OSError as exc:
        if exc.errno in _GONE:
            return None
        raise


def posix(path: str) -> str:
    """``Path(path).as_posix()`` of a clean path."""
    return path if os.sep == "/" else path.replace(os.sep, "/")


def folders(path: str) -> Iterator[str]:
    """An absolute, clean ``path`` and each folder above it, up to the root."""
    while True:
        yield path
        parent = os.path.dirname(path)
        if parent == path:
            return
        path = parent


def parent(path: PathLike) -> str:
    """The folder of ``path``, made absolute."""
    return os.path.dirname(os.path.abspath(path))


def relative(path: str, top: str) -> str | None:
    """``Path(path).relative_to(top)``: ``path`` below the folder ``top`` (both
    absolute and clean), ``.`` for ``top`` itself; None when it is not below."""
    if path == top:
        return "."
    prefix = top if top.endswith(os.sep) else top + os.sep
    return path[len(prefix):] if path.startswith(prefix) else None


def inside(path: str, top: str) -> bool:
    """Whether ``path`` is ``top`` or below it (both absolute and clean)."""
    return relative(path, top) is not None


def shown(path: PathLike, *, real: bool = False) -> str:
    """``path`` as the user would type it: relative to the working directory
    when below it (after resolving symlinks with ``real``), else as given."""
    try:
        full = os.path.realpath(path) if real else os.path.abspath(path)
        rel = relative(full, os.getcwd())
    except (OSError, ValueError):  # OSError: the working directory was removed
        rel = None
    return os.fspath(path) if rel is None else rel
