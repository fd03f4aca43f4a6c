"""The console's global search: one box in the header, results from every domain that registers a source.

Core imports no app, so the registry lives here and each domain fills it from its AppConfig.ready():

    console_search.register("Members", member_hits, order=10)

A search function takes the acting principal, the text and a limit, and returns at most that many `Hit`s the
principal may see: it reads through the domain's own selectors, so a list it may not see is empty, never a 403.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.utils.text import slugify

from apps.core.principal import Principal

MIN_LENGTH = 2
MAX_LENGTH = 100
PER_SOURCE = 5


@dataclass(frozen=True)
class Hit:
    title: str
    url: str
    detail: str = ""


SearchFn = Callable[[Principal, str, int], Iterable[Hit]]


@dataclass(frozen=True)
class Source:
    key: str
    label: str
    search: SearchFn
    order: int


@dataclass(frozen=True)
class Group:
    label: str
    hits: list[Hit]


_sources: dict[str, Source] = {}


def register(label: str, search_fn: SearchFn, *, key: str = "", order: int = 100) -> None:
    """Add a source of hits (registering the same key again replaces it: ready() may run more than once)."""
    key = key or slugify(label)
    _sources[key] = Source(key=key, label=label, search=search_fn, order=order)


def sources() -> list[Source]:
    return sorted(_sources.values(), key=lambda s: (s.order, s.label))


def clean(text: str) -> str:
    """The text a search runs with: trimmed and bounded; too short to be useful is empty."""
    text = " ".join(text.split())[:MAX_LENGTH]
    return text if len(text) >= MIN_LENGTH else ""


def search(principal: Principal, text: str, *, limit: int = PER_SOURCE) -> list[Group]:
    """The hits of every source, in the sources' order; sources without hits are left out."""
    text = clean(text)
    if not text or principal.org is None:
        return []
    groups = []
    for source in sources():
        hits = list(source.search(principal, text, limit))[:limit]
        if hits:
            groups.append(Group(source.label, hits))
    return groups
