"""Stopping a server that another process started: its exit is seen at once, not after the grace period.

A Celery worker pool process may stop a Sail server that a sibling started. The exited server stays a zombie
until its parent reaps it; to anyone else its pid still exists, so waiting for the pid to vanish waited out the
grace period, then the kill's 10 s, then raised.
"""

import subprocess
import sys
import time

import psutil

from apps.infra.providers.local.host import ProcessRef
from apps.infra.providers.local.process import stop_process

# A parent that starts a child (which exits on SIGINT), prints its pid, and never reaps it.
PARENT = """
import subprocess, sys, time
child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
print(child.pid, flush=True)
time.sleep(60)
"""


def test_a_server_another_process_started_is_stopped_without_waiting_out_the_grace():
    parent = subprocess.Popen([sys.executable, "-c", PARENT], stdout=subprocess.PIPE, text=True)
    try:
        child = psutil.Process(int(parent.stdout.readline()))
        time.sleep(0.5)  # let the child's interpreter start (and install its SIGINT handler)
        started = time.monotonic()
        assert stop_process(ProcessRef.of(child), grace_seconds=5) == "interrupted"
        assert time.monotonic() - started < 3
        assert child.status() == psutil.STATUS_ZOMBIE  # exited; its own parent reaps it
    finally:
        parent.kill()
        parent.wait()


def test_a_server_we_started_is_reaped():
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    time.sleep(0.5)
    assert stop_process(ProcessRef.of(psutil.Process(child.pid)), grace_seconds=5) == "interrupted"
    assert not psutil.pid_exists(child.pid) or psutil.Process(child.pid).status() != psutil.STATUS_ZOMBIE
