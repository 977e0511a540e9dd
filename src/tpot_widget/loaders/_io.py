"""The one way every loader opens a file: regular files only, compression found from the
magic bytes, UTF-8 with or without a BOM, remote URLs staged through fsspec, and a progress
bar for loads slow enough to need one.

Public helpers (used by every loader module, kept stable): `LoadError`, `check_file`,
`open_data`, `DataFile`, `read_head`, `data_name`, `data_stem`, `find_member`,
`progress`, `is_url`, `file_url_path`.
"""

from __future__ import annotations

import bz2
import errno
import gzip
import lzma
import os
import re
import stat
from collections.abc import Iterable
from pathlib import Path
from typing import Any, BinaryIO, TypeVar, cast

T = TypeVar("T")


class LoadError(ValueError):
    """A benchmark file or folder that cannot be read; the message says where and what to do."""


#: File-name endings of the compressions `open_data` reads (the content decides, not the name).
COMPRESSED_SUFFIXES: tuple[str, ...] = (".gz", ".bz2", ".xz", ".zst", ".zstd")
#: Magic bytes → compression.
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x1f\x8b", "gzip"),
    (b"BZh", "bz2"),
    (b"\xfd7zXZ\x00", "xz"),
    (b"\x28\xb5\x2f\xfd", "zstd"),
)
_UTF8_BOM = b"\xef\xbb\xbf"
#: How many bytes of a file detection looks at.
HEAD_BYTES = 1 << 16
#: A progress bar appears only when a load takes longer than this (seconds).
PROGRESS_DELAY = 1.5


def _kind(mode: int) -> str:
    """'a named pipe (FIFO)', 'a socket', ... for a non-regular file's mode."""
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a regular file"


def stat_path(path: Path | str) -> os.stat_result:
    """`os.stat` (following links) with a LoadError that names the path: "no such file or
    folder", "symlink loop", "broken symlink", or the OS's reason."""
    try:
        return os.stat(path)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise LoadError(
                f"{path}: symlink loop (the link leads back to itself); fix or remove the link"
            ) from None
        if exc.errno in (errno.ENOENT, errno.ENOTDIR):
            if os.path.islink(path):
                target = os.readlink(path)
                raise LoadError(
                    f"{path}: broken symlink (points to {target}, which is missing)"
                ) from None
            raise LoadError(f"{path}: no such file or folder") from None
        raise LoadError(f"{path}: cannot read it ({exc.strerror})") from None


def check_file(path: Path | str) -> os.stat_result:
    """The stat of `path` when it is a regular file (links followed); anything else (folder,
    FIFO, socket, device, missing, symlink loop) is a LoadError naming it. Never opens it."""
    st = stat_path(path)
    if not stat.S_ISREG(st.st_mode):
        raise LoadError(
            f"{path}: is {_kind(st.st_mode)}, not a regular file; it is not opened "
            "(a benchmark output is a file or a folder of files)"
        )
    return st


def is_dir(path: Path | str) -> bool:
    """True for a folder (links followed); a missing path or symlink loop is a LoadError."""
    return stat.S_ISDIR(stat_path(path).st_mode)


def is_regular_file(path: Path | str) -> bool:
    """True for a regular file (links followed); False for anything else, errors included."""
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except OSError:
        return False


def compression_of(head: bytes) -> str | None:
    """'gzip', 'bz2', 'xz', 'zstd' from a file's first bytes; None for plain content."""
    for magic, name in _MAGIC:
        if head.startswith(magic):
            return name
    return None


def _decompressor(raw: BinaryIO, kind: str) -> BinaryIO:
    """A reader of the decompressed bytes of `raw`."""
    if kind == "gzip":
        return cast(BinaryIO, gzip.GzipFile(fileobj=raw, mode="rb"))
    if kind == "bz2":
        return cast(BinaryIO, bz2.BZ2File(raw, mode="rb"))
    if kind == "xz":
        return cast(BinaryIO, lzma.LZMAFile(raw, mode="rb"))
    import zstandard

    return zstandard.ZstdDecompressor().stream_reader(raw, read_across_frames=True)


