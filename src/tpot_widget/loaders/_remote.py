"""Remote sources (any fsspec URL: s3://, gs://, http(s)://, ...): copied into a temporary
folder, loaded like local files, then named by their URL again (sources, messages).

An http(s) server that stops answering fails the load after `DEFAULT_TIMEOUT` seconds of
silence (aiohttp's connect and read timeouts, through fsspec's ``client_kwargs``)."""

from __future__ import annotations

import asyncio
import dataclasses
import math
import numbers
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
#: Seconds an http(s) server may take to accept a connection, and to send the next piece of
#: data once it has (a slow download that keeps sending is never cut).
DEFAULT_TIMEOUT = 30.0
#: How a file served as a web page begins (a folder listing, a login or error page...).
_HTML_STARTS = (b"<!doctype html", b"<html")


def check_timeout(timeout: Any) -> float | None:
    """`timeout` as float seconds (None: wait forever); anything but a positive number is a
    ValueError that says so."""
    if timeout is None:
        return None
    if (
        not isinstance(timeout, numbers.Real)
        or isinstance(timeout, bool)
        or not math.isfinite(timeout)
        or timeout <= 0
    ):
        raise ValueError(
            f"timeout={timeout!r}: a timeout is a positive number of seconds (e.g. 30), or "
            "None to wait forever"
        )
    return float(timeout)


def _options(
    url: str, storage_options: Mapping[str, Any] | None, timeout: float | None
) -> tuple[dict[str, Any], str]:
    """fsspec's options for `url` (`storage_options`, plus, for http(s), aiohttp timeouts of
    `timeout` seconds to connect and between reads unless client_kwargs sets its own), and
    how a timeout message names the limit."""
    options = dict(storage_options or {})
    client_kwargs = dict(options.get("client_kwargs") or {})
    if "timeout" in client_kwargs:
        return options, "the timeout of storage_options' client_kwargs"
    if urlsplit(url).scheme.lower() not in _NO_LISTING:
        return options, "the time allowed"
    import aiohttp

    # total=None: a big download that keeps sending is never cut (aiohttp's default is 5 min)
    client_kwargs["timeout"] = aiohttp.ClientTimeout(
        total=None, sock_connect=timeout, sock_read=timeout
    )
    options["client_kwargs"] = client_kwargs
    return options, "the time allowed" if timeout is None else f"{timeout:g} s"


def _is_timeout(exc: BaseException) -> bool:
    """True for the timeouts of aiohttp, asyncio and fsspec (alone or as a cause)."""
    from fsspec.exceptions import FSTimeoutError

    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, (asyncio.TimeoutError, TimeoutError, FSTimeoutError)):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def _filesystem(url: str, options: Mapping[str, Any]) -> tuple[Any, str]:
    """(fsspec filesystem, path inside it) for `url`; a missing backend is a LoadError."""
    try:
        import fsspec
    except ImportError as exc:  # pragma: no cover - fsspec is a dependency
        raise LoadError(f"{url}: reading URLs needs fsspec (pip install fsspec)") from exc
    try:
        return fsspec.core.url_to_fs(url, **options)
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


def stage(
    url: str,
    storage_options: Mapping[str, Any] | None,
    into: Path,
    *,
    timeout: float | None = DEFAULT_TIMEOUT,
) -> Path:
    """Copy the file or folder at `url` into the folder `into`; the local copy's path.

    A folder is copied with its files (down to `MAX_DEPTH` levels), so that an LLMeter run
    folder (responses.jsonl, summary.json) loads as it would from disk. An http(s) server
    silent for `timeout` seconds is a LoadError naming the URL.
    """
    options, limit = _options(url, storage_options, check_timeout(timeout))
    fs, root = _filesystem(url, options)
    protocol = fs.protocol[0] if isinstance(fs.protocol, (tuple, list)) else fs.protocol
    name = _basename(url)
    local = into / name
    try:
        folder = url.endswith("/") if protocol in _NO_LISTING else fs.isdir(root)
        if folder:
            base = root.rstrip("/")
            # on_error="raise": a listing that fails (a timeout...) is an error, not an empty
            # folder; fsspec lists a page without links as the page itself: no file either
            listed = fs.find(root, maxdepth=MAX_DEPTH, on_error="raise")
            files = [f for f in listed if f.rstrip("/") != base]
            if not files:
                raise LoadError(
                    f"{url}: found no file in this folder (it is empty or does not exist"
                    + (", or the server does not list it" if protocol in _NO_LISTING else "")
                    + ")"
                )
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
            if protocol in _NO_LISTING:
                _refuse_web_page(url, local)
    except LoadError:
        raise
    except FileNotFoundError:
        raise LoadError(f"{url}: no such file or folder") from None
    except Exception as exc:
        if _is_timeout(exc):
            raise LoadError(
                f"{url}: no answer from the server within {limit}, so the download was "
                "stopped; check the server, or allow more time ("
                + (
                    "that timeout"
                    if "client_kwargs" in limit
                    else "timeout= of load_runs / load_run, --timeout of tpot-compare"
                )
                + ")"
            ) from None
        reason = str(exc).replace(str(into), "<download folder>")
        raise LoadError(f"{url}: cannot download it ({type(exc).__name__}: {reason})") from exc
    return local


def _refuse_web_page(url: str, local: Path) -> None:
    """A LoadError when the server sent an HTML page instead of a file: a folder URL without
    its final "/" (the page is the folder's listing), or a web view of a file."""
    with open(local, "rb") as f:
        head = f.read(1024).lstrip().lower()
    if head.startswith(_HTML_STARTS):
        raise LoadError(
            f"{url}: the server sent a web page (HTML), not a benchmark output. For a folder, "
            f"end the URL with '/' ({url.rstrip('/')}/) to load the files it lists; for a file "
            "shown on a web site (e.g. GitHub), use its raw download URL"
        )


def load_remote(
    url: str,
    storage_options: Mapping[str, Any] | None,
    load_local: Callable[[Path], list[Run]],
    *,
    timeout: float | None = DEFAULT_TIMEOUT,
) -> list[Run]:
    """The runs at `url`: staged in a temporary folder, loaded by `load_local`; sources and
    warning/error messages name the URL, not the temporary copy."""
    with tempfile.TemporaryDirectory(prefix="tpot_widget_remote_") as tmp:
        local = stage(url, storage_options, Path(tmp), timeout=timeout)
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


__all__ = ["DEFAULT_TIMEOUT", "check_timeout", "load_remote", "stage"]
