"""The URLs a CHANGELOG links its versions to, on GitHub, GitLab, Bitbucket and Gitea-like forges.

Pure. A link URL is read as a :class:`RefUrl`: the URL and where in it the refs (tags, branches)
are. New links are made from one the file already has, by putting other refs in those places, so
the forge's URL shape (``/compare/a...b``, ``/-/compare/a...b``, ``/branches/compare/b%0Da``,
``/releases/tag/a``, ``/commits/a``, a ``#diff`` at the end, ...) is kept as the file writes it.
"""

from __future__ import annotations

import re
from typing import NamedTuple

# Bitbucket puts the newer ref first: /branches/compare/v1.1.0%0Dv1.0.0 (or v1.1.0..v1.0.0).
_BITBUCKET = re.compile(
    r"(?P<root>\S+?)/branches/compare/(?P<new>[^/#?\s]+?)(?:%0D|%0d|\.\.)(?P<old>[^/#?\s]+)"
    r"(?P<rest>[#?]\S*)?"
)
# GitHub, Gitea, Codeberg, Forgejo: /compare/a...b; GitLab: /-/compare/a...b ("..": two dots).
_COMPARE = re.compile(
    r"(?P<root>\S+?)(?P<gitlab>/-)?/compare/(?P<old>[^/#?\s]+?)\.\.\.?(?P<new>[^/#?\s]+)"
    r"(?P<rest>[#?]\S*)?"
)
# One ref: a tag page, a release page, the commits up to a ref, the tree at a ref.
_SINGLE = re.compile(
    r"(?P<root>\S+?)(?P<gitlab>/-)?"
    r"/(?:releases/tag|releases|tags|commits/tag|commits/branch|commits|commit|tree|src/tag|src)"
    r"/(?P<new>[^/#?\s]+)/?(?P<rest>[#?]\S*)?"
)

HEAD = "HEAD"


class RefUrl(NamedTuple):
    """A link URL, with the spans of its refs: ``old`` is None for a one-ref link."""

    url: str
    root: str  # the repository's URL
    new: tuple[int, int]
    old: tuple[int, int] | None
    forge: str  # "github" (and Gitea-likes), "gitlab" or "bitbucket"

    @property
    def new_ref(self) -> str:
        return self.url[self.new[0] : self.new[1]]

    @property
    def old_ref(self) -> str | None:
        return None if self.old is None else self.url[self.old[0] : self.old[1]]

    def with_refs(self, new: str, old: str | None = None) -> str:
        """This URL with its refs replaced (``old`` only where the URL has one)."""
        spans = [(self.new, new)]
        if self.old is not None and old is not None:
            spans.append((self.old, old))
        url = self.url
        for (start, end), ref in sorted(spans, reverse=True):
            url = url[:start] + ref + url[end:]
        return url


def read(url: str) -> RefUrl | None:
    """``url`` as a link to refs; None when it is not a shape this module knows."""
    bitbucket = _BITBUCKET.fullmatch(url)
    if bitbucket is not None:
        return RefUrl(
            url, bitbucket["root"], bitbucket.span("new"), bitbucket.span("old"), "bitbucket"
        )
    compare = _COMPARE.fullmatch(url)
    if compare is not None:
        forge = "gitlab" if compare["gitlab"] else _forge(compare["root"])
        return RefUrl(url, compare["root"], compare.span("new"), compare.span("old"), forge)
    single = _SINGLE.fullmatch(url)
    if single is not None:
        forge = "gitlab" if single["gitlab"] else _forge(single["root"])
        return RefUrl(url, single["root"], single.span("new"), None, forge)
    return None


def _forge(root: str) -> str:
    host = root.split("://", 1)[-1].split("/", 1)[0].lower()
    if "bitbucket" in host:
        return "bitbucket"
    if "gitlab" in host:
        return "gitlab"
    return "github"


def compare_url(model: RefUrl, old: str, new: str) -> str:
    """A link comparing ``old`` to ``new``, shaped like ``model`` when it compares."""
    if model.old is not None:
        return model.with_refs(new, old)
    if model.forge == "bitbucket":
        return f"{model.root}/branches/compare/{new}%0D{old}"
    if model.forge == "gitlab":
        return f"{model.root}/-/compare/{old}...{new}"
    return f"{model.root}/compare/{old}...{new}"


def single_url(model: RefUrl, ref: str) -> str:
    """A link to the one ref ``ref`` (a first release), shaped like ``model`` when it has one ref."""
    if model.old is None:
        return model.with_refs(ref)
    if model.forge == "bitbucket":
        return f"{model.root}/src/{ref}"
    if model.forge == "gitlab":
        return f"{model.root}/-/tags/{ref}"
    return f"{model.root}/releases/tag/{ref}"
