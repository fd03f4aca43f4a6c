"""Run the session gRPC proxy until SIGTERM or Ctrl-C (`make run` starts it next to the web server)."""

import asyncio

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from apps.workloads.proxy.server import serve
from apps.workloads.proxy.tls import self_signed_paths, server_credentials


class Command(BaseCommand):
    help = "Serve Spark Connect sessions: check session tokens and forward calls to the sessions' Sail servers."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default=settings.SESSION_PROXY_HOST, help="Address to listen on.")
        parser.add_argument("--port", type=int, default=settings.SESSION_PROXY_PORT)
        parser.add_argument("--tls-cert", default="", help="PEM certificate (default SESSION_PROXY_TLS_CERT_FILE).")
        parser.add_argument("--tls-key", default="", help="PEM private key (default SESSION_PROXY_TLS_KEY_FILE).")
        parser.add_argument(
            "--self-signed", action="store_true", help="Serve TLS with a generated certificate even on loopback."
        )

    def handle(self, *args, host: str, port: int, tls_cert: str, tls_key: str, self_signed: bool, **options) -> None:
        credentials = server_credentials(host, cert_file=tls_cert, key_file=tls_key, self_signed=self_signed)
        if credentials is None:
            self.stdout.write(f"Session proxy on {host}:{port} in plaintext (loopback, development).")
        elif not (tls_cert or settings.SESSION_PROXY_TLS_CERT_FILE):
            cert, _key = self_signed_paths()
            self.stdout.write(
                f"Session proxy on {host}:{port} with a self-signed certificate: clients trust it with "
                f"GRPC_DEFAULT_SSL_ROOTS_FILE_PATH={cert}"
            )
        else:
            self.stdout.write(f"Session proxy on {host}:{port} with TLS.")
        asyncio.run(serve(host=host, port=port, credentials=credentials))
