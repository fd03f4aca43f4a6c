"""The one outbound HTTP client: OIDC discovery, client registration, tokens, JWKS, and later webhooks.

Whoever configures a URL (an org admin typing an issuer, a webhook target) must not be able to make
the console call its own network: the cloud metadata service, a database on 10.0.0.5, the admin port
on 127.0.0.1. So every connection is made here, and only to an address that passed the policy:

- the host is resolved and *every* address it resolves to must be public (not loopback, private,
  link-local, multicast, reserved, unspecified, shared or metadata) unless it falls inside a network
  of `settings.OUTBOUND_HTTP_ALLOWED_NETWORKS` (CIDRs; empty by default; tests allow 127.0.0.1/32);
  an IPv6 address that carries an IPv4 address its packets go to (IPv4-mapped, IPv4-compatible,
  6to4, NAT64, Teredo) is judged by that IPv4 address: Python calls `::7f00:1` global;
- the socket connects to the address that was checked, not to a second lookup of the name, so a DNS
  answer that changes between check and connect (rebinding) cannot slip through; TLS still verifies
  the certificate against the host name;
- redirects are followed by hand (GET only, a few hops) and every hop goes through the same check;
- connect and read timeouts, an overall deadline, and a cap on the body size.

A refusal raises `OutboundRefused` before any socket is opened.
"""

import ipaddress
import json as jsonlib
import socket
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit

import requests
from django.conf import settings
from requests.adapters import HTTPAdapter
from requests.structures import CaseInsensitiveDict
from urllib3 import PoolManager
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import ConnectTimeoutError, NameResolutionError, NewConnectionError
from urllib3.util import connection as urllib3_connection

from apps.core.networks import IPAddress, in_networks, networks, parse_address

DEFAULT_TIMEOUT_SECONDS = 10.0
DEFAULT_MAX_BYTES = 1_000_000
REDIRECT_STATUSES = {301, 302, 303, 307, 308}
_IPV4_COMPATIBLE = ipaddress.ip_network("::/96")  # deprecated (RFC 4291), still routed by some stacks
# NAT64: the well-known prefix (RFC 6052) and the /96 layout of the local-use prefix 64:ff9b:1::/48
# (RFC 8215). Other layouts of the local-use prefix put the IPv4 address in the middle bits: such
# addresses stay refused as reserved space, and a /96 address has zeros there (0.0.0.x: nowhere).
_NAT64 = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("64:ff9b:1::/96"))
# Metadata services of the big clouds; most are already non-global, listed so the intent is explicit.
METADATA_ADDRESSES = frozenset(
    ipaddress.ip_address(a) for a in ("169.254.169.254", "169.254.170.2", "fd00:ec2::254", "100.100.100.200")
)


class OutboundError(Exception):
    """An outbound call did not produce a response the caller can use."""

    reason = "failed"


class OutboundRefused(OutboundError):
    """The address policy refused the destination; no connection was made."""

    reason = "address_not_allowed"


class OutboundTimeout(OutboundError):
    reason = "timeout"


@dataclass(frozen=True)
class Response:
    status: int
    headers: Mapping[str, str]
    body: bytes
    url: str

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    def json(self) -> Any:
        try:
            return jsonlib.loads(self.body)
        except ValueError as exc:
            raise OutboundError(f"{self.url} did not answer with JSON") from exc


def destinations(ip: IPAddress) -> tuple[IPAddress, ...]:
    """Where packets to `ip` go: the IPv4 address(es) an IPv6 transition form carries, else `ip` itself."""
    if isinstance(ip, ipaddress.IPv4Address):
        return (ip,)
    if ip.ipv4_mapped is not None:
        return (ip.ipv4_mapped,)
    if ip.sixtofour is not None:
        return (ip.sixtofour,)
    if ip.teredo is not None:
        return ip.teredo  # the Teredo server, and the client's public address (de-obfuscated)
    if ip in _IPV4_COMPATIBLE or in_networks(ip, _NAT64):
        return (ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF),)
    return (ip,)


def _public(ip: IPAddress) -> bool:
    return ip.is_global and not ip.is_reserved and not ip.is_multicast and ip not in METADATA_ADDRESSES


def address_allowed(ip: IPAddress) -> bool:
    """Whether the console may connect to this address under the current settings."""
    allowed = networks(settings.OUTBOUND_HTTP_ALLOWED_NETWORKS)
    return in_networks(ip, allowed) or all(in_networks(d, allowed) or _public(d) for d in destinations(ip))


