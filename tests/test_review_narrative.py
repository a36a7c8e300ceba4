"""The drafted analytical narrative (issue 17, item 3): every drafted sentence rests on
entries that say what it says, a test re-reads them from the store, a corrupted citation is
caught, and each edit is a new version with a diff.

The planted child N01 (``assurance_support``) has three domestic abuse incidents at the
home (2012, 2014, 2017), two referrals ending with no further action (2013, 2015), a new
referral in 2016, a year's silence after a concern, and no record of their views; N02 has
their views recorded once.
"""

from __future__ import annotations

import copy
import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from assurance_support import planted, rec
from wholestory.chronology.stored import stored_chronology
from wholestory.reviews import narrative_rules as rules
from wholestory.reviews.cases import ReviewError, open_review
from wholestory.reviews.narrative import diff, draft, draft_for, edit, versions
from wholestory.store import Store

T0 = dt.datetime(2025, 7, 1, 9, 0, tzinfo=dt.UTC)


def _rows() -> list[dict[str, str]]:
    n01 = [
        rec("N01", "POLICE", "DA_INCIDENT", "2012-03-01"),
        rec("N01", "CSC", "REFERRAL_NFA", "2013-05-01"),
        rec("N01", "POLICE", "DA_INCIDENT", "2014-06-01"),
        rec("N01", "CSC", "REFERRAL_NFA", "2015-02-01"),
        rec("N01", "CSC", "REFERRAL", "2016-01-10"),
        rec("N01", "POLICE", "DA_INCIDENT", "2017-09-01"),
        rec("N01", "SCHOOL", "CONTACT", "2018-12-01"),
    ]
    views = rec("N02", "SCHOOL", "CONTACT", "2019-04-01")
    views["summary"] = "Direct work: the child's wishes and feelings recorded"
    return [*n01, rec("N02", "CSC", "REFERRAL", "2019-01-01"), views]


@pytest.fixture
def kids(store: Store, tmp_path: Path) -> Store:
    return planted(store, tmp_path, _rows())


def _entries(store: Store, person: str) -> dict[str, dict[str, Any]]:
    """The child's entries as the store keeps them, re-read for each check."""
    chronology = stored_chronology(store, person)
    assert chronology is not None
    return {e["id"]: e for e in chronology["entries"]}


def _sentences(store: Store, person: str) -> list[dict[str, Any]]:
    chronology = stored_chronology(store, person)
    assert chronology is not None
    return [s for p in draft(chronology) for s in p]


def test_every_drafted_sentence_is_borne_out_by_the_entries_it_cites(kids: Store) -> None:
    for person in ("WS-N01", "WS-N02"):
        sentences = _sentences(kids, person)
        assert sentences
        by_id = _entries(kids, person)
        for s in sentences:
            assert rules.check(s, by_id) == [], s
            assert s["entries"] or s.get("search"), s


def test_the_sentences_say_the_counts_years_and_outcomes_of_their_entries(kids: Store) -> None:
    by_id = _entries(kids, "WS-N01")
    texts = {s["claim"]["kind"]: s for s in _sentences(kids, "WS-N01")}
    da = texts["da_incident"]
    cited = [by_id[i] for i in da["entries"]]
    assert {c["event_type"] for c in cited} == {"DA_INCIDENT"}
    assert (
        da["text"]
        == "Between 2012 and 2017 three domestic abuse incidents were recorded at the home."
    )
    nfa = texts["nfa"]
    assert sorted(by_id[i]["date"][:4] for i in nfa["entries"]) == ["2013", "2015"]
    assert "two referrals or assessments ended with no further action" in nfa["text"]
    assert all(by_id[i]["event_type"].endswith("_NFA") for i in nfa["entries"])
    police = next(s for s in _sentences(kids, "WS-N01") if s["claim"].get("agency") == "POLICE")
    assert all("POLICE" in by_id[i]["agencies"] for i in police["entries"])
    assert police["text"].startswith("Between 2012 and 2017") and "three entries" in police["text"]


def test_a_negative_claim_rests_on_the_search_it_summarises(kids: Store) -> None:
    none = next(s for s in _sentences(kids, "WS-N01") if s["claim"]["kind"] == "no_views")
    assert none["text"] == "Between 2012 and 2018 no agency recorded the child's views."
    assert none["entries"] == []
    assert none["search"]["words"] and none["search"]["first"] == 2012
    assert none["search"]["entries_searched"] == len(_entries(kids, "WS-N01"))
    said = next(s for s in _sentences(kids, "WS-N02") if s["claim"]["kind"] == "views")
    assert rules.check(said, _entries(kids, "WS-N02")) == []


