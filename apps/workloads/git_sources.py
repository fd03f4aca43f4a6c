"""A job's Git source (`sourceConfig`): which repository, and which commit a branch or tag names right now.

Publishing a version pins its source: `snapshotCommit` becomes the commit the reference names at that moment, so
a version always runs the same code. The reference is resolved with Git's HTTP ref advertisement
(`<url>/info/refs?service=git-upload-pack`, smart or dumb), fetched through the console's outbound HTTP policy
(`apps.core.http`): no repository on a private or link-local address unless the deployment allows it.
"""

import re
from io import BytesIO
from typing import Any
from urllib.parse import urlsplit

from dulwich.client import read_pkt_refs_v1
from dulwich.protocol import Protocol

from apps.core import http

PROVIDERS = ("github", "gitlab", "bitbucket", "git")  # where the repository is hosted; `git` for anywhere else
REFERENCE_TYPES = ("branch", "tag", "commit")
_COMMIT = re.compile(r"^[0-9a-f]{40}$")
_SERVICE_HEADER = b"# service=git-upload-pack"
MAX_ADVERTISEMENT_BYTES = 5_000_000


class GitSourceError(ValueError):
    """A source that cannot be used; `field` is its wire path under `sourceConfig`."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def check_source(source: dict[str, Any]) -> None:
    """The source's values (not the repository itself): GitSourceError for the first that is not valid."""
    url = source.get("url") or ""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise GitSourceError("sourceConfig.url", "An http(s) URL of a Git repository.")
    if parts.username or parts.password:
        raise GitSourceError("sourceConfig.url", "Credentials in the URL would not be kept secret: leave them out.")
    if source.get("provider") not in PROVIDERS:
        raise GitSourceError("sourceConfig.provider", f"One of: {', '.join(PROVIDERS)}.")
    reference = source.get("reference") or {}
    if reference.get("type") not in REFERENCE_TYPES:
        raise GitSourceError("sourceConfig.reference.type", f"One of: {', '.join(REFERENCE_TYPES)}.")
    value = (reference.get("value") or "").strip()
    if not value:
        raise GitSourceError("sourceConfig.reference.value", "The branch, tag or commit to run.")
    if reference["type"] == "commit" and not _COMMIT.match(value):
        raise GitSourceError("sourceConfig.reference.value", "A full commit id: 40 hexadecimal digits, lower-case.")


def remote_refs(url: str) -> dict[str, str]:
    """Every ref the repository advertises (`refs/heads/main` -> commit id; annotated tags peeled)."""
    try:
        response = http.get(
            url.rstrip("/") + "/info/refs?service=git-upload-pack",
            headers={"User-Agent": "git/2.43.0 (lakesail-console)"},
            max_bytes=MAX_ADVERTISEMENT_BYTES,
        )
    except http.OutboundError as exc:
        raise GitSourceError("sourceConfig.url", f"The repository could not be reached: {exc}") from exc
    if response.status in (401, 403):
        raise GitSourceError("sourceConfig.url", "The repository asks for credentials: only public ones can be used.")
    if not response.ok:
        raise GitSourceError("sourceConfig.url", f"No Git repository answers there (HTTP {response.status}).")
    try:
        advertised = _parse(response.body)
    except ValueError as exc:
        raise GitSourceError("sourceConfig.url", "The server did not answer as a Git repository.") from exc
    refs = {name: sha for name, sha in advertised.items() if not name.endswith("^{}")}
    for name, sha in advertised.items():
        if name.endswith("^{}"):
            refs[name.removesuffix("^{}")] = sha  # an annotated tag: the commit it points to
    return refs


def _parse(body: bytes) -> dict[str, str]:
    if body[4:].startswith(_SERVICE_HEADER):
        protocol = Protocol(BytesIO(body).read, lambda _data: None)
        list(protocol.read_pkt_seq())  # the service announcement, up to its flush
        refs, _capabilities = read_pkt_refs_v1(protocol.read_pkt_seq())
        return {name.decode(): sha.decode() for name, sha in refs.items()}
    # The "dumb" protocol: a plain `<sha>\t<ref>` per line.
    out = {}
    for line in body.decode().splitlines():
        sha, _, name = line.partition("\t")
        if not _COMMIT.match(sha) or not name:
            raise ValueError(line)
        out[name] = sha
    return out


def resolve_commit(source: dict[str, Any]) -> str:
    """The commit the source's reference names now (a commit reference is its own answer)."""
    check_source(source)
    kind, value = source["reference"]["type"], source["reference"]["value"].strip()
    if kind == "commit":
        return value
    name = f"refs/heads/{value}" if kind == "branch" else f"refs/tags/{value}"
    sha = remote_refs(source["url"]).get(name)
    if sha is None:
        raise GitSourceError("sourceConfig.reference.value", f"The repository has no {kind} {value!r}.")
    return sha
