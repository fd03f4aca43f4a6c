"""Names for this host and its processes that survive pid reuse and reboots."""

import functools
import socket
from dataclasses import dataclass
from pathlib import Path

import psutil

# Start times read twice from /proc can differ by a clock tick.
_CREATE_TIME_TOLERANCE = 0.5


@functools.cache
def hostname() -> str:
    return socket.gethostname()


def boot_id() -> str:
    path = Path("/proc/sys/kernel/random/boot_id")
    if path.exists():
        return path.read_text().strip()
    return f"boot-{int(psutil.boot_time())}"


@dataclass(frozen=True)
class ProcessRef:
    """A process named by pid and start time: the pair is unique for the life of a boot."""

    pid: int
    created_at: float

    @classmethod
    def current(cls) -> "ProcessRef":
        return cls.of(psutil.Process())

    @classmethod
    def of(cls, process: psutil.Process) -> "ProcessRef":
        return cls(pid=process.pid, created_at=process.create_time())

    def process(self) -> psutil.Process | None:
        """The live process this names, or None if it is gone (or the pid now belongs to another process)."""
        try:
            process = psutil.Process(self.pid)
            if abs(process.create_time() - self.created_at) > _CREATE_TIME_TOLERANCE:
                return None
            if process.status() == psutil.STATUS_ZOMBIE:
                return None
            return process
        except psutil.Error:
            return None

    def is_alive(self) -> bool:
        return self.process() is not None