def test_a_silence_after_a_concern_cites_the_concern_and_what_ended_it(kids: Store) -> None:
    silences = [s for s in _sentences(kids, "WS-N01") if s["claim"]["kind"] == "silence"]
    assert silences
    by_id = _entries(kids, "WS-N01")
    for s in silences:
        assert f"{s['claim']['days']} days" in s["text"]
        assert max(by_id[i]["date"][:10] for i in s["entries"]) == s["claim"]["end"]


def test_a_corrupted_citation_is_caught(kids: Store) -> None:
    by_id = _entries(kids, "WS-N01")
    sentences = {s["claim"]["kind"]: s for s in _sentences(kids, "WS-N01")}
    school = next(i for i, e in by_id.items() if e["agency"] == "SCHOOL")
    wrong = copy.deepcopy(sentences["da_incident"])
    wrong["entries"][0] = school
    assert rules.check(wrong, by_id)
    short = copy.deepcopy(sentences["nfa"])
    short["entries"] = short["entries"][:1]
    assert rules.check(short, by_id)
    made_up = copy.deepcopy(sentences["da_incident"])
    made_up["entries"].append("E-NOT-THERE")
    assert rules.check(made_up, by_id)
    silence = next(s for s in sentences.values() if s["claim"]["kind"] == "silence")
    assert rules.check({**silence, "entries": silence["entries"][:-1]}, by_id)
    said = {"claim": {"kind": "no_views"}, "entries": [], "text": ""}
    assert rules.check(said, _entries(kids, "WS-N02"))


def test_the_draft_is_version_one_and_each_edit_a_new_version(kids: Store) -> None:
    case = open_review(kids, "POLICE", "N01", dt.date(2025, 6, 2), "bo.business", now=T0)
    first = draft_for(kids, case.id, "bo.business", now=T0)
    assert first.version == 1 and first.drafted and first.paragraphs
    with pytest.raises(ReviewError):
        draft_for(kids, case.id, "bo.business", now=T0)
    second = edit(kids, case.id, first.text + "\n\nThe reviewer's own paragraph.", "bo.business")
    assert (second.version, second.drafted) == (2, False)
    assert [v.version for v in versions(kids, case.id)] == [1, 2]
    assert versions(kids, case.id)[0].paragraphs == first.paragraphs
    assert "+The reviewer's own paragraph." in diff(kids, case.id, 1, 2)
    logged = kids.query("SELECT COUNT(*) FROM ws_audit WHERE action = 'review_narrative'")
    assert logged[0][0] == 2


def _built(folder: Path, template: Path, make: Any) -> Store:
    """A store of a generated partnership, imported, linked and built (SQLite only: the
    generators are slow; the planted tests above cover PostgreSQL)."""
    import shutil

    from wholestory.chronology.stored import build_all
    from wholestory.identity import LinkThresholds, link_all
    from wholestory.ingest import ingest_paths
    from wholestory.store import open_store, resolve_url

    make(folder / "data")
    path = folder / "store.sqlite3"
    shutil.copy(template, path)
    built = open_store(resolve_url(f"sqlite:///{path}"))
    ingest_paths(built, [folder / "data"])
    link_all(built, thresholds=LinkThresholds())
    build_all(built)
    return built


@pytest.fixture(scope="module", params=["synth", "crosscheck"])
def generated(
    request: pytest.FixtureRequest, sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory
) -> Store:
    from wholestory.crosscheck import make_partnership
    from wholestory.synth import generate

    makers = {
        "synth": lambda out: generate(12, 4, out),
        "crosscheck": lambda out: make_partnership(out, 6, 5, end=dt.date(2025, 6, 30)),
    }
    return _built(tmp_path_factory.mktemp(request.param), sqlite_template, makers[request.param])


@pytest.mark.slow
def test_drafted_sentences_of_generated_children_are_borne_out(generated: Store) -> None:
    people = [str(p) for (p,) in generated.query("SELECT ws_person_id FROM ws_chronology")]
    checked, kinds = 0, set()
    for person in sorted(people)[:15]:
        sentences = _sentences(generated, person)
        by_id = _entries(generated, person)
        for s in sentences:
            assert rules.check(s, by_id) == [], (person, s)
            assert s["entries"] or s.get("search"), s
            checked += 1
            kinds.add(s["claim"]["kind"])
    assert checked > 15 and {"agency", "silence"} <= kinds
