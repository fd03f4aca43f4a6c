"""Warm Sail servers for SQL validation: one per Sail configuration (a catalog's), started on first use and kept.

They belong to the process that started them (lifetime `supervisor`: if it dies, the reaper stops them). A process
keeps at most `LAKESAIL_SQL_VALIDATION_SERVERS` (default 2) and stops the least recently used beyond that.
"""

import atexit
import threading
from collections import OrderedDict

from django.conf import settings

from apps.infra.models import SailProcess
from apps.infra.providers.local import SailServer, is_serving, merged_config, sail_start, sail_stop
from apps.infra.providers.local.config import SailConfig, config_hash
from apps.infra.providers.local.process import stop_process

PURPOSE = "SQL validation (EXPLAIN only)"
START_TIMEOUT_SECONDS = 60.0

_lock = threading.Lock()
_servers: OrderedDict[str, SailServer] = OrderedDict()


def _limit() -> int:
    return max(1, int(getattr(settings, "LAKESAIL_SQL_VALIDATION_SERVERS", 2)))


def warm_server(config: SailConfig) -> SailServer:
    """A serving Sail server with this configuration: the one kept for it, else a new one (SailStartError)."""
    key = config_hash(merged_config(config))
    with _lock:
        server = _servers.pop(key, None)
        if server is not None and not is_serving(server.host, server.port):
            _stop(server, "it stopped serving")
            server = None
        if server is None:
            server = sail_start(purpose=PURPOSE, config=config, timeout=START_TIMEOUT_SECONDS)
        _servers[key] = server
        while len(_servers) > _limit():
            _key, idle = _servers.popitem(last=False)
            _stop(idle, "the least recently used of the warm validation servers")
        return server


def stop_warm_servers(*, record: bool = True) -> None:
    """Stop every server this process keeps warm. Without `record` (at exit, with no database at hand) only the
    processes are stopped, and the reaper marks their records."""
    with _lock:
        servers = list(_servers.values())
        _servers.clear()
    for server in servers:
        if record:
            _stop(server, "released")
        else:
            stop_process(server.ref, grace_seconds=2)


def _stop(server: SailServer, reason: str) -> None:
    try:
        sail_stop(process_id=server.process_id, grace_seconds=2, reason=reason)
    except SailProcess.DoesNotExist:  # its record was rolled back with the transaction that started it
        stop_process(server.ref, grace_seconds=2)


atexit.register(stop_warm_servers, record=False)
