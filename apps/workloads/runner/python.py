"""A Python job: a program as a subprocess of its own, talking to Sail through SPARK_REMOTE.

The program is the inline source (written to tmp/job.py), a file of the Git checkout, or a package's entry point
called in the package's environment; `parameters` are its argv and `namedParameters` its environment variables.
"""

import os
import signal
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from apps.infra.providers.local.sessions import interrupt_session
from apps.workloads.runner.git_checkout import repository_file
from apps.workloads.runner.outcome import Outcome
from apps.workloads.runner.packages import interpreter, package_environment
from apps.workloads.runner.paths import RunLog, RunPaths
from apps.workloads.runner.spec import JobSpec

# Only these reach the job from the runner's environment: never the console's secrets.
_INHERITED_VARS = ("PATH", "LANG", "LC_ALL", "LC_CTYPE", "TZ")

# Runs first in the child: the job dies with the runner (PR_SET_PDEATHSIG), so a crashed runner leaves no job behind.
_LAUNCHER = """\
import ctypes, os, signal, sys
ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)
if os.getppid() != int(sys.argv[1]):
    os._exit(70)
os.execv(sys.argv[2], sys.argv[2:])
"""

# A package's entry point, as its console script would call it: argv[0] is the entry point, the return value the
# exit status. A bare name is one of the distribution's own console scripts (not any installed one).
_ENTRY_POINT = """\
import importlib, sys
from importlib.metadata import distribution
name, target = sys.argv[1], sys.argv[2]
sys.argv = [target, *sys.argv[3:]]
if ":" in target:
    module, _, attribute = target.partition(":")
    function = importlib.import_module(module)
    for part in attribute.split("."):
        function = getattr(function, part)
else:
    scripts = {e.name: e for e in distribution(name).entry_points if e.group == "console_scripts"}
    if target not in scripts:
        sys.exit(f"{name} has no console script {target!r} (it has: {', '.join(sorted(scripts)) or 'none'})")
    function = scripts[target].load()
sys.exit(function())
"""


@dataclass(frozen=True)
class Program:
    """What the job's process runs, before its parameters."""

    interpreter: str
    arguments: list[str]
    path_entries: list[str] = field(default_factory=list)  # prepended to PATH (a package environment's bin/)


class PythonExecution:
    def __init__(
        self,
        *,
        job: JobSpec,
        session_url: str,
        run_id: str,
        paths: RunPaths,
        log: RunLog,
        abort: Callable[[], bool],
        source_dir: Path | None = None,
    ) -> None:
        self.job = job
        self.parameters = job.parameters
        self.named_parameters = job.named_parameters
        self.session_url = session_url
        self.run_id = run_id
        self.paths = paths
        self.log = log
        self.abort = abort
        self.source_dir = source_dir  # the Git checkout: the working directory, and importable
        self.script = paths.tmp / "job.py"
        self.program: Program | None = None
        self._process: subprocess.Popen | None = None

    def prepare(self) -> None:
        """Write the inline source, or install the package (once: its environment is cached)."""
        job = self.job
        if job.package is not None:
            environment = package_environment(job.package.requirement, abort=self.abort, log=self.log)
            # A file, not `-c`: pyspark takes a __main__ without __file__ for its doctests, and exits.
            launcher = self.paths.tmp / "entry_point.py"
            launcher.write_text(_ENTRY_POINT)
            arguments = [str(launcher), job.package.distribution, job.package.entry_point]
            self.program = Program(str(interpreter(environment)), arguments, [str(environment / "bin")])
        elif job.git_file is not None:
            assert self.source_dir is not None
            self.program = Program(sys.executable, [str(repository_file(self.source_dir, job.git_file))])
        else:
            self.script.write_text(job.python_source or "")
            self.program = Program(sys.executable, [str(self.script)])

    def environment(self) -> dict[str, str]:
        env = {name: os.environ[name] for name in _INHERITED_VARS if name in os.environ}
        env.update(self.named_parameters)
        assert self.program is not None
        if self.program.path_entries:
            env["PATH"] = os.pathsep.join([*self.program.path_entries, env.get("PATH", os.defpath)])
        if self.source_dir is not None:
            env["PYTHONPATH"] = str(self.source_dir)
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
        assert self.program is not None
        program = [self.program.interpreter, *self.program.arguments, *self.parameters]
        if sys.platform.startswith("linux"):
            command = [sys.executable, "-c", _LAUNCHER, str(os.getpid()), *program]
        else:
            command = program
        shown = self.job.package.entry_point if self.job.package else Path(self.program.arguments[-1]).name
        self.log.write(f"python job: {shown} {' '.join(self.parameters)}".rstrip())
        with self.paths.stdout_log.open("ab") as stdout, self.paths.stderr_log.open("ab") as stderr:
            self._process = subprocess.Popen(
                command,
                env=self.environment(),
                cwd=self.source_dir or self.paths.tmp,
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