class DataFile:
    """A benchmark file opened for reading its (decompressed, BOM-less) bytes.

    `readinto` fills the whole buffer unless the data ends; `position()` is how far into
    the file on disk the reading is (for progress); `size` is the size on disk;
    `compression` is None for plain files.
    """

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self.size = check_file(self.path).st_size
        try:
            self._raw: BinaryIO = open(self.path, "rb", buffering=0)  # noqa: SIM115
        except OSError as exc:
            raise LoadError(f"{self.path}: cannot read the file ({exc.strerror})") from exc
        try:
            magic = self._raw.read(8)
            self._raw.seek(0)
            self.compression = compression_of(magic)
            self._stream: BinaryIO = (
                self._raw
                if self.compression is None
                else _decompressor(self._raw, self.compression)
            )
            self._prefix = b""
            self._skip_bom()
        except BaseException:
            self._raw.close()
            raise

    def _skip_bom(self) -> None:
        """Drop a UTF-8 BOM; a UTF-16/32 file is a LoadError that says to re-save it."""
        head = self._read_raw(4)
        if head.startswith(_UTF8_BOM):
            head = head[len(_UTF8_BOM) :]
        else:
            encoding = _utf16_or_32(head)
            if encoding:
                raise LoadError(
                    f"{self.path}: the file is {encoding}; re-save it as UTF-8 "
                    "(e.g. `iconv -f UTF-16 -t UTF-8`), the encoding benchmark tools write"
                )
        self._prefix = head

    def _read_raw(self, n: int) -> bytes:
        """Up to `n` bytes of the decompressed stream (short only at its end)."""
        parts: list[bytes] = []
        while n > 0:
            try:
                chunk = self._stream.read(n)
            except (OSError, EOFError, lzma.LZMAError, ValueError) as exc:
                raise self._corrupt(exc) from exc
            if not chunk:
                break
            parts.append(chunk)
            n -= len(chunk)
        return b"".join(parts)

    def _corrupt(self, exc: BaseException) -> LoadError:
        """The LoadError for a damaged or truncated compressed file."""
        what = f"{self.compression} data" if self.compression else "the file"
        return LoadError(
            f"{self.path}: cannot read {what} ({exc}); is the file complete? "
            "(a copy interrupted mid-way leaves a truncated archive)"
        )

    def readinto(self, view: memoryview) -> int:
        """Fill `view` with the next bytes; fewer than len(view) only at the end."""
        filled = 0
        if self._prefix:
            n = min(len(self._prefix), len(view))
            view[:n] = self._prefix[:n]
            self._prefix = self._prefix[n:]
            filled = n
        while filled < len(view):
            try:
                count = self._stream.readinto(view[filled:])  # type: ignore[attr-defined]
            except (OSError, EOFError, lzma.LZMAError, ValueError) as exc:
                raise self._corrupt(exc) from exc
            if not count:
                break
            filled += count
        return filled

    def read(self) -> bytes:
        """All the remaining bytes."""
        rest = self._read_all_compressed() if self.compression else self._read_all_plain()
        data, self._prefix = self._prefix + rest, b""
        return data

    def _read_all_compressed(self) -> bytes:
        parts: list[bytes] = []
        while True:
            chunk = self._read_raw(1 << 22)
            if not chunk:
                return b"".join(parts)
            parts.append(chunk)

    def _read_all_plain(self) -> bytes:
        try:
            return self._raw.read()
        except OSError as exc:
            raise LoadError(f"{self.path}: cannot read the file ({exc.strerror})") from exc

    def position(self) -> int:
        """Bytes of the file on disk read so far."""
        try:
            return self._raw.tell()
        except (OSError, ValueError):
            return 0

    def close(self) -> None:
        """Close the file (and its decompressor)."""
        if self._stream is not self._raw:
            self._stream.close()
        self._raw.close()

    def __enter__(self) -> DataFile:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _utf16_or_32(head: bytes) -> str | None:
    """'UTF-16' / 'UTF-32' when the first bytes say so (BOM, or NUL bytes around ASCII)."""
    if head.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        return "UTF-32"
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "UTF-16"
    if len(head) >= 2 and ((head[0] == 0) != (head[1] == 0)) and head.strip(b"\x00"):
        return "UTF-16"
    return None


