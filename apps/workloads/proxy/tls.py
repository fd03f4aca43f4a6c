"""The proxy's server credentials: the configured certificate, plaintext on a loopback address, or else a
self-signed certificate generated into var/ (development: clients trust it with GRPC_DEFAULT_SSL_ROOTS_FILE_PATH)."""

import datetime as dt
import ipaddress
import socket
from pathlib import Path

import grpc
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from django.conf import settings

from apps.core import clock

SELF_SIGNED_DAYS = 365


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def self_signed_paths() -> tuple[Path, Path]:
    folder = Path(settings.VAR_DIR) / "session_proxy_tls"
    return folder / "cert.pem", folder / "key.pem"


def ensure_self_signed(host: str) -> tuple[Path, Path]:
    """A certificate for localhost, 127.0.0.1, ::1, this machine's name and `host`, made once (again when expired)."""
    cert_path, key_path = self_signed_paths()
    if cert_path.exists() and key_path.exists():
        cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
        if cert.not_valid_after_utc > clock.now() + dt.timedelta(days=1):
            return cert_path, key_path
    key = ec.generate_private_key(ec.SECP256R1())
    names: list[x509.GeneralName] = [x509.DNSName("localhost"), x509.DNSName(socket.gethostname())]
    names += [x509.IPAddress(ipaddress.ip_address(a)) for a in ("127.0.0.1", "::1")]
    try:
        names.append(x509.IPAddress(ipaddress.ip_address(host.strip("[]"))))
    except ValueError:
        names.append(x509.DNSName(host))
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "LakeSail session proxy (development)")])
    now = clock.now()
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=SELF_SIGNED_DAYS))
        .add_extension(x509.SubjectAlternativeName(list(dict.fromkeys(names))), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path.parent.mkdir(parents=True, exist_ok=True)
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    key_path.chmod(0o600)
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return cert_path, key_path


def server_credentials(
    host: str, *, cert_file: str = "", key_file: str = "", self_signed: bool = False
) -> grpc.ServerCredentials | None:
    """None: serve plaintext (only ever on a loopback address)."""
    cert_file = cert_file or settings.SESSION_PROXY_TLS_CERT_FILE
    key_file = key_file or settings.SESSION_PROXY_TLS_KEY_FILE
    if not (cert_file and key_file):
        if is_loopback(host) and not self_signed:
            return None
        cert_path, key_path = ensure_self_signed(host)
        cert_file, key_file = str(cert_path), str(key_path)
    return grpc.ssl_server_credentials([(Path(key_file).read_bytes(), Path(cert_file).read_bytes())])
