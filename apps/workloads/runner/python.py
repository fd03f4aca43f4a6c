"""A Python job: the script as a subprocess of its own, talking to Sail through SPARK_REMOTE."""

import os
import signal
import subprocess
import sys

from apps.infra.providers.local.sessions import interrupt_session
from apps.workloads.runner.outcome import Outcome
from apps.workloads.runner.paths import RunLog, RunPaths

# Only these reach the job from the runner's environment: never the console's secrets.
_INHERITED_VARS = ("PATH", "LANG", "LC_ALL", "LC_CTYPE", "TZ")

# Runs first in the child: the job dies with the runner (PR_SET_PDEATHSIG), so a crashed runner leaves no job behind.
_LAUNCHER = """\
import ctypes, os, signal, sys
ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)
if os.getppid() != int(sys.argv[1]):
    os._exit(70)
os.execv(sys.executable, [sys.executable, *sys.argv[2:]])
"""


class PythonExecution:
    def __init__(
        self,
        *,
        source: str,
        parameters: list[str],
        named_parameters: dict[str, str],
        session_url: str,
        run_id: str,
        paths: RunPaths,
        log: RunLog,
    ) -> None:
        self.source = source
        self.parameters = parameters
        self.named_parameters = named_parameters
        self.session_url = session_url
        self.run_id = run_id
        self.paths = paths
        self.log = log
        self.script = paths.tmp / "job.py"
        self._process: subprocess.Popen | None = None

    def prepare(self) -> None:
        self.script.write_text(self.source)

    def environment(self) -> dict[str, str]:
        env = {name: os.environ[name] for name in _INHERITED_VARS if name in os.environ}
        env.update(self.named_parameters)
        # Set last so a named parameter cannot point the job elsewhere by accident.
        env.update(
            SPARK_REMOTE=self.session_url,
            LAKESAIL_RUN_ID=self.run_id,
            LAKESAIL_OUTPUT_PATH=str(self.paths.output),
            HOME=str(self.paths.tmp),
            TMPDIR=str(self.paths.tmp),
            PYTHONUNBUFFERED="1",
        )
        return env

    def start(self) -> None:
        if sys.platform.startswith("linux"):
            command = [sys.executable, "-c", _LAUNCHER, str(os.getpid()), str(self.script), *self.parameters]
        else:
            command = [sys.executable, str(self.script), *self.parameters]
        self.log.write(f"python job: {self.script.name} {' '.join(self.parameters)}".rstrip())
        with self.paths.stdout_log.open("ab") as stdout, self.paths.stderr_log.open("ab") as stderr:
            self._process = subprocess.Popen(
                command,
                env=self.environment(),
                cwd=self.paths.tmp,
                stdin=subprocess.DEVNULL,
                stdout=stdout,
                stderr=stderr,
                start_new_session=True,  # its own group: stopping it stops whatever it started too
            )

    def wait(self, timeout: float) -> bool:
        assert self._process is not None
        try:
            self._process.wait(timeout)
            return True
        except subprocess.TimeoutExpired:
            return False

    def interrupt(self) -> None:
        interrupt_session(self.session_url)
        self._kill_group()

    def close(self) -> None:
        self._kill_group()

    def _kill_group(self) -> None:
        process = self._process
        if process is None:
            return
        for sig, grace in ((signal.SIGTERM, 2.0), (signal.SIGKILL, 5.0)):
            try:
                os.killpg(process.pid, sig)
            except ProcessLookupError:
                break
            try:
                process.wait(grace)
                if sig == signal.SIGTERM:
                    os.killpg(process.pid, signal.SIGKILL)  # its children, if any outlived it
                break
            except subprocess.TimeoutExpired:
                continue
            except ProcessLookupError:
                break

    def outcome(self) -> Outcome:
        assert self._process is not None
        code = self._process.poll()
        if code == 0:
            return Outcome(succeeded=True)
        stderr = self.paths.stderr_log.read_text(errors="replace") if self.paths.stderr_log.exists() else ""
        last = next((line for line in reversed(stderr.splitlines()) if line.strip()), "")
        return Outcome(succeeded=False, error=f"The Python job exited with code {code}: {last}".rstrip(": "))
