"""The one place boto3 clients are made: the console's own credentials, then the customer's role assumed from them.

Endpoints are never named here: boto3 finds them itself (and honours `AWS_ENDPOINT_URL`, which is how the tests
point it at a moto server on 127.0.0.1). The base session uses the default credential chain (environment, shared
files, the instance or task role). A connection's role is assumed with its ExternalId and the credentials are kept
until shortly before they expire, so one AssumeRole serves many calls.
"""

import hashlib
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import boto3
from botocore.config import Config

from apps.core import clock
from apps.infra.providers.aws.errors import aws_errors
from apps.infra.providers.base import ConnectionSpec, ProviderError

# A call that starts just before expiry must not find its credentials dead halfway through a waiter.
REFRESH_MARGIN = timedelta(minutes=5)
ASSUMED_ROLE_SECONDS = 3600
DEFAULT_REGION = "us-east-1"  # where a connection without a region makes its global calls (STS, EC2 DescribeRegions)

_CONFIG = Config(
    user_agent_extra="lakesail-console",
    retries={"mode": "standard"},  # botocore's own short backoff; what still fails is the runner's to retry
    connect_timeout=10,
    read_timeout=60,
)


def session_name(conn: ConnectionSpec) -> str:
    return f"lakesail-{conn.id}"[:64]


def connection_region(conn: ConnectionSpec) -> str:
    return str(conn.provider_config.get("region") or DEFAULT_REGION)


@dataclass(frozen=True)
class AssumedRole:
    session: boto3.session.Session
    account_id: str
    arn: str
    expires_at: datetime


class ClientFactory:
    """Clients for the console's own identity (`base_client`) and for a connection's role (`client`)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._base: boto3.session.Session | None = None
        self._assumed: dict[tuple[str, str, str], AssumedRole] = {}
        self._clients: dict[tuple[int, str, str], Any] = {}

    def base_session(self) -> boto3.session.Session:
        with self._lock:
            if self._base is None:
                self._base = boto3.session.Session()
            return self._base

    def base_client(self, service: str, region: str) -> Any:
        return self._client_of(self.base_session(), service, region)

    def assume(self, conn: ConnectionSpec) -> AssumedRole:
        """STS AssumeRole into the connection's role with its ExternalId; cached until shortly before expiry."""
        role_arn = str(conn.provider_config.get("roleArn") or "")
        if not role_arn:
            raise ProviderError("The connection has no role ARN yet.", code="aws_no_role")
        # The ExternalId is part of the key (hashed: the cache must not hold it in clear) so a new one re-assumes.
        key = (conn.id, role_arn, hashlib.sha256(conn.external_id.encode()).hexdigest())
        with self._lock:
            cached = self._assumed.get(key)
        if cached is not None and cached.expires_at - REFRESH_MARGIN > clock.now():
            return cached
        sts = self.base_client("sts", connection_region(conn))
        with aws_errors("assume the connection's role"):
            response = sts.assume_role(
                RoleArn=role_arn,
                RoleSessionName=session_name(conn),
                ExternalId=conn.external_id,
                DurationSeconds=ASSUMED_ROLE_SECONDS,
            )
        credentials = response["Credentials"]
        assumed_arn = response["AssumedRoleUser"]["Arn"]
        assumed = AssumedRole(
            session=boto3.session.Session(
                aws_access_key_id=credentials["AccessKeyId"],
                aws_secret_access_key=credentials["SecretAccessKey"],
                aws_session_token=credentials["SessionToken"],
            ),
            account_id=assumed_arn.split(":")[4],
            arn=assumed_arn,
            expires_at=credentials["Expiration"],
        )
        with self._lock:
            if cached is not None:
                self._forget_clients_of(cached.session)
            self._assumed[key] = assumed
        return assumed

    def client(self, conn: ConnectionSpec, service: str, region: str | None = None) -> Any:
        """A client for `service` acting as the connection's role, in `region` (default: the connection's)."""
        return self._client_of(self.assume(conn).session, service, region or connection_region(conn))

    def forget(self, conn: ConnectionSpec) -> None:
        """Drop the connection's cached credentials (its role or ExternalId changed, or it was deleted)."""
        with self._lock:
            for key in [k for k in self._assumed if k[0] == conn.id]:
                self._forget_clients_of(self._assumed.pop(key).session)

    def _client_of(self, session: boto3.session.Session, service: str, region: str) -> Any:
        # boto3 clients are thread-safe and costly to build (they load the service model): one per session.
        key = (id(session), service, region)
        with self._lock:
            if key not in self._clients:
                self._clients[key] = session.client(service, region_name=region, config=_CONFIG)
            return self._clients[key]

    def _forget_clients_of(self, session: boto3.session.Session) -> None:
        for key in [k for k in self._clients if k[0] == id(session)]:
            del self._clients[key]


clients = ClientFactory()
