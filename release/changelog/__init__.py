"""Keep a Changelog (1.1.0) text in, values or edited text out.

Pure: no file, git or subprocess here. The editing functions return new text in which only the
lines they edit or insert differ; everything else is kept byte for byte: the newline style (LF or
CRLF, also used for inserted lines), custom categories (``### Testing``), ``####`` subsections,
``---`` separators, wrapped bullets, free text and a missing newline at the end of the file.

Queries (:func:`find`, :func:`notes`, :func:`unreleased_changes`, :func:`is_breaking`,
:func:`is_released`) answer from what they can read of a file with problems elsewhere; the edits
(:func:`release`, :func:`mark_yanked`) and :func:`parse` refuse such a file with a ChangelogError
naming the line. :func:`lint` lists every problem.

The modules, by job: ``scan`` finds the lines that matter; ``parse`` reads sections and their
problems; ``body`` reads a section's entries; ``links`` and ``table`` handle the compare links and
the version table; ``promote`` edits; ``lint`` lists problems; ``notes`` answers queries.
"""

from .lint import Review, lint, review, unreadable
from .notes import changes, find, is_breaking, is_released, notes, parse, unreleased_changes
from .parse import Section
from .promote import mark_yanked, release

__all__ = [
    "Section",
    "parse",
    "find",
    "unreleased_changes",
    "changes",
    "is_breaking",
    "release",
    "is_released",
    "notes",
    "lint",
    "review",
    "Review",
    "unreadable",
    "mark_yanked",
]
