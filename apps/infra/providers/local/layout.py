"""Where the data plane keeps its files: one data directory from settings, everything beneath it.

<data>/warehouse/          managed tables (every Sail server resolves `spark-warehouse` to it)
<data>/runs/<runId>/       a run's output, preview and logs
<data>/sail/<processId>/   a Sail server's working directory (a run's, or one started without a cluster)
<data>/networks/<networkId>/clusters/<clusterId>/   a local network's storage root, and its clusters' servers
"""

import re
from pathlib import Path

from django.conf import settings

_NAME = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


def data_dir() -> Path:
    path = Path(settings.LAKESAIL_DATA_DIR)
    if not path.is_absolute():
        path = Path(settings.BASE_DIR) / path
    return path.resolve()


def warehouse_dir() -> Path:
    return data_dir() / "warehouse"


def runs_dir() -> Path:
    return data_dir() / "runs"


def sail_dir() -> Path:
    return data_dir() / "sail"


def safe_name(name: str) -> str:
    """Refuse ids that could escape their directory (they become path components)."""
    if not _NAME.match(name):
        raise ValueError(f"Not a valid id for a directory name: {name!r}")
    return name


def prepare_sail_work_dir(work_dir: Path) -> None:
    """Sail puts managed tables under `spark-warehouse` in its working directory: point that at the warehouse."""
    work_dir.mkdir(parents=True, exist_ok=True)
    warehouse = warehouse_dir()
    warehouse.mkdir(parents=True, exist_ok=True)
    link = work_dir / "spark-warehouse"
    if not link.exists():
        link.symlink_to(warehouse, target_is_directory=True)


def network_root(network_id: str) -> Path:
    """A local network's storage root: its clusters' working directories live beneath it."""
    return data_dir() / "networks" / safe_name(network_id)


def cluster_dir(network_id: str, cluster_id: str) -> Path:
    return network_root(network_id) / "clusters" / safe_name(cluster_id)
