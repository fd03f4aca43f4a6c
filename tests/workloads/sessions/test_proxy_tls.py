"""The proxy's TLS leg and its refusals, with the proxy in a thread of this process (no session, no server needed)."""

import asyncio
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

import grpc
import pytest
from cryptography import x509

from apps.infra.providers.local.process import free_port
from apps.workloads.proxy.server import serve
from apps.workloads.proxy.tls import is_loopback, self_signed_paths, server_credentials

CONFIG = "/spark.connect.SparkConnectService/Config"


@contextmanager
def proxy_thread(host: str, port: int, credentials) -> Iterator[None]:
    loop = asyncio.new_event_loop()
    ready, stop = asyncio.Event(), asyncio.Event()
    failure: list[BaseException] = []

    def run() -> None:
        try:
            loop.run_until_complete(serve(host=host, port=port, credentials=credentials, ready=ready, stop=stop))
        except BaseException as exc:  # reported by the waiting test
            failure.append(exc)
            loop.call_soon(ready.set)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    asyncio.run_coroutine_threadsafe(ready.wait(), loop).result(timeout=30)
    assert not failure, failure
    try:
        yield
    finally:
        loop.call_soon_threadsafe(stop.set)
        thread.join(timeout=15)
        loop.close()


def _status(channel: grpc.Channel, method: str = CONFIG) -> grpc.StatusCode:
    try:
        channel.unary_unary(method)(b"", timeout=10)
    except grpc.RpcError as error:
        return error.code()
    return grpc.StatusCode.OK


def test_plaintext_only_on_loopback(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    assert is_loopback("localhost") and is_loopback("127.0.0.1") and is_loopback("::1")
    assert server_credentials("localhost") is None
    assert server_credentials("0.0.0.0") is not None  # anywhere else: TLS, self-signed when no certificate is set
    cert, _key = self_signed_paths()
    names = x509.load_pem_x509_certificate(cert.read_bytes()).extensions.get_extension_for_class(
        x509.SubjectAlternativeName
    )
    assert "localhost" in names.value.get_values_for_type(x509.DNSName)


def test_a_self_signed_proxy_answers_over_tls_and_refuses_a_call_without_a_token(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    port = free_port("127.0.0.1")
    with proxy_thread("localhost", port, server_credentials("localhost", self_signed=True)):
        cert, _key = self_signed_paths()
        trusted = grpc.ssl_channel_credentials(root_certificates=cert.read_bytes())
        with grpc.secure_channel(f"localhost:{port}", trusted) as channel:
            assert _status(channel) == grpc.StatusCode.UNAUTHENTICATED
            assert _status(channel, "/grpc.health.v1.Health/Check") == grpc.StatusCode.UNIMPLEMENTED
        with grpc.insecure_channel(f"localhost:{port}") as plaintext:
            assert _status(plaintext) == grpc.StatusCode.UNAVAILABLE  # no plaintext on a TLS port


def test_a_second_proxy_cannot_share_the_port():
    port = free_port("127.0.0.1")
    # In a thread of its own: this test process may already run an event loop (Playwright's) in the main thread.
    with (
        proxy_thread("localhost", port, None),
        ThreadPoolExecutor(1) as pool,
        pytest.raises(OSError, match="could not listen"),
    ):
        pool.submit(asyncio.run, serve(host="localhost", port=port, credentials=None)).result()
