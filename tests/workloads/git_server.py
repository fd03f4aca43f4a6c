"""A real Git repository served over HTTP on 127.0.0.1 (dulwich's smart HTTP server), for Git source tests."""

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from wsgiref.simple_server import WSGIRequestHandler

from dulwich import porcelain
from dulwich.repo import Repo
from dulwich.server import DictBackend
from dulwich.web import make_server, make_wsgi_chain

AUTHOR = b"Ada <ada@example.test>"


class _Quiet(WSGIRequestHandler):
    def log_message(self, format: str, *args) -> None:
        return


@dataclass
class GitRepository:
    url: str
    path: Path
    repo: Repo

    def commit(self, name: str, content: str, message: str) -> str:
        (self.path / name).write_text(content)
        porcelain.add(self.repo, [str(self.path / name)])
        return porcelain.commit(self.repo, message=message, author=AUTHOR, committer=AUTHOR).decode()

    def branch(self, name: str) -> None:
        porcelain.branch_create(self.repo, name)

    def tag(self, name: str, *, annotated: bool) -> None:
        porcelain.tag_create(self.repo, name, author=AUTHOR, message=b"release", annotated=annotated)

    def ref(self, name: str) -> str:
        return self.repo.refs[name.encode()].decode()


@contextmanager
def served_repository(root: Path) -> Iterator[GitRepository]:
    """A repository with one commit on `main`, served at http://127.0.0.1:<port>/pipelines.git."""
    path = root / "pipelines"
    path.mkdir()
    repo = Repo.init(str(path), default_branch=b"main")
    backend = DictBackend({"/pipelines.git": repo})
    server = make_server("127.0.0.1", 0, make_wsgi_chain(backend), handler_class=_Quiet)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    repository = GitRepository(f"http://127.0.0.1:{server.server_port}/pipelines.git", path, repo)
    repository.commit("daily.sql", "SELECT 1", "first")
    try:
        yield repository
    finally:
        server.shutdown()
        server.server_close()
        repo.close()
