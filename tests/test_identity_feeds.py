"""Daily feeds lose nothing: records left unlinked are taken up, relationships reach households.

And the linking commands' words when something is wrong. Both databases.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from wholestory.cli.main import app
from wholestory.store import Store
from wholestory.synth import generate

runner = CliRunner()


@pytest.fixture(scope="module")
def partnership(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small partnership, with the school's and the GP's files held back as later feeds."""
    folder = tmp_path_factory.mktemp("feeds")
    generate(60, 13, folder)
    for name in ("school.csv", "gp.csv"):
        (folder / "later").mkdir(exist_ok=True)
        shutil.move(folder / name, folder / "later" / name)
    return folder


def _ingest(*args: str) -> None:
    result = runner.invoke(app, ["ingest", *args])
    assert result.exit_code == 0, result.output


def _unlinked(store: Store, agency: str) -> int:
    return int(
        store.scalar(
            "SELECT COUNT(DISTINCT r.person_id) FROM ws_record r LEFT JOIN ws_source_person s "
            "ON s.agency = r.agency AND s.person_id = r.person_id "
            "WHERE r.agency = ? AND s.ws_person_id IS NULL",
            [agency],
        )
    )


def test_records_imported_without_linking_are_linked_by_the_next_feed(
    store_env: Store, partnership: Path
) -> None:
    _ingest(str(partnership), "--no-link")
    assert runner.invoke(app, ["link"]).exit_code == 0
    _ingest(str(partnership / "later" / "school.csv"), "--no-link")
    assert _unlinked(store_env, "SCHOOL") > 0
    _ingest(str(partnership / "later" / "gp.csv"))
    assert _unlinked(store_env, "SCHOOL") == 0
    assert _unlinked(store_env, "GP") == 0


def test_a_relationship_on_a_feed_reaches_the_household(
    store_env: Store, partnership: Path, tmp_path: Path
) -> None:
    _ingest(str(partnership), "--no-link")
    assert runner.invoke(app, ["link"]).exit_code == 0
    a, b = (
        str(p)
        for (p,) in store_env.query(
            "SELECT person_id FROM ws_source_person WHERE agency = 'POLICE' ORDER BY person_id "
            "LIMIT 2"
        )
    )
    pair = sorted([f"POLICE:{a}", f"POLICE:{b}"])
    linked = "SELECT COUNT(*) FROM ws_household_link WHERE key_a = ? AND key_b = ? AND basis = ?"
    assert store_env.scalar(linked, [*pair, "relationship"]) == 0
    feed = tmp_path / "relationships.csv"
    feed.write_text(f"agency,person_id,related_person_id,relationship\nPOLICE,{a},{b},CARER\n")
    _ingest(str(feed))
    assert store_env.scalar(linked, [*pair, "relationship"]) == 1


def test_clear_words_when_linking_cannot_go_ahead(
    store_env: Store, partnership: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WHOLESTORY_LINK_UPPER", "0,99")
    refused = runner.invoke(app, ["ingest", str(partnership)])
    assert refused.exit_code == 2
    assert "WHOLESTORY_LINK_UPPER must be a probability such as 0.99" in refused.output
    assert store_env.scalar("SELECT COUNT(*) FROM ws_record") == 0  # nothing imported
    monkeypatch.delenv("WHOLESTORY_LINK_UPPER")
    by_id = runner.invoke(
        app, ["review", "decide", "WS-0000001", "WS-0000002", "different", "--reason", "twins"]
    )
    assert by_id.exit_code == 2 and "that is a WholeStory id" in by_id.output
    folder = runner.invoke(app, ["people", "export", "--out", str(tmp_path)])
    assert folder.exit_code == 2 and "is a folder" in folder.output
    assert "Traceback" not in refused.output + by_id.output + folder.output
