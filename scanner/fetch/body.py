"""Reading a response body safely: accepted types, a size cap, capped decompression.

The cap holds for the bytes on the wire *and* for the decompressed bytes, and it
is enforced while streaming: no decoder is ever asked for more than the bytes
still allowed plus one, so a gzip, deflate or brotli bomb stops at the cap
instead of filling memory.
"""
from __future__ import annotations

import zlib
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from typing import Protocol

import brotli  # type: ignore[import-untyped]  # no stubs
import httpx

from ..errors import TooLargeError, UnsupportedContentError

ACCEPTED_TYPES = frozenset({
    "text/html", "application/xhtml+xml", "application/xml", "text/xml",
    "application/json", "application/ld+json", "text/plain",
})
ACCEPT_ENCODING = "gzip, deflate, br"


def check_content_type(url: str | httpx.URL, headers: Mapping[str, str]) -> None:
    """Refuse types the later stages cannot read. A missing Content-Type is let through:
    legacy boards omit it, and extraction sniffs the bytes anyway."""
    content_type = headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type and content_type not in ACCEPTED_TYPES:
        raise UnsupportedContentError(f"{url}: content type {content_type!r} is not a page we read")


def check_declared_length(url: str | httpx.URL, headers: Mapping[str, str], max_bytes: int) -> None:
    """Refuse before reading when Content-Length already says the body is too large."""
    length = headers.get("content-length", "")
    if length.isdigit() and int(length) > max_bytes:
        raise TooLargeError(f"{url}: body of {int(length)} bytes is over the limit of {max_bytes}")


class _Decoder(Protocol):
    def feed(self, data: bytes, limit: int) -> bytes: ...


class _Identity:
    def feed(self, data: bytes, limit: int) -> bytes:
        return data


class _Zlib:
    """gzip, or deflate with or without the zlib wrapper (servers send both)."""

    def __init__(self, encoding: str) -> None:
        self._raw_fallback = encoding == "deflate"
        self._wbits = zlib.MAX_WBITS | 16 if encoding in ("gzip", "x-gzip") else zlib.MAX_WBITS
        self._obj = zlib.decompressobj(self._wbits)
        self._started = False

    def feed(self, data: bytes, limit: int) -> bytes:
        try:
            out = self._obj.decompress(data, limit)
        except zlib.error:
            if not self._raw_fallback or self._started:
                raise
            self._obj = zlib.decompressobj(-zlib.MAX_WBITS)
            out = self._obj.decompress(data, limit)
        self._started = True
        return out


class _Brotli:
    def __init__(self) -> None:
        self._obj = brotli.Decompressor()

    def feed(self, data: bytes, limit: int) -> bytes:
        # At the limit the decompressor keeps the rest of the input; the caller stops there.
        out: bytes = self._obj.process(data, output_buffer_limit=limit)
        return out


def _decoder(url: str | httpx.URL, encoding: str) -> _Decoder:
    encoding = encoding.strip().lower()
    if encoding in ("", "identity"):
        return _Identity()
    if encoding in ("gzip", "x-gzip", "deflate"):
        return _Zlib(encoding)
    if encoding == "br":
        return _Brotli()
    # Stacked encodings ("gzip, br") are legal but unseen in the wild; refusing them keeps
    # the cap arithmetic exact.
    raise UnsupportedContentError(f"{url}: content encoding {encoding!r} is not supported")


@dataclass(frozen=True, slots=True)
class Body:
    data: bytes
    wire_bytes: int  # as received, before decompression


async def read_capped(url: str | httpx.URL, chunks: AsyncIterator[bytes], *, encoding: str, max_bytes: int) -> Body:
    """Read and decode `chunks`, raising `TooLargeError` as soon as either size passes `max_bytes`."""
    decoder = _decoder(url, encoding)
    parts: list[bytes] = []
    size = wire = 0
    async for chunk in chunks:
        wire += len(chunk)
        if wire > max_bytes:
            raise TooLargeError(f"{url}: body is over the limit of {max_bytes} bytes (as sent)")
        try:
            chunk = decoder.feed(chunk, max_bytes - size + 1)
        except (zlib.error, brotli.error) as exc:
            raise UnsupportedContentError(f"{url}: body is not valid {encoding} ({exc})") from exc
        size += len(chunk)
        if size > max_bytes:
            raise TooLargeError(f"{url}: body is over the limit of {max_bytes} bytes (decompressed)")
        parts.append(chunk)
    return Body(b"".join(parts), wire)
