"""Address guard: a sources file must not be a way to reach inside a network.

Every host is resolved once per run (``loop.getaddrinfo``); if any of its
addresses is private, loopback, link-local, multicast, reserved or unspecified
(IPv4 or IPv6, also when an IPv4 address hides inside an IPv6 one) the host is
refused with `BlockedAddressError`. `GuardedResolver` hands aiohttp exactly the
addresses that were checked, so a DNS answer that changes between the check and
the connection (DNS rebinding) cannot slip past.
"""
from __future__ import annotations

import asyncio
import ipaddress
import socket
from typing import Any

from aiohttp.abc import AbstractResolver, ResolveResult

from ..errors import BlockedAddressError, FetchConnectionError

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

_NAT64 = ipaddress.ip_network("64:ff9b::/96")


def blocked_reason(ip: IPAddress) -> str | None:
    """Why `ip` must not be fetched, or None when it is a public unicast address."""
    if isinstance(ip, ipaddress.IPv6Address):
        inner_v4 = ip.ipv4_mapped or (ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF) if ip in _NAT64 else None)
        if inner_v4 is not None:  # ::ffff:a.b.c.d and 64:ff9b::a.b.c.d reach that IPv4 address
            return _own_reason(inner_v4)
        carried = [v4 for v4 in (ip.sixtofour, *(ip.teredo or ())) if v4 is not None]
        return next(filter(None, map(_own_reason, [ip, *carried])), None)
    return _own_reason(ip)


def _own_reason(ip: IPAddress) -> str | None:
    checks = (("unspecified", ip.is_unspecified), ("loopback", ip.is_loopback),
              ("link-local", ip.is_link_local), ("multicast", ip.is_multicast),
              ("reserved", ip.is_reserved), ("private", ip.is_private),
              ("not globally routable", not ip.is_global))
    return next((name for name, hit in checks if hit), None)


def parse_ip(host: str) -> IPAddress | None:
    """`host` as an IP address (brackets and zone ids allowed), or None for a name."""
    try:
        return ipaddress.ip_address(host.strip("[]").split("%")[0])
    except ValueError:
        return None


class AddressGuard:
    """Resolves and checks hosts, caching the answer for the life of the guard (one run)."""

    def __init__(self, *, allow_private: bool, allow_hosts: tuple[str, ...] = (), timeout: float = 20.0) -> None:
        self.allow_private = allow_private
        self.timeout = timeout
        self._allowed = {h.strip("[]").lower() for h in allow_hosts}
        self._cache: dict[str, list[tuple[Any, ...]]] = {}
        self._locks: dict[str, asyncio.Lock] = {}

    def allows_any(self, host: str) -> bool:
        """True when `host` is exempt from the check (allow_private or allow_hosts)."""
        return self.allow_private or host.strip("[]").lower() in self._allowed

    async def check(self, host: str, url: str) -> None:
        """Raise `BlockedAddressError` when `host` (in `url`) resolves to a non-public address."""
        if self.allows_any(host):
            return
        ip = parse_ip(host)
        if ip is not None:
            self._refuse_if_blocked(url, host, [ip])
            return
        infos = await self.resolve(host, url)
        self._refuse_if_blocked(url, host, [ipaddress.ip_address(i[4][0].split("%")[0]) for i in infos])

    async def resolve(self, host: str, url: str = "") -> list[tuple[Any, ...]]:
        """getaddrinfo answers for `host`, looked up once and then reused."""
        key = host.lower()
        if key in self._cache:
            return self._cache[key]
        async with self._locks.setdefault(key, asyncio.Lock()):
            if key not in self._cache:
                self._cache[key] = await self._lookup(host, url)
        return self._cache[key]

    async def _lookup(self, host: str, url: str) -> list[tuple[Any, ...]]:
        loop = asyncio.get_running_loop()
        try:
            async with asyncio.timeout(self.timeout):
                return await loop.getaddrinfo(host, None, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP)
        except TimeoutError as exc:
            raise FetchConnectionError(f"{url or host}: no DNS answer for {host!r} within {self.timeout:g}s") from exc
        except OSError as exc:
            raise FetchConnectionError(f"{url or host}: cannot resolve host {host!r}: {exc}") from exc

    def _refuse_if_blocked(self, url: str, host: str, ips: list[IPAddress]) -> None:
        for ip in ips:
            reason = blocked_reason(ip)
            if reason:
                raise BlockedAddressError(
                    f"{url}: refused: host {host!r} is at {ip}, a {reason} address "
                    "(allow it with allow_private or allow_hosts)")


class GuardedResolver(AbstractResolver):
    """aiohttp resolver that connects only to addresses the `AddressGuard` accepted."""

    def __init__(self, guard: AddressGuard) -> None:
        self._guard = guard

    async def resolve(self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
                      ) -> list[ResolveResult]:
        await self._guard.check(host, host)
        infos = await self._guard.resolve(host, host)
        wanted = [i for i in infos if family in (socket.AF_UNSPEC, i[0])] or infos
        return [ResolveResult(hostname=host, host=i[4][0], port=port, family=i[0], proto=i[2],
                              flags=socket.AI_NUMERICHOST | socket.AI_NUMERICSERV) for i in wanted]

    async def close(self) -> None:
        return None
