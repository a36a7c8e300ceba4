"""Evidence files for actions (issue 17, item 3): judged by their bytes, not their names;
refused when too large, empty or of a kind not kept; scanned by a configured ClamAV daemon
(here a fake one speaking clamd's INSTREAM on a local socket), refused when it finds
something or cannot be reached; kept with how they were checked; every upload and opening
audited."""

from __future__ import annotations

import datetime as dt
import io
import socket
import struct
import threading
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from test_recommendations import T0, TODAY, users
from wholestory import audit
from wholestory.reviews.evidence import (
    CLAMD_ENV,
    MAX_ENV,
    EvidenceError,
    add_evidence,
    content_of,
    evidence_of,
    kind_of,
)
from wholestory.reviews.recommendations import add_action, add_recommendation
from wholestory.store import Store

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64


def _office(folder: str) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr(f"{folder}document.xml", "<x/>")
    return out.getvalue()


@pytest.fixture
def action_id(store: Store) -> int:
    users(store)
    rec = add_recommendation(store, "audit", "Audit programme 1", "Supervision records the child",
                             TODAY, "bo.business", now=T0)  # fmt: skip
    return add_action(store, rec.id, "Dip-sample supervision", "CSC", "otto.owner",
                      TODAY, "bo.business", now=T0).id  # fmt: skip


@pytest.mark.parametrize(
    ("content", "kind"),
    [
        (PDF, "PDF"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 20, "PNG image"),
        (b"\xff\xd8\xff\xe0" + b"\x00" * 20, "JPEG image"),
        (_office("word/"), "Word document"),
        (_office("xl/"), "Excel workbook"),
        (b"month,share\n2026-01,61%\n", "Text"),
    ],
)
def test_kinds_are_told_by_their_bytes(content: bytes, kind: str) -> None:
    assert kind_of(content)[0] == kind


@pytest.mark.parametrize(
    ("content", "said"),
    [
        (EXE, "not one of the kinds kept"),
        (b"PK\x03\x04 not really a zip", "damaged"),
        (_office("other/"), "only when it is a Word or Excel document"),
        ("caf\xe9".encode("latin-1"), "not one of the kinds kept"),
    ],
)
def test_other_kinds_are_refused(content: bytes, said: str) -> None:
    with pytest.raises(EvidenceError, match=said):
        kind_of(content)


def test_a_program_named_as_a_pdf_is_refused_and_nothing_kept(
    store: Store, action_id: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(CLAMD_ENV, raising=False)
    with pytest.raises(EvidenceError, match="whatever its name says"):
        add_evidence(store, action_id, "report.pdf", EXE, "otto.owner", T0)
    assert evidence_of(store, action_id) == []


def test_too_large_and_empty_files_are_refused(
    store: Store, action_id: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(CLAMD_ENV, raising=False)
    monkeypatch.setenv(MAX_ENV, "0.001")  # about 1 KB
    with pytest.raises(EvidenceError, match="the largest kept is"):
        add_evidence(store, action_id, "big.pdf", PDF + b" " * 2000, "otto.owner", T0)
    with pytest.raises(EvidenceError, match="empty"):
        add_evidence(store, action_id, "nothing.txt", b"", "otto.owner", T0)
    assert evidence_of(store, action_id) == []


def test_kept_with_how_it_was_checked_and_opening_it_is_audited(
    store: Store, action_id: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(CLAMD_ENV, raising=False)
    kept = add_evidence(store, action_id, "C:\\Users\\otto\\audit report.pdf", PDF, "otto.owner",
                        T0)  # fmt: skip
    assert kept.filename == "audit report.pdf" and kept.content_type == "application/pdf"
    assert kept.size == len(PDF)
    assert "no virus scanner configured" in kept.checked
    opened = content_of(store, kept.id, "lee.police")
    assert opened is not None and opened[1] == PDF
    assert audit.entries(store, action="action_evidence", limit=1)[0].actor == "lee.police"
    assert content_of(store, kept.id + 99, "lee.police") is None


class FakeClamd:
    """A clamd that answers INSTREAM: FOUND when the stream holds the EICAR marker."""

    def __init__(self, folder: Path) -> None:
        self.path = str(folder / "clamd.sock")
        self.server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.server.bind(self.path)
        self.server.listen(4)
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.server.accept()
            except OSError:
                return
            with conn:
                self._answer(conn)

    def _answer(self, conn: socket.socket) -> None:
        data = b""
        while b"\0" not in data:
            data += conn.recv(1)
        body = b""
        while True:
            size = struct.unpack("!L", self._exactly(conn, 4))[0]
            if size == 0:
                break
            body += self._exactly(conn, size)
        found = b"EICAR" in body
        conn.sendall(b"stream: Eicar-Test-Signature FOUND\0" if found else b"stream: OK\0")

    @staticmethod
    def _exactly(conn: socket.socket, n: int) -> bytes:
        got = b""
        while len(got) < n:
            got += conn.recv(n - len(got))
        return got


@pytest.fixture
def clamd(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeClamd]:
    fake = FakeClamd(tmp_path)
    monkeypatch.setenv(CLAMD_ENV, fake.path)
    yield fake
    fake.server.close()


def test_a_configured_scanner_scans_every_file(
    store: Store, action_id: int, clamd: FakeClamd
) -> None:
    kept = add_evidence(store, action_id, "notes.txt", b"Supervision notes, clean.", "otto.owner",
                        T0)  # fmt: skip
    assert kept.checked.endswith("virus scan clean")
    with pytest.raises(EvidenceError, match="found Eicar-Test-Signature FOUND"):
        add_evidence(store, action_id, "notes2.txt", b"X5O EICAR test", "otto.owner", T0)
    assert [e.filename for e in evidence_of(store, action_id)] == ["notes.txt"]


def test_a_configured_scanner_that_cannot_be_reached_keeps_nothing(
    store: Store, action_id: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(CLAMD_ENV, str(tmp_path / "nobody-listens.sock"))
    with pytest.raises(EvidenceError, match="could not be reached"):
        add_evidence(store, action_id, "notes.txt", b"Clean notes", "otto.owner",
                     dt.datetime(2026, 3, 2, tzinfo=dt.UTC))  # fmt: skip
    assert evidence_of(store, action_id) == []