def resolve_vetted(host: str, port: int) -> list[str]:
    """Every address `host` resolves to, if all of them are allowed; else OutboundRefused."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise OutboundError(f"{host} could not be resolved") from exc
    except UnicodeError as exc:  # a label longer than 63 characters, or one IDNA cannot encode
        raise OutboundRefused(f"{host!r} is not a host name") from exc
    addresses = list(dict.fromkeys(str(info[4][0]) for info in infos))
    refused = [a for a in addresses if (ip := parse_address(a)) is None or not address_allowed(ip)]
    if refused or not addresses:
        raise OutboundRefused(f"{host} resolves to an address the console may not call ({', '.join(refused)})")
    return addresses


def check_url(url: str) -> tuple[str, int]:
    """Syntax of an outbound URL (http or https with a host); returns (host, port) without resolving."""
    try:
        parts = urlsplit(url)
        hostname = parts.hostname
    except ValueError as exc:  # a bracketed host that is no IPv6 address (`http://[0]`)
        raise OutboundRefused(f"{url!r} is not an http(s) URL") from exc
    if parts.scheme not in ("http", "https") or not hostname:
        raise OutboundRefused(f"{url!r} is not an http(s) URL")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as exc:
        raise OutboundRefused(f"{url!r} has an invalid port") from exc
    return hostname, port


def check_destination(url: str) -> None:
    """Refuse a URL whose host resolves to a forbidden address. A name that does not resolve passes:
    it cannot be called either, and the check runs again at every connection."""
    host, port = check_url(url)
    try:
        resolve_vetted(host, port)
    except OutboundRefused:
        raise
    except OutboundError:
        return


def _vetted_socket(conn: HTTPConnection) -> socket.socket:
    """Connect to an address that passed the policy, never to a fresh lookup of the name."""
    addresses = resolve_vetted(conn._dns_host, conn.port)
    error: OSError | None = None
    for address in addresses:
        try:
            return urllib3_connection.create_connection(
                (address, conn.port),
                conn.timeout,
                source_address=conn.source_address,
                socket_options=conn.socket_options,
            )
        except TimeoutError as exc:
            raise ConnectTimeoutError(conn, f"Connection to {address} timed out") from exc
        except socket.gaierror as exc:
            raise NameResolutionError(conn.host, conn, exc) from exc
        except OSError as exc:
            error = exc
    raise NewConnectionError(conn, f"Failed to establish a new connection: {error}")


class _VettedHTTPConnection(HTTPConnection):
    def _new_conn(self) -> socket.socket:
        return _vetted_socket(self)


class _VettedHTTPSConnection(HTTPSConnection):
    def _new_conn(self) -> socket.socket:
        return _vetted_socket(self)


class _VettedHTTPPool(HTTPConnectionPool):
    ConnectionCls = _VettedHTTPConnection


class _VettedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _VettedHTTPSConnection


class _VettedAdapter(HTTPAdapter):
    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {"http": _VettedHTTPPool, "https": _VettedHTTPSPool}


def pool_manager(**kwargs: Any) -> PoolManager:
    """A urllib3 pool manager whose every connection (redirects too) goes to a vetted address, for clients that take
    one instead of calling `request` (dulwich's Git client); no proxy from the environment."""
    manager = PoolManager(**kwargs)
    manager.pool_classes_by_scheme = {"http": _VettedHTTPPool, "https": _VettedHTTPSPool}
    return manager


def _session() -> requests.Session:
    session = requests.Session()
    session.trust_env = False  # an environment proxy would be a destination the policy never saw
    adapter = _VettedAdapter(max_retries=0)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


def _read(response: requests.Response, deadline: float, max_bytes: int) -> bytes:
    chunks: list[bytes] = []
    size = 0
    for chunk in response.iter_content(chunk_size=65536):
        size += len(chunk)
        if size > max_bytes:
            raise OutboundError(f"{response.url} answered with more than {max_bytes} bytes")
        if time.monotonic() > deadline:
            raise OutboundTimeout(f"{response.url} took too long to answer")
        chunks.append(chunk)
    return b"".join(chunks)


def request(
    method: str,
    url: str,
    *,
    headers: Mapping[str, str] | None = None,
    data: Mapping[str, str] | None = None,
    json: Any = None,
    auth: tuple[str, str] | None = None,
    timeout: float | None = None,
    max_redirects: int = 3,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> Response:
    """Call `url` under the address policy. Redirects are followed for GET only, each hop re-checked."""
    if timeout is None:
        timeout = float(getattr(settings, "OUTBOUND_HTTP_TIMEOUT_SECONDS", DEFAULT_TIMEOUT_SECONDS))
    deadline = time.monotonic() + timeout
    method = method.upper()
    with _session() as session:
        for _hop in range(max_redirects + 1):
            check_url(url)
            remaining = max(deadline - time.monotonic(), 0.1)
            try:
                raw = session.request(
                    method,
                    url,
                    headers=dict(headers or {}),
                    data=data,
                    json=json,
                    auth=auth,
                    timeout=(min(remaining, 5.0), remaining),
                    allow_redirects=False,
                    stream=True,
                )
            except requests.Timeout as exc:
                raise OutboundTimeout(f"{url} did not answer within {timeout:g} s") from exc
            except requests.RequestException as exc:
                raise OutboundError(f"{url} could not be reached") from exc
            with raw:
                if method == "GET" and raw.status_code in REDIRECT_STATUSES and "Location" in raw.headers:
                    url = urljoin(url, raw.headers["Location"])
                    continue
                try:
                    body = _read(raw, deadline, max_bytes)
                except requests.Timeout as exc:
                    raise OutboundTimeout(f"{url} did not answer within {timeout:g} s") from exc
                except requests.RequestException as exc:
                    raise OutboundError(f"{url} broke off its answer") from exc
                return Response(raw.status_code, CaseInsensitiveDict(raw.headers), body, url)
    raise OutboundError(f"{url}: more than {max_redirects} redirects")


def get(url: str, **kwargs: Any) -> Response:
    return request("GET", url, **kwargs)


def post(url: str, **kwargs: Any) -> Response:
    return request("POST", url, **kwargs)
