"""Evidence that an action was done: files kept in the store, checked before they are kept.

A file is judged by what it is, not what it is called: its first bytes must be those of
one of the kinds a partnership sends as evidence (PDF, Word and Excel documents, PNG and
JPEG images, plain text or CSV in UTF-8), and it must not be larger than the limit
(``WHOLESTORY_EVIDENCE_MAX_MB``, 10 by default). When a ClamAV daemon is configured
(``WHOLESTORY_CLAMD`` or ``WHOLESTORY_CLAMD_SOCKET``: a Unix socket path, or
``host:port``), every file is also scanned with clamd's INSTREAM command, and a file
that is infected, or cannot be scanned, is refused. What was checked is kept with the
file, so the tracker can say how far to trust it. Downloads are audited, as every look is.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
import socket
import struct
import zipfile
from dataclasses import dataclass
from typing import Final

from wholestory.assurance.audits import log, stamp, utc
from wholestory.audit.actions import Action
from wholestory.reviews.recommendations import RecommendationError, action, action_target
from wholestory.store import Store

MAX_ENV: Final = "WHOLESTORY_EVIDENCE_MAX_MB"
CLAMD_ENV: Final = "WHOLESTORY_CLAMD"
#: The name the issue's brief gives; either is read, the shorter first.
CLAMD_SOCKET_ENV: Final = "WHOLESTORY_CLAMD_SOCKET"
_CHUNK: Final = 64 * 1024
_OFFICE: Final = {
    "word/": ("Word document", "application/vnd.openxmlformats-officedocument."
              "wordprocessingml.document"),
    "xl/": ("Excel workbook", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
}  # fmt: skip


class EvidenceError(RecommendationError):
    """A file refused as evidence; the message says why in plain words."""


@dataclass(frozen=True, slots=True)
class Evidence:
    """A kept file's facts (its bytes are read only to download it)."""

    id: int
    action_id: int
    filename: str
    content_type: str
    size: int
    sha256: str
    checked: str
    uploaded_by: str
    uploaded_at: dt.datetime


def kind_of(content: bytes) -> tuple[str, str]:
    """(what the file is, its content type) from its bytes, or EvidenceError."""
    if content.startswith(b"%PDF-"):
        return "PDF", "application/pdf"
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG image", "image/png"
    if content.startswith(b"\xff\xd8\xff"):
        return "JPEG image", "image/jpeg"
    if content.startswith(b"PK\x03\x04"):
        return _office(content)
    if b"\x00" not in content:
        try:
            content.decode("utf-8")
        except UnicodeDecodeError:
            pass
        else:
            return "Text", "text/plain; charset=utf-8"
    raise EvidenceError(
        "this file is not one of the kinds kept as evidence (PDF, Word, Excel, PNG, JPEG, "
        "plain text or CSV), whatever its name says"
    )


def _office(content: bytes) -> tuple[str, str]:
    try:
        names = zipfile.ZipFile(io.BytesIO(content)).namelist()
    except zipfile.BadZipFile:
        raise EvidenceError(
            "this file looks like a Word or Excel document but is damaged"
        ) from None
    if "[Content_Types].xml" in names:
        for folder, found in _OFFICE.items():
            if any(n.startswith(folder) for n in names):
                return found
    raise EvidenceError("a zip file is kept only when it is a Word or Excel document")


def largest() -> int:
    """The largest file kept, in bytes (``WHOLESTORY_EVIDENCE_MAX_MB``, 10 by default)."""
    raw = os.environ.get(MAX_ENV, "10")
    try:
        megabytes = float(raw)
    except ValueError:
        raise EvidenceError(f"{MAX_ENV} must be a number of megabytes, not '{raw}'") from None
    return int(megabytes * 1024 * 1024)


def scan(content: bytes, address: str) -> str:
    """clamd's verdict on ``content`` ("OK", or what it found), over INSTREAM."""
    family, where = _address(address)
    with socket.socket(family, socket.SOCK_STREAM) as conn:
        conn.settimeout(30)
        conn.connect(where)
        conn.sendall(b"zINSTREAM\0")
        for start in range(0, len(content), _CHUNK):
            piece = content[start : start + _CHUNK]
            conn.sendall(struct.pack("!L", len(piece)) + piece)
        conn.sendall(struct.pack("!L", 0))
        reply = b""
        while not reply.endswith(b"\0"):
            got = conn.recv(4096)
            if not got:
                break
            reply += got
    said = reply.rstrip(b"\0").decode("utf-8", "replace")
    return "OK" if said.endswith(" OK") else said.partition(": ")[2] or said


