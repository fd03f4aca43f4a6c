"""Sail server processes at the OS level: spawn, signal, find. No database here (see supervisor.py)."""

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import psutil

from apps.infra.providers.local.host import ProcessRef

# Every Sail process we start carries these, so the reaper can find it whatever happened to its parent.
PROCESS_ID_VAR = "LAKESAIL_SAIL_PROCESS_ID"
NAMESPACE_VAR = "LAKESAIL_SAIL_NAMESPACE"
# Copied from the starter's environment when set: lets a test session (or an operator) find what it started.
LABEL_VAR = "LAKESAIL_SAIL_LABEL"

# Only these reach a Sail server from our environment: never the console's secrets or a stray SAIL_ setting.
_INHERITED_VARS = ("PATH", "LANG", "LC_ALL", "LC_CTYPE", "TZ", "HOME", "TMPDIR", "RUST_LOG", "RUST_BACKTRACE")


def free_port(host: str) -> int:
    """A port the OS reports free now; the caller retries if it is taken before the server binds it."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def spawn_sail(
    *,
    process_id: str,
    namespace: str,
    sail_env: Mapping[str, str],
    host: str,
    port: int,
    work_dir: Path,
    log_path: Path,
) -> ProcessRef:
    """Start `sail spark server` in a session of its own, so neither a signal to our process group nor our death
    reaches it unnoticed: it lives until stopped or reaped."""
    if host not in ("127.0.0.1", "::1", "localhost"):
        raise ValueError(f"Sail servers listen on loopback only, not {host!r}")
    env = {name: os.environ[name] for name in _INHERITED_VARS if name in os.environ}
    if os.environ.get(LABEL_VAR):
        env[LABEL_VAR] = os.environ[LABEL_VAR]
    env.update(sail_env)
    env[PROCESS_ID_VAR] = process_id
    env[NAMESPACE_VAR] = namespace
    work_dir.mkdir(parents=True, exist_ok=True)
    log_path.parent.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, "-m", "pysail", "spark", "server", "--ip", host, "--port", str(port)]
    command += ["-C", str(work_dir)]
    with log_path.open("ab") as log:
        popen = subprocess.Popen(
            command,
            env=env,
            cwd=work_dir,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    # Popen would reap it only if we polled it; the ProcessRef (pid + start time) is what the database keeps.
    return ProcessRef.of(psutil.Process(popen.pid))


def stop_process(ref: ProcessRef, *, grace_seconds: float) -> str:
    """SIGINT (Sail shuts down once its running queries end), then SIGKILL after the grace period.

    Returns how it ended: "gone" (already), "interrupted" or "killed". SIGTERM is not used: Sail does not handle it.
    """
    process = ref.process()
    if process is None:
        return "gone"
    try:
        process.send_signal(signal.SIGINT)
    except psutil.NoSuchProcess:
        return "interrupted"
    if _ended(ref, process, grace_seconds):
        return "interrupted"
    try:
        process.kill()
    except psutil.NoSuchProcess:
        return "killed"
    _ended(ref, process, 10)
    return "killed"


def _ended(ref: ProcessRef, process: psutil.Process, timeout: float) -> bool:
    """Whether the process exits within `timeout`. Its parent reaps it (psutil's wait does, when that is us); any
    other process sees an exited server as a zombie until then, which counts as ended: waiting for the pid to vanish
    would wait out the whole timeout (a worker process stopping a server that another one started)."""
    try:
        if process.ppid() == os.getpid():
            process.wait(timeout=timeout)
            return True
    except psutil.TimeoutExpired:
        return False
    except psutil.NoSuchProcess:
        return True
    deadline = time.monotonic() + timeout
    while ref.process() is not None:
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.05)
    return True


@dataclass(frozen=True)
class MarkedProcess:
    ref: ProcessRef
    process_id: str
    namespace: str
    label: str


def marked_processes(*, namespace: str | None = None, label: str | None = None) -> list[MarkedProcess]:
    """Live Sail processes we started (found by the variables in their environment), optionally filtered."""
    found = []
    my_uid = os.getuid()
    for process in psutil.process_iter(["pid", "uids", "create_time", "status"]):
        info = process.info
        if info["uids"] is None or info["uids"].real != my_uid or info["status"] == psutil.STATUS_ZOMBIE:
            continue
        try:
            env = process.environ()
        except psutil.Error:
            continue
        if PROCESS_ID_VAR not in env:
            continue
        marked = MarkedProcess(
            ref=ProcessRef(pid=info["pid"], created_at=info["create_time"]),
            process_id=env[PROCESS_ID_VAR],
            namespace=env.get(NAMESPACE_VAR, ""),
            label=env.get(LABEL_VAR, ""),
        )
        if (namespace is None or marked.namespace == namespace) and (label is None or marked.label == label):
            found.append(marked)
    return found


def log_tail(path: Path, *, lines: int = 20) -> str:
    try:
        with path.open("rb") as log:
            log.seek(0, os.SEEK_END)
            log.seek(max(0, log.tell() - 16384))
            text = log.read().decode(errors="replace")
    except OSError:
        return ""
    return "\n".join(text.splitlines()[-lines:])


def wait_for(predicate, *, timeout: float, interval: float = 0.05) -> bool:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() >= deadline:
            return False
        time.sleep(interval)
    return True
