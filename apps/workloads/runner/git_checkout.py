"""A Git source's files at the version's pinned commit (`sourceConfig.snapshotCommit`), never at the branch's tip.

Fetched once per commit into `<data>/git/<commit>/` (the files only, no history) and copied into each run's tmp/.
The fetch asks for the commit alone, one commit deep; a server that only hands out the commits its refs point at
(no `allow-reachable-sha1-in-want`) gets a second request for the reference's history instead. Connections go
through the outbound policy (`apps.core.http.pool_manager`), redirects included.
"""

import re
import shutil
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import urllib3
from dulwich.client import HttpGitClient
from dulwich.errors import GitProtocolError, HangupException
from dulwich.index import build_index_from_tree
from dulwich.repo import Repo

from apps.core import http
from apps.infra.providers.local import layout
from apps.workloads.runner.cache import built_once
from apps.workloads.runner.outcome import Aborted, NotPrepared
from apps.workloads.runner.paths import RunLog

_COMMIT = re.compile(r"^[0-9a-f]{40}$")
CONNECT_SECONDS = 10.0
READ_SECONDS = 60.0  # a stalled server; the fetch itself cannot be interrupted, so this bounds a cancel's wait


class GitCheckoutError(NotPrepared):
    pass


def checkouts_dir() -> Path:
    return layout.data_dir() / "git"


def pinned_commit(source: Mapping[str, Any]) -> str:
    commit = str(source.get("snapshotCommit") or "")
    if not _COMMIT.match(commit):
        raise GitCheckoutError("The Git source is not pinned to a commit: publish the version to pin it.")
    return commit


def checkout(source: Mapping[str, Any], *, destination: Path, abort: Callable[[], bool], log: RunLog) -> str:
    """Copy the source's files at its pinned commit to `destination`; returns the commit."""
    commit = pinned_commit(source)
    cached = checkouts_dir() / commit
    if built_once(cached, lambda directory: _fetch(source, commit, directory, abort, log), abort=abort):
        log.write(f"git: fetched {commit} from {source['url']}")
    else:
        log.write(f"git: {commit} from the cache")
    shutil.copytree(cached, destination, symlinks=True)
    return commit


def repository_file(source_dir: Path, relative: str) -> Path:
    """A file of the checkout; a path that leaves it (through a symbolic link) is refused."""
    path = (source_dir / relative).resolve()
    if not path.is_relative_to(source_dir.resolve()) or not path.is_file():
        raise GitCheckoutError(f"The repository has no file {relative} at the pinned commit.")
    return path


def _fetch(source: Mapping[str, Any], commit: str, directory: Path, abort: Callable[[], bool], log: RunLog) -> None:
    with (
        tempfile.TemporaryDirectory(dir=directory.parent, prefix=f"{commit}.fetch.") as scratch,
        Repo.init_bare(scratch) as repo,
    ):
        try:
            _fetch_commit(repo, source, commit, abort, log)
        except http.OutboundError as exc:
            raise GitCheckoutError(f"The Git repository could not be reached: {exc}") from exc
        except (GitProtocolError, HangupException, urllib3.exceptions.HTTPError, OSError) as exc:
            raise GitCheckoutError(f"The Git repository could not be fetched: {exc}".splitlines()[0]) from exc
        if abort():
            raise Aborted
        try:
            tree = repo[commit.encode()].tree
        except KeyError:
            raise GitCheckoutError(
                f"The commit {commit} is not in the repository any more (was its branch rewritten?)."
            ) from None
        directory.mkdir()
        build_index_from_tree(str(directory), str(Path(scratch) / "checkout-index"), repo.object_store, tree)


def _fetch_commit(repo: Repo, source: Mapping[str, Any], commit: str, abort: Callable[[], bool], log: RunLog) -> None:
    timeout = urllib3.Timeout(connect=CONNECT_SECONDS, read=READ_SECONDS)
    client = HttpGitClient(source["url"], pool_manager=http.pool_manager(timeout=timeout), quiet=True)
    try:
        client.fetch("", repo, determine_wants=lambda refs, depth=None: [commit.encode()], depth=1)
    except (GitProtocolError, HangupException) as exc:
        log.write(f"git: the server did not hand out {commit} alone ({exc}); fetching its reference")
        if abort():
            raise Aborted from None
        client.fetch("", repo, determine_wants=lambda refs, depth=None: _reference_wants(source, refs))


def _reference_wants(source: Mapping[str, Any], refs: Mapping[bytes, bytes]) -> list[bytes]:
    reference = source.get("reference") or {}
    kind, value = reference.get("type"), str(reference.get("value") or "").strip()
    named = {"branch": f"refs/heads/{value}", "tag": f"refs/tags/{value}"}.get(kind)
    if named and named.encode() in refs:
        return [refs[named.encode()]]
    # A commit reference, or a branch since deleted: whatever the repository still has.
    return sorted({sha for name, sha in refs.items() if name.startswith((b"refs/heads/", b"refs/tags/"))})
