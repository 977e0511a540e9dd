"""Remote sources (any fsspec URL: s3://, gs://, http(s)://, ...): copied into a temporary
folder, loaded like local files, then named by their URL again (sources, messages)."""

from __future__ import annotations

import dataclasses
import posixpath
import tempfile
import warnings
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from ..run import Run
from ._io import LoadError

#: How deep a remote folder is copied (as deep as `load_runs` looks in local folders).
MAX_DEPTH = 4
#: Protocols whose "folders" are never listed (a URL ending in "/" is a folder there).
_NO_LISTING = ("http", "https")


def _filesystem(url: str, storage_options: Mapping[str, Any] | None) -> tuple[Any, str]:
    """(fsspec filesystem, path inside it) for `url`; a missing backend is a LoadError."""
    try:
        import fsspec
    except ImportError as exc:  # pragma: no cover - fsspec is a dependency
        raise LoadError(f"{url}: reading URLs needs fsspec (pip install fsspec)") from exc
    try:
        return fsspec.core.url_to_fs(url, **dict(storage_options or {}))
    except ImportError as exc:
        raise LoadError(
            f"{url}: this kind of URL needs an extra package ({exc}); e.g. pip install s3fs "
            "for s3://, gcsfs for gs://, adlfs for az://"
        ) from exc
    except ValueError as exc:
        raise LoadError(f"{url}: not a URL fsspec can read ({exc})") from exc


def _basename(url: str) -> str:
    """The last path component of a URL, without query or fragment."""
    path = urlsplit(url).path.rstrip("/")
    return posixpath.basename(path) or "remote"


def stage(url: str, storage_options: Mapping[str, Any] | None, into: Path) -> Path:
    """Copy the file or folder at `url` into the folder `into`; the local copy's path.

    A folder is copied with its files (down to `MAX_DEPTH` levels), so that an LLMeter run
    folder (responses.jsonl, summary.json) loads as it would from disk.
    """
    fs, root = _filesystem(url, storage_options)
    protocol = fs.protocol[0] if isinstance(fs.protocol, (tuple, list)) else fs.protocol
    name = _basename(url)
    local = into / name
    try:
        folder = url.endswith("/") if protocol in _NO_LISTING else fs.isdir(root)
        if folder:
            files = fs.find(root, maxdepth=MAX_DEPTH)
            if not files:
                raise LoadError(f"{url}: the folder is empty or does not exist")
            base = root.rstrip("/")
            local.mkdir(parents=True)
            for remote in files:
                relative = posixpath.relpath(remote, base)
                target = local.joinpath(*relative.split("/"))
                target.parent.mkdir(parents=True, exist_ok=True)
                fs.get_file(remote, str(target))
        else:
            if protocol not in _NO_LISTING and not fs.exists(root):
                raise LoadError(f"{url}: no such file or folder")
            fs.get_file(root, str(local))
    except LoadError:
        raise
    except FileNotFoundError:
        raise LoadError(f"{url}: no such file or folder") from None
    except Exception as exc:
        raise LoadError(f"{url}: cannot download it ({type(exc).__name__}: {exc})") from exc
    return local


def load_remote(
    url: str,
    storage_options: Mapping[str, Any] | None,
    load_local: Callable[[Path], list[Run]],
) -> list[Run]:
    """The runs at `url`: staged in a temporary folder, loaded by `load_local`; sources and
    warning/error messages name the URL, not the temporary copy."""
    with tempfile.TemporaryDirectory(prefix="tpot_widget_remote_") as tmp:
        local = stage(url, storage_options, Path(tmp))
        base_url = url.rstrip("/")

        def rename(text: str) -> str:
            return text.replace(str(local), base_url)

        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                runs = load_local(local)
            except LoadError as exc:
                raise LoadError(rename(str(exc))) from None
    for warning in caught:
        warnings.warn_explicit(
            rename(str(warning.message)),
            warning.category,
            warning.filename,
            warning.lineno,
        )
    return [
        dataclasses.replace(run, source=rename(run.source)) if run.source else run for run in runs
    ]


__all__ = ["load_remote", "stage"]
