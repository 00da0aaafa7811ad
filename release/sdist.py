"""An sdist whose bytes depend only on its contents and the release commit's time.

``SOURCE_DATE_EPOCH`` makes every backend's wheel reproducible, and the sdists of hatchling, flit
and poetry-core. setuptools and pdm-backend write into their sdist each file's time on disk (a
fresh checkout's files are as new as the checkout) and the time of the build into the gzip header:
two builds of one commit, a second apart, differ. A release whose files have to be rebuilt in
another clone (the tag's record names sha256s) could then not be finished there.

:func:`normalized` gives the archive rewritten without changing what it holds: the members in the same
order with the same contents and names, each member's time clamped to the commit's time, owner
and group 0 with no names, modes 0o644 (0o755 for directories and executables), and a gzip
header with the commit's time and no file name. The result is the same file for the same tree,
whatever the backend, the machine, the user or the umask.
"""

from __future__ import annotations

import copy
import gzip
import io
import tarfile
from pathlib import Path

# PAX header records that carry what normalized() sets (or what tarfile would write back from them).
_VOLATILE = {"mtime", "atime", "ctime", "uid", "gid", "uname", "gname"}


def normalized(path: Path, epoch: int) -> bytes:
    """The ``.tar.gz`` at ``path``, rewritten as described above."""
    archive = io.BytesIO()
    with (
        tarfile.open(path, "r:gz") as source,
        tarfile.open(fileobj=archive, mode="w", format=tarfile.PAX_FORMAT) as target,
    ):
        for member in source.getmembers():
            info = copy.copy(member)
            info.mtime = min(int(member.mtime), epoch)
            info.uid = info.gid = 0
            info.uname = info.gname = ""
            if member.isdir() or (member.isfile() and member.mode & 0o111):
                info.mode = 0o755
            elif member.isfile():
                info.mode = 0o644
            info.pax_headers = {
                key: value for key, value in member.pax_headers.items() if key not in _VOLATILE
            }
            target.addfile(info, source.extractfile(member) if member.isfile() else None)
    compressed = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=compressed, mtime=epoch) as stream:
        stream.write(archive.getvalue())
    return compressed.getvalue()
