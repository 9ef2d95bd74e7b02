"""Stage 1, fetch: URL -> `FetchResult` (bytes, headers, status), politely and safely.

Input: a URL (and the ETag / Last-Modified of an earlier fetch). Output: a
`FetchResult`, or a `FetchError` child naming the URL and the problem. Side
effects: network requests (robots.txt included), counters in `stats`, logging.

The API is httpx's: `httpx.Request` in, `httpx.Response` out, through any
`httpx.AsyncBaseTransport` (tests may pass `httpx.MockTransport`). The bytes move
through aiohttp (`transport.AiohttpTransport`), and the fetcher calls the transport
directly: `httpx.AsyncClient` adds ~30 % CPU per request (cookie extraction through
urllib's shim, URL merging, auth and redirect machinery) for features a crawler of
public boards does not use (no cookies are kept; redirects are followed by hand).

Measured with `benchmarks/fetch_bench.py`: 2,000 pages of 60 KB from a keep-alive
server in another process, concurrency 16, politeness off, on 2 cores shared with
that server (best of 3 rounds, quiet machine):

    raw aiohttp (ClientSession.get + read)       ~9,400 pages/s
    httpx.AsyncClient, default transport           ~640 pages/s  (Limits sized to 16: no better)
    httpx.AsyncClient + httpx-aiohttp transport   ~3,200 pages/s
    Fetcher over httpx's default transport         ~680 pages/s
    Fetcher over httpx-aiohttp's transport        ~3,700 pages/s
    Fetcher (as shipped)                          ~4,400 pages/s  = ~6.9x httpx, ~0.47x raw aiohttp

httpcore is the bottleneck of httpx's default transport, not the fetcher's checks.
What separates the Fetcher from raw aiohttp is mostly httpx's URL parsing and
Request/Response objects (each URL is parsed once per hop).
"""
from __future__ import annotations

from .fetcher import Fetcher
from .guard import blocked_reason

__all__ = ["Fetcher", "blocked_reason"]
