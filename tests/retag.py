"""Make a wheel for another platform out of a real one, as a stand-in for CI's artifacts.

The copy is a well-formed wheel (PEP 427): its file name carries the new tags, its
``.dist-info/WHEEL`` lists one ``Tag:`` line per new tag, and its ``RECORD`` has the sha256 and
size of every file as they now are (the WHEEL file changed). The compiled code inside is still
the local platform's: these wheels are for checking and uploading, never for installing elsewhere.
"""

from __future__ import annotations

import base64
import hashlib
import zipfile
from pathlib import Path

from packaging.tags import Tag
from packaging.utils import parse_wheel_filename


def _record_hash(data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=")
    return "sha256=" + digest.decode("ascii")


def retag(wheel: Path, platform: str, outdir: Path, *, python: str | None = None) -> Path:
    """A copy of ``wheel`` in ``outdir`` tagged for ``platform`` (dotted for several, as in
    ``manylinux_2_17_x86_64.manylinux2014_x86_64``); ``python`` replaces the ``cp311-cp311``
    interpreter and abi too (``cp312``)."""
    tags = parse_wheel_filename(wheel.name)[3]
    old = sorted(tags, key=str)[0]
    interpreter = python or old.interpreter
    abi = python if python and old.abi.startswith("cp") else old.abi
    new_tags = [Tag(interpreter, abi, plat) for plat in platform.split(".")]
    stem = wheel.name[: -len(".whl")].rsplit("-", 3)[0]
    target = outdir / f"{stem}-{interpreter}-{abi}-{platform}.whl"

    with zipfile.ZipFile(wheel) as source:
        contents = {info.filename: source.read(info) for info in source.infolist()}
    dist_info = next(path.split("/")[0] for path in contents if path.endswith(".dist-info/WHEEL"))
    wheel_file, record_file = f"{dist_info}/WHEEL", f"{dist_info}/RECORD"
    lines = contents[wheel_file].decode("utf-8").splitlines()
    kept = [line for line in lines if not line.startswith("Tag:")]
    kept += [f"Tag: {tag}" for tag in new_tags]
    contents[wheel_file] = ("\n".join(kept) + "\n").encode("utf-8")
    records = [
        f"{path},{_record_hash(data)},{len(data)}"
        for path, data in contents.items()
        if path != record_file
    ]
    contents[record_file] = ("\n".join(records + [f"{record_file},,"]) + "\n").encode("utf-8")
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as out:
        for path, data in contents.items():
            out.writestr(path, data)
    return target