def _address(address: str) -> tuple[socket.AddressFamily, str | tuple[str, int]]:
    if address.startswith("/"):
        return socket.AF_UNIX, address
    host, _, port = address.rpartition(":")
    if not host or not port.isdigit():
        raise EvidenceError(f"{CLAMD_ENV} must be a socket path or host:port, not '{address}'")
    return socket.AF_INET, (host, int(port))


def checked(content: bytes) -> tuple[str, str]:
    """(content type, how it was checked) for a file fit to keep, or EvidenceError."""
    limit = largest()
    if not content:
        raise EvidenceError("the file is empty")
    if len(content) > limit:
        raise EvidenceError(f"the file is {len(content) / 1048576:.1f} MB; the largest kept is "
                            f"{limit / 1048576:g} MB")  # fmt: skip
    what, content_type = kind_of(content)
    clamd = (os.environ.get(CLAMD_ENV) or os.environ.get(CLAMD_SOCKET_ENV) or "").strip()
    if not clamd:
        return content_type, f"{what}: file type and size checked (no virus scanner configured)"
    try:
        verdict = scan(content, clamd)
    except OSError as error:
        raise EvidenceError(f"the virus scanner could not be reached ({error}), so the file "
                            "was not kept") from None  # fmt: skip
    if verdict != "OK":
        raise EvidenceError(f"the virus scanner found {verdict}: the file was not kept")
    return content_type, f"{what}: file type and size checked; virus scan clean"


def add_evidence(
    store: Store, action_id: int, filename: str, content: bytes, by: str,
    now: dt.datetime | None = None,
) -> Evidence:  # fmt: skip
    """Keep a file as evidence for an action, once it passes :func:`checked`."""
    found = action(store, action_id)
    if found is None:
        raise EvidenceError(f"there is no action {action_id}")
    content_type, how = checked(content)
    name = os.path.basename(filename.replace("\\", "/")).strip() or "evidence"
    at = utc(now)
    digest = hashlib.sha256(content).hexdigest()
    with store.transaction():
        made = int(
            store.scalar(
                "INSERT INTO ws_action_evidence (action_id, filename, content_type, size, sha256, "
                "content, checked, uploaded_by, uploaded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
                "RETURNING id",
                [action_id, name[:200], content_type, len(content), digest, content, how, by,
                 stamp(at)],
            )
        )  # fmt: skip
        log(store, by, Action.ACTION_EVIDENCE, "", action_target(action_id),
            {"added": name[:200], "sha256": digest, "checked": how})  # fmt: skip
    return next(e for e in evidence_of(store, action_id) if e.id == made)


def evidence_of(store: Store, action_id: int) -> list[Evidence]:
    """An action's evidence, oldest first (without the files' bytes)."""
    rows = store.query(
        "SELECT id, action_id, filename, content_type, size, sha256, checked, uploaded_by, "
        "uploaded_at FROM ws_action_evidence WHERE action_id = ? ORDER BY id",
        [action_id],
    )
    return [
        Evidence(int(r[0]), int(r[1]), str(r[2]), str(r[3]), int(r[4]), str(r[5]), str(r[6]),
                 str(r[7]), utc(r[8] if isinstance(r[8], dt.datetime)
                                else dt.datetime.fromisoformat(str(r[8]))))
        for r in rows
    ]  # fmt: skip


def content_of(store: Store, evidence_id: int, by: str) -> tuple[Evidence, bytes] | None:
    """A kept file and its bytes, the look audited first; None when there is no such file."""
    row = store.query("SELECT action_id, content FROM ws_action_evidence WHERE id = ?",
                      [evidence_id])  # fmt: skip
    if not row:
        return None
    action_id, content = int(row[0][0]), bytes(row[0][1])
    kept = next(e for e in evidence_of(store, action_id) if e.id == evidence_id)
    log(store, by, Action.ACTION_EVIDENCE, "", action_target(action_id),
        {"opened": kept.filename, "evidence": evidence_id})  # fmt: skip
    return kept, content
