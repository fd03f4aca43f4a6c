import pytest

from apps.core.ids import new_id
from apps.workloads.runner import SailTarget

# Runs for seconds to minutes on two cores: long enough to time out or cancel.
LONG_QUERY = "SELECT sum(a.id * b.id) FROM range(100000) a CROSS JOIN range(100000) b"


@pytest.fixture
def target(sail_server) -> SailTarget:
    """The session's Sail server, as a cluster's server the runner is pointed at."""
    return SailTarget(host=sail_server.host, port=sail_server.port)


@pytest.fixture
def run_id() -> str:
    return new_id()
