"""Fetch throughput: our `Fetcher` beside plain httpx and raw aiohttp on the same local pages.

A minimal keep-alive HTTP/1.1 server in a separate process serves N pages of ~60 KB
(each with its own id); every client fetches all of them at the same concurrency and
the pages per second are printed with ratios. Politeness is off (our own server).

    python benchmarks/fetch_bench.py [--pages 2000] [--size 60000] [--concurrency 16] [--rounds 3] [--json]

Rows: `aiohttp` (ClientSession.get + read), `httpx default` (AsyncClient().get),
`httpx tuned limits` (keep-alive pool sized to the concurrency), `httpx + httpx-aiohttp`
(the package's transport, when installed), `Fetcher on httpx-aiohttp transport` and
`Fetcher on httpx default transport` (the same fetcher over other transports) and
`Fetcher` (as shipped: over `scanner.fetch.transport.AiohttpTransport`).
The best of `--rounds` rounds counts; rounds rotate the order of the clients.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import socket
import statistics
import time
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp
import httpx

from scanner.fetch import Fetcher
from scanner.settings import Settings

Getter = Callable[[int], Awaitable[int]]
WARMUP = 100


# --- the server (separate process) -------------------------------------------------------------

def _page(size: int) -> tuple[bytes, bytes]:
    line = ("<p>Darbs Norvēģijā – zivju pārstrāde, alga 3000 EUR, dzīvoklis apmaksāts. "
            "Работа в Польше, жильё бесплатно.</p>\n").encode()
    body = b"<!DOCTYPE html><html><head><meta charset=utf-8><title>Sludinajums %s</title></head><body>"
    filler = line * (size // len(line) + 1)
    return body, filler[: size - len(body) - 20] + b"</body></html>"


class _Protocol(asyncio.Protocol):
    def __init__(self, size: int) -> None:
        self.head, self.tail = _page(size)
        self.buffer = b""
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while b"\r\n\r\n" in self.buffer:
            request, self.buffer = self.buffer.split(b"\r\n\r\n", 1)
            path = request.split(b" ", 2)[1]
            body = self.head % path + self.tail
            assert self.transport is not None
            self.transport.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n"
                                 b"Content-Length: %d\r\n\r\n%s" % (len(body), body))


def _serve(port: int, size: int, ready: Any) -> None:
    async def main() -> None:
        loop = asyncio.get_running_loop()
        server = await loop.create_server(lambda: _Protocol(size), "127.0.0.1", port, backlog=1024)
        ready.set()
        await server.serve_forever()

    asyncio.run(main())


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# --- the clients ---------------------------------------------------------------------------------

async def _drive(get: Getter, start: int, count: int, concurrency: int) -> tuple[float, int]:
    ids = iter(range(start, start + count))
    received = 0

    async def worker() -> None:
        nonlocal received
        for i in ids:
            received += await get(i)

    began = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return count / (time.perf_counter() - began), received


async def _measure(name: str, client: _Client, pages: int, concurrency: int) -> float:
    async with client as get:
        await _drive(get, 10**6, WARMUP, concurrency)
        rate, received = await _drive(get, 0, pages, concurrency)
    if received < pages * 1000:
        raise SystemExit(f"{name}: only {received} bytes received for {pages} pages")
    return rate


class _Client:
    """Async context manager yielding a `get(i) -> body length` function."""

    def __init__(self, base: str, concurrency: int) -> None:
        self.base = base
        self.concurrency = concurrency
        self._close: list[Callable[[], Awaitable[Any]]] = []

    async def __aenter__(self) -> Getter:
        raise NotImplementedError

    async def __aexit__(self, *exc: object) -> None:
        for close in self._close:
            await close()


class _Aiohttp(_Client):
    async def __aenter__(self) -> Getter:
        session = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=self.concurrency))
        self._close.append(session.close)

        async def get(i: int) -> int:
            async with session.get(f"{self.base}/ad/{i}") as response:
                return len(await response.read())
        return get


class _Httpx(_Client):
    limits: httpx.Limits | None = None
    transport: Callable[[], httpx.AsyncBaseTransport] | None = None

    async def __aenter__(self) -> Getter:
        kwargs: dict[str, Any] = {"limits": self.limits} if self.limits else {}
        if self.transport:
            kwargs["transport"] = self.transport()
        client = httpx.AsyncClient(**kwargs)
        self._close.append(client.aclose)

        async def get(i: int) -> int:
            return len((await client.get(f"{self.base}/ad/{i}")).content)
        return get


class _HttpxTuned(_Httpx):
    def __init__(self, base: str, concurrency: int) -> None:
        super().__init__(base, concurrency)
        self.limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency,
                                   keepalive_expiry=60)


class _HttpxAiohttp(_Httpx):
    def __init__(self, base: str, concurrency: int) -> None:
        super().__init__(base, concurrency)
        from httpx_aiohttp import AiohttpTransport  # optional: `pip install httpx-aiohttp`
        self.transport = AiohttpTransport


class _Fetcher(_Client):
    transport: Callable[[int], httpx.AsyncBaseTransport | None] = staticmethod(lambda n: None)

    async def __aenter__(self) -> Getter:
        settings = Settings(polite=False, allow_private=True, concurrency=self.concurrency, min_delay=0.0)
        fetcher = Fetcher(settings, transport=self.transport(self.concurrency))
        self._close.append(fetcher.aclose)

        async def get(i: int) -> int:
            return len((await fetcher.fetch(f"{self.base}/ad/{i}")).body)
        return get


class _FetcherHttpxTransport(_Fetcher):
    transport = staticmethod(lambda n: httpx.AsyncHTTPTransport(
        limits=httpx.Limits(max_connections=n, max_keepalive_connections=n)))


def _httpx_aiohttp_transport(connections: int) -> httpx.AsyncBaseTransport:
    from httpx_aiohttp import AiohttpTransport
    transport: httpx.AsyncBaseTransport = AiohttpTransport(limits=httpx.Limits(max_connections=connections))
    return transport


class _FetcherHttpxAiohttp(_Fetcher):
    transport = staticmethod(_httpx_aiohttp_transport)


def _clients() -> dict[str, type[_Client]]:
    clients: dict[str, type[_Client]] = {"aiohttp": _Aiohttp, "httpx default": _Httpx,
                                         "httpx tuned limits": _HttpxTuned}
    try:
        import httpx_aiohttp  # noqa: F401
        clients["httpx + httpx-aiohttp"] = _HttpxAiohttp
        clients["Fetcher on httpx-aiohttp transport"] = _FetcherHttpxAiohttp
    except ImportError:
        pass
    clients["Fetcher on httpx default transport"] = _FetcherHttpxTransport
    clients["Fetcher"] = _Fetcher
    return clients


# --- main ------------------------------------------------------------------------------------------

async def _run(base: str, pages: int, concurrency: int, rounds: int) -> dict[str, list[float]]:
    clients = _clients()
    names = list(clients)
    rates: dict[str, list[float]] = {name: [] for name in names}
    for round_no in range(rounds):
        order = names[round_no % len(names):] + names[: round_no % len(names)]
        for name in order:
            rates[name].append(await _measure(name, clients[name](base, concurrency), pages, concurrency))
    return rates


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--size", type=int, default=60_000)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--json", action="store_true", help="print one JSON document instead of a table")
    args = parser.parse_args()
    port = _free_port()
    context = multiprocessing.get_context("spawn")
    ready = context.Event()
    server = context.Process(target=_serve, args=(port, args.size, ready), daemon=True)
    server.start()
    try:
        if not ready.wait(30):
            raise SystemExit("the benchmark server did not start")
        rates = asyncio.run(_run(f"http://127.0.0.1:{port}", args.pages, args.concurrency, args.rounds))
    finally:
        server.terminate()
        server.join()
    _report(rates, args)


def _report(rates: dict[str, list[float]], args: argparse.Namespace) -> None:
    best = {name: max(values) for name, values in rates.items()}
    base, raw = best["httpx default"], best["aiohttp"]
    if args.json:
        print(json.dumps({"pages": args.pages, "size": args.size, "concurrency": args.concurrency,
                          "rounds": args.rounds, "pages_per_s": {n: round(v) for n, v in best.items()},
                          "median_pages_per_s": {n: round(statistics.median(v)) for n, v in rates.items()}}))
        return
    print(f"{args.pages} pages of {args.size} bytes, concurrency {args.concurrency}, best of {args.rounds} rounds")
    print(f"{'client':<36}{'pages/s':>9}{'median':>9}{'x httpx':>9}{'x aiohttp':>11}")
    for name, value in best.items():
        print(f"{name:<36}{value:>9.0f}{statistics.median(rates[name]):>9.0f}{value / base:>9.2f}{value / raw:>11.2f}")


if __name__ == "__main__":
    main()
