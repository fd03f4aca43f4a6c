"""The session proxy: one generic gRPC handler that forwards Spark Connect calls as raw bytes.

Every call: the `authorization: Bearer <token>` metadata is verified (missing, foreign or expired:
UNAUTHENTICATED), the session's state is read (ended: FAILED_PRECONDITION, never UNAVAILABLE, which pyspark
retries for minutes; its server still starting: UNAVAILABLE, so the client waits), then the call goes to the
session's Sail server and its activity is recorded. Unary Spark Connect methods get unary handlers (the cheaper
path); the rest, and any method added later, are forwarded stream to stream. The upstream leg advertises no
compression (Sail would gzip every response; uncompressed is several times faster on loopback) and both legs
accept messages up to SESSION_PROXY_MAX_MESSAGE_BYTES.
"""

import asyncio
import contextlib
import logging
import signal
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any, NoReturn

import grpc
from django.conf import settings
from django.db import DatabaseError

from apps.workloads.models import InfraStatus, SessionStatus
from apps.workloads.proxy.routes import Routes
from apps.workloads.proxy.tokens import TokenCache, bearer
from apps.workloads.session_tokens import InvalidToken

logger = logging.getLogger(__name__)

SERVICE = "spark.connect.SparkConnectService"
UNARY_METHODS = frozenset(
    {
        "AnalyzePlan",
        "Config",
        "ArtifactStatus",
        "Interrupt",
        "ReleaseExecute",
        "ReleaseSession",
        "FetchErrorDetails",
        "CloneSession",
        "GetStatus",
    }
)
# Server-streaming: a unary-stream handler costs less per call than the stream-stream one.
SERVER_STREAMING_METHODS = frozenset({"ExecutePlan", "ReattachExecute"})
# Not forwarded: the token, and what each gRPC leg sets for itself.
_DROPPED_METADATA = frozenset({"authorization", "user-agent"})
_STARTING = (InfraStatus.PENDING, InfraStatus.STARTING)
_IDENTITY_ONLY = 1  # bit 0 of the compression bitset: the upstream leg accepts uncompressed messages only
_UPSTREAMS_KEPT = 256


def message_options() -> list[tuple[str, int]]:
    size = settings.SESSION_PROXY_MAX_MESSAGE_BYTES
    return [("grpc.max_receive_message_length", size), ("grpc.max_send_message_length", size)]


def _forwarded(metadata: Sequence[tuple[str, str | bytes]]) -> list[tuple[str, str | bytes]]:
    return [(k, v) for k, v in metadata if k not in _DROPPED_METADATA and not k.startswith(("grpc-", ":"))]


async def _relay(context: grpc.aio.ServicerContext, error: grpc.aio.AioRpcError) -> NoReturn:
    """Sail's status, message and trailers (Spark's error details travel in `grpc-status-details-bin`)."""
    trailers = tuple(
        (k, v)
        for k, v in (error.trailing_metadata() or ())
        if k == "grpc-status-details-bin" or not k.startswith("grpc-")
    )
    await context.abort(error.code(), error.details() or "", trailing_metadata=trailers)


@dataclass
class Admitted:
    target: str  # host:port of the session's Sail server
    session_id: str
    metadata: list[tuple[str, str | bytes]]


class Upstreams:
    """One channel per Sail server, opened on first use, with its method callables."""

    def __init__(self) -> None:
        self._channels: dict[str, grpc.aio.Channel] = {}
        self._callables: dict[tuple[str, str, str], Any] = {}
        self._options = [*message_options(), ("grpc.compression_enabled_algorithms_bitset", _IDENTITY_ONLY)]

    def _channel(self, target: str) -> grpc.aio.Channel:
        found = self._channels.get(target)
        if found is None:
            if len(self._channels) >= _UPSTREAMS_KEPT:  # servers come and go: forget the oldest
                oldest = next(iter(self._channels))
                self._callables = {key: value for key, value in self._callables.items() if key[0] != oldest}
                asyncio.get_running_loop().create_task(self._channels.pop(oldest).close())
            found = self._channels[target] = grpc.aio.insecure_channel(target, options=self._options)
        return found

    def callable(self, target: str, method: str, kind: str) -> Any:
        """The upstream callable of `kind`: unary_unary, unary_stream or stream_stream (raw bytes both ways)."""
        key = (target, method, kind)
        found = self._callables.get(key)
        if found is None:
            found = self._callables[key] = getattr(self._channel(target), kind)(method)
        return found

    async def close(self) -> None:
        await asyncio.gather(*(channel.close() for channel in self._channels.values()))
        self._channels.clear()
        self._callables.clear()


