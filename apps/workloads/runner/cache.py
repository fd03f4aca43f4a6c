"""Directories built once and reused by every later run, on this host: package environments and Git checkouts.

`<dir>.lock` (an flock, released by the kernel when its holder dies) lets one process build while the others wait;
`<dir>.ready`, written after a successful build, is what makes a directory usable. A build that died half-way leaves
no marker, and the next builder starts over.
"""

import contextlib
import fcntl
import shutil
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from apps.workloads.runner.outcome import Aborted

POLL_SECONDS = 0.1


def built_once(directory: Path, build: Callable[[Path], None], *, abort: Callable[[], bool]) -> bool:
    """Make `directory` with `build(directory)` unless it is already there; True when this call built it.

    `abort` is polled while another process holds the lock; `build` should poll it too.
    """
    marker = directory.with_name(directory.name + ".ready")
    if marker.exists():
        return False
    directory.parent.mkdir(parents=True, exist_ok=True)
    with _locked(directory.with_name(directory.name + ".lock"), abort):
        if marker.exists():
            return False  # another process built it while this one waited
        shutil.rmtree(directory, ignore_errors=True)
        try:
            build(directory)
        except BaseException:
            shutil.rmtree(directory, ignore_errors=True)
            raise
        marker.touch()
    return True


@contextlib.contextmanager
def _locked(path: Path, abort: Callable[[], bool]) -> Iterator[None]:
    with path.open("a") as handle:
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if abort():
                    raise Aborted from None
                time.sleep(POLL_SECONDS)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
