"""Is a Sail server serving, and what does it use? Read from gRPC health and from the OS."""

import time
from collections.abc import Callable
from dataclasses import dataclass

import grpc
import psutil

from apps.infra.providers.local.host import ProcessRef

_HEALTH_CHECK = "/grpc.health.v1.Health/Check"
# HealthCheckResponse{status: SERVING}: field 1, varint 1. An empty request asks about the whole server.
_SERVING = b"\x08\x01"


def _identity(message: bytes) -> bytes:
    return message


def is_serving(host: str, port: int, *, timeout: float = 1.0) -> bool:
    with grpc.insecure_channel(f"{host}:{port}") as channel:
        return _check(channel, timeout=timeout)


def _check(channel: grpc.Channel, *, timeout: float) -> bool:
    check = channel.unary_unary(_HEALTH_CHECK, request_serializer=_identity, response_deserializer=_identity)
    try:
        return check(b"", timeout=timeout) == _SERVING
    except grpc.RpcError:
        return False


class NotServing(Exception):
    def __init__(self, reason: str, *, exited: bool = False) -> None:
        super().__init__(reason)
        self.exited = exited


def wait_until_serving(
    *,
    ref: ProcessRef,
    host: str,
    port: int,
    timeout: float,
    abort: Callable[[], bool] | None = None,
) -> None:
    """Poll the health check until SERVING; raise NotServing on timeout, on abort, or when the process exits."""
    deadline = time.monotonic() + timeout
    with grpc.insecure_channel(f"{host}:{port}") as channel:
        while True:
            if _check(channel, timeout=0.5):
                return
            if not ref.is_alive():
                raise NotServing("the Sail process exited before serving", exited=True)
            if abort is not None and abort():
                raise NotServing("aborted while waiting for the Sail server")
            if time.monotonic() >= deadline:
                raise NotServing(f"the Sail server was not serving after {timeout:g} s")
            time.sleep(0.05)


@dataclass(frozen=True)
class ResourceUse:
    pid: int
    cpu_percent: float  # over the sampling interval; 100 = one core
    rss_bytes: int
    threads: int
    status: str


def resource_use(ref: ProcessRef, *, interval: float = 0.2) -> ResourceUse | None:
    """CPU and memory of the server (and any children it started), or None if it is gone."""
    process = ref.process()
    if process is None:
        return None
    try:
        processes = [process, *process.children(recursive=True)]
        for each in processes:
            each.cpu_percent(None)  # the first reading only starts the interval
        time.sleep(interval)
        cpu, rss, threads = process.cpu_percent(None), process.memory_info().rss, process.num_threads()
        status = process.status()
    except psutil.NoSuchProcess:
        return None
    for child in processes[1:]:
        try:
            with child.oneshot():
                cpu += child.cpu_percent(None)
                rss += child.memory_info().rss
                threads += child.num_threads()
        except psutil.NoSuchProcess:
            continue  # a child that ended during the interval
    return ResourceUse(pid=ref.pid, cpu_percent=cpu, rss_bytes=rss, threads=threads, status=status)
