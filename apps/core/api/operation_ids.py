"""One naming rule for every operation, so a generated client reads like the API.

`GET /workloads/jobs` → `jobs_list`, `POST /workloads/jobs` → `job_create`, `GET /workloads/jobs/{job}` →
`job_get`, `PATCH` → `job_update`, `PUT` → `job_replace`, `DELETE` → `job_delete`, `POST /workloads/jobs/{job}/draft/
publish` → `job_draft_publish`, `GET /me` → `me_get`, `POST /auth/login` → `auth_login`. A collection followed by
an id is named in the singular; the domain segment (`/workloads`, `/org`...) is left out when a resource follows it.
drf-spectacular warns on a collision, and the committed schema is generated with `--fail-on-warn`.
"""

DOMAINS = frozenset({"org", "infra", "workloads", "notifications"})
VERBS = {"PATCH": "update", "PUT": "replace", "DELETE": "delete"}


def singular(word: str) -> str:
    if word.endswith("ies"):
        return word[:-3] + "y"
    if word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def _words(segments: list[str]) -> list[str]:
    words = []
    for index, segment in enumerate(segments):
        if segment.startswith("{"):
            continue
        before_id = index + 1 < len(segments) and segments[index + 1].startswith("{")
        words.append(singular(segment) if before_id else segment)
    if len(words) > 1 and segments[0] in DOMAINS and not segments[1].startswith("{"):
        words = words[1:]
    return [word.replace("-", "_") for word in words]


def operation_id(path: str, method: str, *, lists: bool, creates: bool) -> str:
    """The name of `method path` (path without the API prefix).

    `lists`: a GET answers a collection (`{items: [...]}`). `creates`: a POST adds to a collection, creates the
    resource its path names, or (to an item path) adds that item to its parent; otherwise a POST to an item updates
    it, and a POST to any other path is an action named by the path (`job_draft_publish`).
    """
    segments = [segment for segment in path.split("/") if segment]
    words = _words(segments)
    if method == "GET":
        suffix = "list" if lists and not segments[-1].startswith("{") else "get"
    elif method == "POST":
        if segments[-1].startswith("{"):
            suffix = "add" if creates else "update"
        elif creates:
            words[-1], suffix = singular(words[-1]), "create"
        else:
            suffix = ""
    else:
        suffix = VERBS[method]
    return "_".join([*words, suffix] if suffix else words)
