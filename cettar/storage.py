"""Where uploaded files live: one small interface, a local-disk implementation under the data
directory, and ``CETTAR_STORAGE`` to plug in another (object storage) without touching the callers.

A store keeps opaque bytes under a key such as ``photos/12/3f2a….jpg``. Keys are made by CETTAR,
never by a visitor; writing the same key twice with the same bytes is harmless (jobs and retried
requests may do it). A deployment with several web processes on several machines needs a store they
share (a network disk mounted at the same path, or an object store behind ``CETTAR_STORAGE``).
"""

from __future__ import annotations

import importlib
import os
import re
import tempfile
from functools import lru_cache
from pathlib import Path
from typing import Protocol

from cettar.settings import get_settings

_KEY = re.compile(r"^[a-z0-9][a-z0-9/_.-]{0,200}$")


class Storage(Protocol):
    def put(self, key: str, data: bytes, *, content_type: str) -> None: ...

    def get(self, key: str) -> bytes:
        """The bytes under ``key``; ``KeyError`` when there are none."""
        ...

    def delete(self, key: str) -> None:
        """Remove ``key``; nothing happens when it is not there."""
        ...


def checked_key(key: str) -> str:
    if not _KEY.match(key) or ".." in key or "//" in key:
        raise ValueError(f"not a storage key: {key!r}")
    return key


class LocalStorage:
    """Files under a directory (by default ``<data dir>/files``); written to a temporary name first,
    then renamed, so a reader never sees half a file."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, key: str) -> Path:
        return self.root / checked_key(key)

    def put(self, key: str, data: bytes, *, content_type: str) -> None:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".upload-")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(data)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    def get(self, key: str) -> bytes:
        try:
            return self._path(key).read_bytes()
        except FileNotFoundError:
            raise KeyError(key) from None

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)


@lru_cache(maxsize=1)
def _configured(name: str, root: str) -> Storage:
    if not name:
        return LocalStorage(Path(root))
    module, _, attribute = name.partition(":")
    if not attribute:
        raise ValueError(f"CETTAR_STORAGE must be 'package.module:attribute', not {name!r}")
    made = getattr(importlib.import_module(module), attribute)
    store = made() if callable(made) and not hasattr(made, "put") else made
    if not all(hasattr(store, method) for method in ("put", "get", "delete")):
        raise ValueError(f"CETTAR_STORAGE {name!r} has no put/get/delete")
    return store  # type: ignore[no-any-return]


def get_storage() -> Storage:
    settings = get_settings()
    return _configured(settings.storage, str((settings.data_dir / "files").resolve()))