def open_data(path: Path | str) -> DataFile:
    """Open a benchmark file (see `DataFile`): the one opener of every loader."""
    return DataFile(path)


def read_all(path: Path | str) -> bytes:
    """Every (decompressed, BOM-less) byte of a file."""
    with open_data(path) as f:
        return f.read()


def read_head(path: Path | str, size: int = HEAD_BYTES) -> bytes:
    """The first `size` decompressed bytes (b"" for a folder), for detection."""
    if is_dir(path):
        return b""
    with open_data(path) as f:
        buffer = bytearray(size)
        count = f.readinto(memoryview(buffer))
        return bytes(buffer[:count])


def data_name(path: Path | str) -> str:
    """The file's name without a compression suffix ('x.jsonl.gz' → 'x.jsonl')."""
    name = Path(path).name
    lower = name.lower()
    for suffix in COMPRESSED_SUFFIXES:
        if lower.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    return name


def data_stem(path: Path | str) -> str:
    """The file's name without compression and data suffixes ('a.json.gz' → 'a')."""
    name = data_name(path)
    stem, dot, _suffix = name.rpartition(".")
    return stem if dot and stem else name


def find_member(folder: Path | str, name: str) -> Path | None:
    """`folder/name`, or the same name with a compression suffix, when it is a regular file."""
    folder = Path(folder)
    for candidate in (name, *(name + s for s in COMPRESSED_SUFFIXES)):
        path = folder / candidate
        if is_regular_file(path):
            return path
    return None


def progress(
    items: Iterable[T] | None = None,
    *,
    total: float | None = None,
    desc: str = "",
    unit: str = "it",
    disable: bool = False,
) -> Any:
    """A tqdm bar (notebook or terminal) that only appears once a load has taken
    `PROGRESS_DELAY` seconds; `unit="B"` shows bytes. With `disable` (loads too small to
    ever be slow) no bar, and no notebook widget, is made."""
    from tqdm.auto import tqdm

    return tqdm(
        items,
        disable=disable,
        total=total,
        desc=desc,
        unit=unit,
        unit_scale=unit == "B",
        delay=PROGRESS_DELAY,
        leave=False,
        dynamic_ncols=True,
    )


_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*://")
#: A file URL: file:///abs, file://localhost/abs, file://host/abs, file:/abs (RFC 8089).
_FILE_URL = re.compile(r"^file:(//[^/]*)?/", re.IGNORECASE)


def is_url(text: str) -> bool:
    """True for 's3://...', 'https://...', 'gs://...' (any fsspec URL, not file://)."""
    return bool(_URL.match(text)) and not text.lower().startswith("file:")


def file_url_path(text: str) -> str | None:
    """The local path of a file URL (None when `text` is not one): 'file:///a%20b.json',
    'file://localhost/a b.json' and 'file:/a%20b.json' are '/a b.json' (percent-escapes
    decoded). A file URL naming another host is a LoadError: only local files are read."""
    if not _FILE_URL.match(text):
        return None
    from urllib.parse import unquote, urlsplit
    from urllib.request import url2pathname

    parts = urlsplit(text)
    if parts.netloc and parts.netloc.lower() != "localhost":
        raise LoadError(
            f"{text}: a file URL on another host ({parts.netloc}) is not readable here; use a "
            "local path (file:///path or file://localhost/path), or mount or copy the file"
        )
    return url2pathname(parts.path) if os.name == "nt" else unquote(parts.path)


__all__ = [
    "COMPRESSED_SUFFIXES",
    "HEAD_BYTES",
    "PROGRESS_DELAY",
    "DataFile",
    "LoadError",
    "check_file",
    "compression_of",
    "data_name",
    "data_stem",
    "file_url_path",
    "find_member",
    "is_dir",
    "is_regular_file",
    "is_url",
    "open_data",
    "progress",
    "read_all",
    "read_head",
    "stat_path",
]