class SessionProxy(grpc.GenericRpcHandler):
    def __init__(self, *, routes: Routes, tokens: TokenCache | None = None, upstreams: Upstreams | None = None) -> None:
        self.routes = routes
        self.tokens = tokens or TokenCache()
        self.upstreams = upstreams or Upstreams()

    def service(self, handler_call_details: grpc.HandlerCallDetails) -> grpc.RpcMethodHandler | None:
        method = handler_call_details.method
        service, _, name = method.lstrip("/").rpartition("/")
        if service != SERVICE:
            return None  # UNIMPLEMENTED
        if name in UNARY_METHODS:
            return grpc.unary_unary_rpc_method_handler(partial(self._unary, method))
        if name in SERVER_STREAMING_METHODS:
            return grpc.unary_stream_rpc_method_handler(partial(self._stream, method, "unary_stream"))
        return grpc.stream_stream_rpc_method_handler(partial(self._stream, method, "stream_stream"))

    async def _admit(self, context: grpc.aio.ServicerContext) -> Admitted:
        metadata = context.invocation_metadata() or ()
        token = bearer(metadata)
        if token is None:
            await context.abort(grpc.StatusCode.UNAUTHENTICATED, "A session token is required (authorization: Bearer).")
        try:
            claims = self.tokens.claims(token)
        except InvalidToken as exc:
            await context.abort(grpc.StatusCode.UNAUTHENTICATED, str(exc))
        try:
            route = await self.routes.route(claims.session_id)
        except DatabaseError:  # the console's database restarting: the client retries, as for a server starting
            logger.exception("could not read session %s", claims.session_id)
            await context.abort(grpc.StatusCode.UNAVAILABLE, "The session's state cannot be read right now.")
        if route is None:
            await context.abort(grpc.StatusCode.FAILED_PRECONDITION, "The session no longer exists.")
        if route.instance_id != claims.target:
            await context.abort(grpc.StatusCode.UNAUTHENTICATED, "The session token does not match the session.")
        if not route.is_open:
            message = f"The session is {route.status}: relaunch it to open a new one."
            await context.abort(grpc.StatusCode.FAILED_PRECONDITION, message)
        if route.infra_status in _STARTING:
            await context.abort(grpc.StatusCode.UNAVAILABLE, "The session's server is starting: retrying.")
        if route.infra_status != InfraStatus.READY or not route.port:
            message = f"The session's server is {route.infra_status}: relaunch the session."
            await context.abort(grpc.StatusCode.FAILED_PRECONDITION, message)
        self.routes.touch(claims.session_id, route.status)
        target = f"{route.host}:{route.port}"
        return Admitted(target=target, session_id=claims.session_id, metadata=_forwarded(metadata))

    async def _unary(self, method: str, request: bytes, context: grpc.aio.ServicerContext) -> bytes:
        admitted = await self._admit(context)
        upstream = self.upstreams.callable(admitted.target, method, "unary_unary")
        call = upstream(request, metadata=admitted.metadata, timeout=context.time_remaining())
        try:
            return await call
        except grpc.aio.AioRpcError as error:
            await _relay(context, error)

    async def _stream(
        self, method: str, kind: str, requests: bytes | AsyncIterator[bytes], context: grpc.aio.ServicerContext
    ) -> AsyncIterator[bytes]:
        """A streamed response; `requests` is one request (unary_stream) or the client's stream (stream_stream)."""
        admitted = await self._admit(context)
        upstream = self.upstreams.callable(admitted.target, method, kind)
        call = upstream(requests, metadata=admitted.metadata, timeout=context.time_remaining())
        try:
            async for response in call:
                yield response
        except grpc.aio.AioRpcError as error:
            await _relay(context, error)
        finally:
            call.cancel()  # the client went away (or it is done: then a no-op)
            # A long query is activity until it ends (written if the last write is older than the interval).
            self.routes.touch(admitted.session_id, SessionStatus.ACTIVE)


async def serve(
    *,
    host: str,
    port: int,
    credentials: grpc.ServerCredentials | None,
    ready: asyncio.Event | None = None,
    stop: asyncio.Event | None = None,
) -> None:
    """Serve until `stop` is set (or SIGTERM/SIGINT when run as the main thread's loop); returns once drained."""
    routes = Routes()
    proxy = SessionProxy(routes=routes)
    # so_reuseport 0: a second proxy on the same port fails to start instead of silently sharing it.
    server = grpc.aio.server(options=[*message_options(), ("grpc.so_reuseport", 0)])
    server.add_generic_rpc_handlers((proxy,))
    address = f"{host}:{port}"
    try:
        if credentials is None:
            server.add_insecure_port(address)
        else:
            server.add_secure_port(address, credentials)
    except RuntimeError as exc:  # grpc's way of saying the address is taken (or not ours)
        raise OSError(f"The session proxy could not listen on {address}: is another proxy running?") from exc
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        # Only the main thread's loop takes signals: in a thread (tests), whoever started it sets `stop`.
        with contextlib.suppress(RuntimeError, ValueError):
            loop.add_signal_handler(signum, stop.set)
    await server.start()
    logger.info("session proxy listening on %s (%s)", address, "TLS" if credentials else "plaintext")
    if ready is not None:
        ready.set()
    await stop.wait()
    logger.info("session proxy stopping: draining calls for up to 5 s")
    await server.stop(grace=5)
    await routes.drain()
    await proxy.upstreams.close()
    routes.close()
