"""A Python package job's environment: one virtual environment per (package spec, Python), made once and reused.

`<data>/python-envs/<key>/` is a venv whose `site-packages` ends with the console's own (a `.pth`), so the job
imports pyspark's Spark Connect client, pyarrow and pandas from the runner's environment, and pip installs only what
the package adds. The key hashes the spec, the Python version and the runner's environment: a new spec (`etl==1.3`)
gets a new environment; the same spec is never reinstalled, so pin versions.

pip comes from the runner's environment (`pip --python <venv>`) with a clean environment: the deployment's `PIP_*`
variables (index URL, find-links, no-index) pass, the console's secrets do not. A direct URL (`etl @ https://...`)
is downloaded through the outbound policy first and installed from the file.
"""

import contextlib
import hashlib
import json
import os
import re
import shutil
import signal
import site
import subprocess
import sys
import time
import venv
from collections.abc import Callable
from pathlib import Path
from urllib.parse import unquote, urlsplit

from apps.core import clock, http
from apps.infra.providers.local import layout
from apps.workloads.runner.cache import built_once
from apps.workloads.runner.outcome import Aborted, NotPrepared
from apps.workloads.runner.paths import RunLog

INSTALL_TIMEOUT_SECONDS = 900.0
DOWNLOAD_MAX_BYTES = 200_000_000
POLL_SECONDS = 0.2
_NAME = r"[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?"
_VERSION = r"(?:~=|===|==|!=|<=|>=|<|>)\s*[A-Za-z0-9_.*+!-]+"
# PEP 508 without environment markers: `name[extras] <specifiers>` or `name[extras] @ <url>`.
_REQUIREMENT = re.compile(
    rf"^(?P<name>{_NAME})\s*(?:\[\s*{_NAME}(?:\s*,\s*{_NAME})*\s*\])?\s*"
    rf"(?:@\s*(?P<url>\S+)|(?:{_VERSION}(?:\s*,\s*{_VERSION})*)?)$"
)
_OBJECT_REFERENCE = re.compile(r"^[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*:[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*$")
_SCRIPT_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
_PIP_VARS = ("PATH", "LANG", "LC_ALL", "TZ", "HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY", "SSL_CERT_FILE")


class PackageError(NotPrepared):
    pass


def requirement_problem(requirement: str) -> str | None:
    """Why `requirement` cannot be installed, or None (a check of its form: nothing is fetched)."""
    match = _REQUIREMENT.match(requirement.strip())
    if match is None:
        return "packageName is a pip requirement: a name with optional version specifiers, or `name @ <url>`."
    url = match.group("url")
    if url is not None:
        parts = urlsplit(url)
        if parts.scheme not in ("https", "http", "file"):
            return "A package URL is https, http or file."
        if parts.username or parts.password:
            return "Credentials in the package URL would not be kept secret: leave them out."
    return None


def entry_point_problem(entry_point: str) -> str | None:
    if _OBJECT_REFERENCE.match(entry_point) or _SCRIPT_NAME.match(entry_point):
        return None
    return "entryPoint is `module:function` or the name of one of the package's console scripts."


def distribution_name(requirement: str) -> str:
    match = _REQUIREMENT.match(requirement.strip())
    assert match is not None, requirement
    return match.group("name")


def environments_dir() -> Path:
    return layout.data_dir() / "python-envs"


def environment_key(requirement: str) -> str:
    identity = {"requirement": requirement.strip(), "python": sys.version, "runner": sys.prefix}
    return hashlib.sha256(json.dumps(identity, sort_keys=True).encode()).hexdigest()[:24]


def interpreter(environment: Path) -> Path:
    return environment / "bin" / "python"


def package_environment(requirement: str, *, abort: Callable[[], bool], log: RunLog) -> Path:
    """The environment with `requirement` installed: made now (pip's output in `log`) or found in the cache."""
    environment = environments_dir() / environment_key(requirement)
    began = time.monotonic()
    if built_once(environment, lambda directory: _create(requirement, directory, abort, log), abort=abort):
        log.write(f"package: installed {requirement} in {environment.name} ({time.monotonic() - began:.2f} s)")
    else:
        log.write(f"package: {requirement} from the cached environment {environment.name}")
    return environment


def _create(requirement: str, environment: Path, abort: Callable[[], bool], log: RunLog) -> None:
    venv.EnvBuilder(symlinks=True, with_pip=False).create(environment)
    packages = environment / "lib" / f"python{sys.version_info.major}.{sys.version_info.minor}" / "site-packages"
    lines = [f"import site; site.addsitedir({path!r})" for path in site.getsitepackages()]
    (packages / "_lakesail_runner.pth").write_text("\n".join(lines) + "\n")
    work = environment / ".install"
    work.mkdir()
    target = _local(requirement, work)
    log.write(f"package: pip install {target}")
    env = {name: os.environ[name] for name in _PIP_VARS if name in os.environ}
    env.update({name: value for name, value in os.environ.items() if name.startswith("PIP_")})
    env.setdefault("PIP_CACHE_DIR", str(environments_dir() / "pip-cache"))
    env.update(HOME=str(work), TMPDIR=str(work), PIP_NO_INPUT="1", PIP_DISABLE_PIP_VERSION_CHECK="1")
    command = [sys.executable, "-m", "pip", "--python", str(interpreter(environment)), "install", target]
    with log.path.open("ab") as output:
        pip = subprocess.Popen(
            command,
            env=env,
            cwd=work,
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=output,
            start_new_session=True,  # its build backends too, when it has to be stopped
        )
        _wait(pip, abort)
    if pip.returncode != 0:
        raise PackageError(f"pip could not install {requirement} (exit code {pip.returncode}): see the runner log.")
    shutil.rmtree(work)
    (environment / "lakesail-environment.json").write_text(
        json.dumps({"requirement": requirement, "python": sys.version, "createdAt": clock.now().isoformat()})
    )


def _wait(pip: subprocess.Popen, abort: Callable[[], bool]) -> None:
    deadline = time.monotonic() + INSTALL_TIMEOUT_SECONDS
    while True:
        try:
            pip.wait(POLL_SECONDS)
            return
        except subprocess.TimeoutExpired:
            pass
        if abort():
            _kill(pip)
            raise Aborted
        if time.monotonic() > deadline:
            _kill(pip)
            raise PackageError(f"Installing the package took more than {INSTALL_TIMEOUT_SECONDS:g} s.")


def _kill(pip: subprocess.Popen) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pip.pid, signal.SIGKILL)
    pip.wait()


def _local(requirement: str, work: Path) -> str:
    """What pip installs: the requirement itself, or the file an http(s) URL names, downloaded under the policy."""
    url = _REQUIREMENT.match(requirement.strip()).group("url")
    if url is None or urlsplit(url).scheme == "file":
        return requirement.strip()
    try:
        response = http.get(url, max_bytes=DOWNLOAD_MAX_BYTES, timeout=300)
    except http.OutboundError as exc:
        raise PackageError(f"The package could not be downloaded: {exc}") from exc
    if not response.ok:
        raise PackageError(f"The package could not be downloaded: HTTP {response.status} from {url}.")
    name = Path(unquote(urlsplit(response.url).path)).name
    if not name.endswith((".whl", ".tar.gz", ".zip")):
        raise PackageError(f"The package URL names no wheel or source archive (.whl, .tar.gz, .zip): {url}")
    path = work / name
    path.write_bytes(response.body)
    return str(path)
