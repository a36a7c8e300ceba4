"""Linking the store's people: train, score, decide, group, and keep ids stable.

Three entry points, one procedure:

- :func:`link_all` scores every person against every other (blocked), and
  re-groups everyone: ``wholestory link``.
- :func:`link_new` scores only people new or changed since the last run
  against everyone else, with the saved model (``predict_between``), and
  re-groups only the people they touch: what ``wholestory ingest`` runs.
- :func:`decide` records a person's decision on a pair and applies it at once.

Pairs at or above the upper threshold are linked automatically unless that
would make a contradictory person (see :mod:`wholestory.identity.clusters`);
pairs between the thresholds, and refused links, wait for review.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, Final

import polars as pl
from splink.internals.database_api import DatabaseAPISubClass

from wholestory.identity import default_model
from wholestory.identity.agencies import episode_agencies
from wholestory.identity.cluster_inputs import edges_from, nodes_from
from wholestory.identity.clusters import Clustering, Edge, Node, cluster, settled_apart
from wholestory.identity.features import model_frame, with_episode_agencies
from wholestory.identity.households import rebuild_household_links, update_household_links
from wholestory.identity.ids import Assignment, assign_ids, id_number
from wholestory.identity.lookalikes import (
    find_lookalikes,
    save_lookalikes,
    without_lookalikes,
)
from wholestory.identity.model import ModelOptions, TrainedModel, fits_this_version, train
from wholestory.identity.queue import review_count
from wholestory.identity.queue import review_queue as review_queue
from wholestory.identity.scoring import PAIR_SCHEMA, score_all, score_new
from wholestory.identity.sources import (
    load_sources,
    now_iso,
    people_touched_since,
    refresh_sources,
)
from wholestory.identity.thresholds import LOWER as LOWER
from wholestory.identity.thresholds import UPPER as UPPER
from wholestory.identity.thresholds import LinkError as LinkError
from wholestory.identity.thresholds import Thresholds as Thresholds
from wholestory.identity.thresholds import same_agency_pair
from wholestory.store.connection import Store


@dataclass
class LinkSummary:
    """What a run did, in counts a person can check."""

    kind: str
    source_persons: int = 0
    scored: int = 0
    people: int = 0
    new_people: int = 0
    automatic_links: int = 0
    for_review: int = 0
    refused: int = 0
    merges: int = 0
    splits: int = 0
    household_links: int = 0
    trained: bool = False
    model_id: int | None = None
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


# -- the model -----------------------------------------------------------------


def latest_model(store: Store) -> tuple[int, str] | None:
    """The newest model's id and settings JSON, or None if there is none that fits this version.

    A model saved by an earlier version, whose comparisons differ from this
    version's, is not used: the next ``wholestory link`` makes a new one.
    """
    rows = store.query("SELECT id, settings_json FROM ws_link_model ORDER BY id DESC LIMIT 1")
    if not rows or not fits_this_version(str(rows[0][1])):
        return None
    return int(rows[0][0]), str(rows[0][1])


def _save_model(store: Store, model: TrainedModel, origin: str) -> int:
    with store.transaction():
        new_id = store.scalar(
            "INSERT INTO ws_link_model (trained_at, settings_json, source_count, seconds, origin) "
            "VALUES (?, ?, ?, ?, ?) RETURNING id",
            [now_iso(), model.settings_json, model.source_count, model.seconds, origin],
        )
    return int(new_id)


def use_model(store: Store, settings_json: str, origin: str) -> int:
    """Make ``settings_json`` the model the store links with from now on (benchmarks, tests)."""
    return _save_model(store, TrainedModel(settings_json, 0.0, 0), origin)


def _new_model(
    store: Store,
    frame: pl.DataFrame,
    summary: LinkSummary,
    say: Callable[[str], None],
    db_api: DatabaseAPISubClass | None,
) -> tuple[int, str]:
    """The shipped model for a store too small to train on; otherwise one trained here.

    Trained here means started from the shipped model and blended with it
    (:func:`wholestory.identity.model.train`).
    """
    shipped_only = frame.height < default_model.TRAIN_FROM
    if not shipped_only:
        say(f"Training the model on {frame.height:,} people")
        try:
            trained = train([frame], ModelOptions(), db_api=db_api)
        except Exception as error:  # too few pairs of any kind for Splink to train on
            if not default_model.DEFAULT_MODEL_FILE.is_file():
                raise
            summary.notes.append(f"Training on this store failed ({_first_line(error)}).")
            shipped_only = True
    if shipped_only and default_model.DEFAULT_MODEL_FILE.is_file():
        why = (
            f"{frame.height:,} people are too few to train on"
            if frame.height < default_model.TRAIN_FROM
            else "this store could not be trained on"
        )
        say(f"Using the shipped model: {why}")
        summary.notes.append(f"Linked with the model that ships with WholeStory alone: {why}.")
        shipped = TrainedModel(default_model.shipped().settings_json, 0.0, frame.height)
        return _save_model(store, shipped, "default"), shipped.settings_json
    if shipped_only:  # no shipped model in this installation: train on what there is
        trained = train([frame], ModelOptions(), db_api=db_api)
    summary.trained = True
    origin = "store+default" if default_model.DEFAULT_MODEL_FILE.is_file() else "store"
    return _save_model(store, trained, origin), trained.settings_json


def _first_line(error: Exception) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


def _tf_source(frame: pl.DataFrame) -> dict[str, pl.DataFrame] | None:
    """Shipped name frequencies for a store too small to count its own; None to count them."""
    if frame.height >= default_model.TF_FROM or not default_model.DEFAULT_MODEL_FILE.is_file():
        return None
    return default_model.tf_lookups(frame, json.loads(default_model.shipped().settings_json))


# -- full and incremental runs ---------------------------------------------------


def link_all(
    store: Store,
    *,
    retrain: bool = False,
    thresholds: Thresholds | None = None,
    progress: Callable[[str], None] | None = None,
    db_api: DatabaseAPISubClass | None = None,
) -> LinkSummary:
    """Link everyone in the store; trains a model first if there is none or ``retrain``.

    ``db_api`` is where Splink runs: DuckDB in process unless given (Spark for
    very large partnerships: docs/identity-spark.md).
    """
    say = progress or (lambda _: None)
    thresholds = thresholds or Thresholds.from_environment()
    started = time.perf_counter()
    summary = LinkSummary(kind="full")
    say("Reading people from the records")
    refresh_sources(store)
    episodes = episode_agencies(store)
    frame = _model_frame(store, episodes)
    summary.source_persons = frame.height
    if frame.height < 2:
        summary.notes.append("Fewer than two people in the store: nothing to link.")
        groups = [[k] for k in frame["unique_id"]]
        _write_groups(store, summary, groups, _previous(store), None, None)
        summary.seconds = time.perf_counter() - started
        return summary
    scored = _set_aside_lookalikes(store, frame, summary)
    model = None if retrain else latest_model(store)
    if model is None:
        model = _new_model(store, scored, summary, say, db_api)
    summary.model_id = model[0]
    say("Scoring pairs")
    pairs = score_all(model[1], [scored], thresholds.lower, db_api=db_api, tf=_tf_source(frame))
    summary.scored = pairs.height
    say("Grouping into people")
    same, different = _decisions(store)
    nodes = _nodes(frame, store)
    edges = _edges(pairs, thresholds, episodes)
    vouched = _vouched(
        pairs.select("key_l", "key_r", "match_probability").iter_rows(), thresholds, episodes
    )
    clustering = cluster(nodes, edges, same, different, episode_agencies=episodes, vouched=vouched)
    run_id = _start_run(store, "full", model[0])
    _replace_pairs(
        store,
        pairs,
        clustering,
        thresholds,
        model[0],
        full=True,
        episodes=episodes,
        nodes={n.key: n for n in nodes},
    )
    _write_groups(store, summary, clustering.groups(), _previous(store), clustering, run_id)
    _count_pairs(store, summary)
    say("Grouping people into households")
    summary.household_links = rebuild_household_links(store)
    summary.seconds = time.perf_counter() - started
    _finish_run(store, run_id, summary)
    return summary


def link_new(
    store: Store,
    keys: Sequence[str] | None = None,
    *,
    since: str | None = None,
    thresholds: Thresholds | None = None,
    db_api: DatabaseAPISubClass | None = None,
) -> LinkSummary | None:
    """Link people new or changed (``keys``, or records written ``since``) against everyone else.

    Returns None when no model has been trained yet: the first ``wholestory
    link`` trains one. Existing people stay grouped as they are; new people
    join them, form new people, or (rarely) bring two existing people together.
    """
    model = latest_model(store)
    thresholds = thresholds or Thresholds.from_environment()
    started = time.perf_counter()
    summary = LinkSummary(kind="incremental")
    if keys is None:
        keys = people_touched_since(store, _resume_from(store, since or ""))
    changes = refresh_sources(store, keys)
    # People whose details changed are scored again too; they stay with their
    # person (see ``fixed`` below) and may gain links, never lose them here.
    # People a failed run left without a WholeStory id are taken up again.
    touched = set(changes.touched) | _unlinked(store, keys)
    summary.source_persons = len(changes.touched)
    if not touched:  # nobody to link; a new relationship may still change a household
        summary.household_links = update_household_links(store, sorted(keys))
        summary.seconds = time.perf_counter() - started
        return summary
    episodes = episode_agencies(store)
    everyone = _model_frame(store, episodes)
    if model is None and everyone.height >= default_model.TF_FROM:
        return None  # partnership-sized: the first `wholestory link` trains its model
    scored = _set_aside_lookalikes(store, everyone, summary)
    if model is None:  # the first records of a small store: the shipped model links them
        model = _new_model(store, scored, summary, lambda _: None, db_api)
    summary.model_id = model[0]
    is_new = scored["unique_id"].is_in(list(touched))
    new, existing = scored.filter(is_new), scored.filter(~is_new)
    tf = _tf_source(everyone)
    if existing.height:  # new against everyone, and among themselves
        pairs = score_new(model[1], existing, new, thresholds.lower, db_api=db_api, tf=tf)
    elif new.height > 1:
        pairs = score_all(model[1], [new], thresholds.lower, db_api=db_api, tf=tf)
    else:
        pairs = pl.DataFrame(schema=PAIR_SCHEMA)
    summary.scored = pairs.height
    previous = _previous(store)
    involved = touched | set(pairs["key_l"]) | set(pairs["key_r"])
    persons = {previous[k] for k in involved if previous.get(k)}
    members = {k for k, p in previous.items() if p in persons} | touched
    fixed: dict[str, list[str]] = {}
    for key in sorted(members):
        if previous.get(key):
            fixed.setdefault(str(previous[key]), []).append(key)
    same, different = _decisions(store, members)
    nodes = _nodes(everyone.filter(pl.col("unique_id").is_in(list(members))), store)
    edges = _edges(pairs, thresholds, episodes)
    vouched = _vouched(
        [*pairs.select("key_l", "key_r", "match_probability").iter_rows(),
         *_stored_pairs(store, sorted(members), thresholds.lower)],
        thresholds,
        episodes,
    )  # fmt: skip
    clustering = cluster(
        nodes, edges, same, different, fixed.values(), episode_agencies=episodes, vouched=vouched
    )
    run_id = _start_run(store, "incremental", model[0])
    by_key = {n.key: n for n in nodes}
    _replace_pairs(
        store, pairs, clustering, thresholds, model[0], full=False, episodes=episodes, nodes=by_key
    )
    _write_groups(store, summary, clustering.groups(), previous, clustering, run_id)
    _count_pairs(store, summary)
    # Every key the feed named: a new relationship changes a household, not a person's details.
    summary.household_links = update_household_links(store, sorted(touched | set(keys)))
    summary.seconds = time.perf_counter() - started
    _finish_run(store, run_id, summary)
    return summary


def _set_aside_lookalikes(store: Store, frame: pl.DataFrame, summary: LinkSummary) -> pl.DataFrame:
    """``frame`` without the records of look-alike sets, which are stored to wait as one item.

    Found over every record, before training and scoring: a set of 2,000
    records sharing a name, date of birth and address would otherwise be scored
    as two million pairs. Its records are still grouped (each their own person).
    """
    sets = find_lookalikes(frame)
    save_lookalikes(store, sets)
    if not sets.is_empty():
        count = sets["set_id"].n_unique()
        summary.notes.append(
            f"{sets.height:,} records in {count:,} look-alike set{'s' if count > 1 else ''} "
            "(many records with one name, date of birth and address) were not compared one "
            "by one: each waits in the review queue as one item to check with the agency."
        )
    return without_lookalikes(frame, sets)


def _resume_from(store: Store, since: str) -> str:
    """Where a daily feed's linking starts: ``since``, or earlier if a run since then failed.

    The start of the last linking run that finished (full or incremental): records
    written by an import whose linking failed, or by imports with --no-link, are
    linked by the next feed instead of being left out for good.
    """
    last = store.scalar(
        "SELECT MAX(started_at) FROM ws_link_run WHERE finished_at IS NOT NULL "
        "AND kind IN ('full', 'incremental')"
    )
    if last is None:  # nothing linked yet: everything is new (a time both databases read)
        return "1970-01-01 00:00:00+00:00"
    started = _utc(last if isinstance(last, dt.datetime) else dt.datetime.fromisoformat(str(last)))
    if since:
        started = min(started, _utc(dt.datetime.fromisoformat(since)))
    return started.isoformat(sep=" ")  # as now_iso() writes times


def _utc(moment: dt.datetime) -> dt.datetime:
    """A time in UTC; one written without a zone is taken as UTC, as the store writes them."""
    return moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment.astimezone(dt.UTC)


def _unlinked(store: Store, keys: Sequence[str]) -> set[str]:
    """Those of ``keys`` that have no WholeStory id yet."""
    if not keys:
        return set()
    condition, params = store.keys_in("key", list(keys))
    return {
        str(k)
        for (k,) in store.query(
            f"SELECT key FROM ws_source_person WHERE {condition} AND ws_person_id IS NULL", params
        )
    }


# -- decisions ---------------------------------------------------------------------


DECISIONS: Final = ("same", "different")


def decide(
    store: Store, key_a: str, key_b: str, decision: str, reason: str, by: str
) -> LinkSummary:
    """Record a person's decision on two source persons and re-group everyone it touches.

    A "same" joins their two people whatever the model says; a "different"
    separates them (every pair of records between the two people is decided),
    and the model can never join them again.
    """
    if decision not in DECISIONS:
        raise LinkError(f"The decision must be 'same' or 'different', not '{decision}'.")
    if not reason.strip():
        raise LinkError("Give a reason for the decision (--reason): it is kept with the link.")
    key_l, key_r = sorted((key_a, key_b))
    if key_l == key_r:
        raise LinkError("Both sides of the decision are the same record.")
    found = {
        str(r[0])
        for r in store.query("SELECT key FROM ws_source_person WHERE key IN (?, ?)", [key_l, key_r])
    }
    for key in (key_l, key_r):
        if key not in found:
            raise LinkError(
                f"No person {key} in the store "
                "(give AGENCY:PERSON_ID, as `wholestory review` lists them)."
            )
    thresholds = Thresholds.from_environment()  # before anything is written
    pairs = _decided_pairs(store, key_l, key_r) if decision == "different" else [(key_l, key_r)]
    when = now_iso()
    # The decision and the regrouping it causes go in together: a decision that
    # was recorded but not applied would leave the review queue without the pair.
    with store.transaction():
        for left, right in pairs:
            store.execute(
                "DELETE FROM ws_link_decision WHERE key_l = ? AND key_r = ?", [left, right]
            )
            store.execute(
                "INSERT INTO ws_link_decision (key_l, key_r, decision, reason, decided_by, "
                "decided_at) VALUES (?, ?, ?, ?, ?, ?)",
                [left, right, decision, reason.strip(), by, when],
            )
        return _regroup(store, {k for pair in pairs for k in pair}, "decision", thresholds)


def _decided_pairs(store: Store, key_l: str, key_r: str) -> list[tuple[str, str]]:
    """The record pairs a "different" decides: every pair between the two people.

    The reviewer sees two people, not two records: saying they are different
    must settle every pair of their records, or the same two people come back
    to the queue with their next pair. Records already of one person are
    parted only at the two records named.
    """
    people: dict[str, str | None] = {
        str(k): None if p is None else str(p)
        for k, p in store.query(
            "SELECT key, ws_person_id FROM ws_source_person WHERE key IN (?, ?)", [key_l, key_r]
        )
    }
    left, right = people.get(key_l), people.get(key_r)
    if not left or not right or left == right:
        return [(key_l, key_r)]
    rows = store.query(
        "SELECT key, ws_person_id FROM ws_source_person WHERE ws_person_id IN (?, ?)", [left, right]
    )
    mine = [str(k) for k, p in rows if p == left]
    theirs = [str(k) for k, p in rows if p == right]
    return sorted({(min(a, b), max(a, b)) for a in mine for b in theirs})


def _regroup(store: Store, keys: set[str], kind: str, thresholds: Thresholds) -> LinkSummary:
    """Re-group the people holding ``keys`` from their stored pairs and all decisions."""
    started = time.perf_counter()
    previous = _previous(store)
    persons = {previous[k] for k in keys if previous.get(k)}
    members = sorted({k for k, p in previous.items() if p in persons} | keys)
    condition, params = store.keys_in("key_l", members)
    rows = store.query(
        f"SELECT key_l, key_r, match_weight, match_probability FROM ws_link_pair "
        f"WHERE {condition} AND match_probability >= ?",
        [*params, thresholds.lower],
    )
    member_set = set(members)
    episodes = episode_agencies(store)
    edges = [
        Edge(str(a), str(b), float(w))
        for a, b, w, p in rows
        if str(b) in member_set and float(p) >= thresholds.bar(str(a), str(b), episodes)
    ]
    frame = model_frame(load_sources(store, members))
    same, different = _decisions(store, member_set)
    vouched = _vouched(
        ((a, b, p) for a, b, _, p in rows if str(b) in member_set), thresholds, episodes
    )
    clustering = cluster(
        _nodes(frame, store), edges, same, different, episode_agencies=episodes, vouched=vouched
    )
    summary = LinkSummary(kind=kind)
    model = latest_model(store)
    run_id = _start_run(store, kind, model[0] if model else None)
    _mark_refused(store, clustering)
    _write_groups(store, summary, clustering.groups(), previous, clustering, run_id)
    _count_pairs(store, summary)
    summary.seconds = time.perf_counter() - started
    _finish_run(store, run_id, summary)
    return summary


def _decisions(
    store: Store, keys: set[str] | None = None
) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    rows = store.query("SELECT key_l, key_r, decision FROM ws_link_decision")
    same: list[tuple[str, str]] = []
    different: list[tuple[str, str]] = []
    for key_l, key_r, decision in rows:
        if keys is not None and (key_l not in keys or key_r not in keys):
            continue
        (same if decision == "same" else different).append((str(key_l), str(key_r)))
    return same, different


# -- helpers -----------------------------------------------------------------------------


def _nodes(frame: pl.DataFrame, store: Store) -> list[Node]:
    """What clustering checks of each source person, with the date of their earliest record."""
    keys = frame["unique_id"].to_list()
    sql = "SELECT key, first_seen FROM ws_source_person"
    params: list[Any] = []
    if len(keys) < 50_000:  # a few people (a decision, a feed): only theirs
        condition, params = store.keys_in("key", keys)
        sql += f" WHERE {condition}"
    seen = {str(k): str(d) for k, d in store.query(sql, params) if d is not None}
    return nodes_from(frame, seen)


def _model_frame(store: Store, episodes: frozenset[str]) -> pl.DataFrame:
    """Everyone in the store as the model compares them, episode agencies marked."""
    return with_episode_agencies(model_frame(load_sources(store)), episodes)


def _automatic(pairs: pl.DataFrame, thresholds: Thresholds, episodes: frozenset[str]) -> pl.Series:
    """Whether each pair clears its bar: the upper threshold, or the same-agency one."""
    same = [same_agency_pair(a, b, episodes) for a, b in pairs.select("key_l", "key_r").iter_rows()]
    bar = pl.Series(same, dtype=pl.Boolean).replace_strict(
        {True: thresholds.same_agency, False: thresholds.upper}, return_dtype=pl.Float64
    )
    return pairs["match_probability"] >= bar


def _vouched(
    pairs: Iterable[tuple[Any, Any, Any]], thresholds: Thresholds, episodes: frozenset[str]
) -> list[tuple[str, str]]:
    """Pairs of one agency's ids strong enough (the upper threshold) to be one person when
    other links bring them together (see ``Clustering._all_vouched``)."""
    return [
        (str(a), str(b))
        for a, b, p in pairs
        if float(p) >= thresholds.lower and same_agency_pair(str(a), str(b), episodes)
    ]


def _stored_pairs(store: Store, keys: Sequence[str], least: float) -> list[tuple[Any, Any, Any]]:
    """Scored pairs already in the store among ``keys``, at or above ``least``."""
    if not keys:
        return []
    condition, params = store.keys_in("key_l", list(keys))
    wanted = set(keys)
    return [
        (a, b, p)
        for a, b, p in store.query(
            f"SELECT key_l, key_r, match_probability FROM ws_link_pair WHERE {condition} "
            "AND match_probability >= ?",
            [*params, least],
        )
        if str(b) in wanted
    ]


def _edges(pairs: pl.DataFrame, thresholds: Thresholds, episodes: frozenset[str]) -> list[Edge]:
    if pairs.is_empty():
        return []
    return edges_from(pairs.filter(_automatic(pairs, thresholds, episodes)))


def _previous(store: Store) -> dict[str, str | None]:
    rows = store.query("SELECT key, ws_person_id FROM ws_source_person")
    return {str(k): (str(p) if p is not None else None) for k, p in rows}


def _states(
    pairs: pl.DataFrame,
    clustering: Clustering,
    thresholds: Thresholds,
    episodes: frozenset[str],
    nodes: dict[str, Node],
) -> pl.DataFrame:
    """Each pair's state: auto (linked), held or review (waits for a person), or apart.

    Apart: the records themselves say two people (two valid NHS numbers,
    births a generation apart, twins' names), so no person need be asked.
    """
    refused = {(r.key_l, r.key_r): r for r in clustering.refused}
    refused.update({(r.key_r, r.key_l): r for r in clustering.refused})
    notes: list[str | None] = []
    settled: list[bool] = []
    for a, b in pairs.select("key_l", "key_r").iter_rows():
        refusal = refused.get((a, b))
        why = settled_apart(nodes[a], nodes[b]) if a in nodes and b in nodes else None
        why = why or clustering.settled_between(a, b)
        notes.append(refusal.reason if refusal else why)
        settled.append(bool(refusal.settled) if refusal else why is not None)
    automatic = (
        _automatic(pairs, thresholds, episodes) if pairs.height else pl.Series([], dtype=pl.Boolean)
    )
    return pairs.with_columns(
        note=pl.Series(notes, dtype=pl.String),
        settled=pl.Series(settled, dtype=pl.Boolean),
        refused=pl.Series(
            [(a, b) in refused for a, b in pairs.select("key_l", "key_r").iter_rows()],
            dtype=pl.Boolean,
        ),
        automatic=automatic,
    ).with_columns(
        state=pl.when(pl.col("refused") & pl.col("settled"))
        .then(pl.lit("apart"))
        .when(pl.col("refused"))
        .then(pl.lit("held"))
        .when(pl.col("automatic"))
        .then(pl.lit("auto"))
        .when(pl.col("settled"))
        .then(pl.lit("apart"))
        .otherwise(pl.lit("review")),
        note=pl.when(pl.col("automatic") & ~pl.col("refused"))
        .then(None)
        .when(
            pl.col("note").is_null()
            & ~pl.col("automatic")
            & (pl.col("match_probability") >= thresholds.upper)
        )
        .then(pl.lit(SAME_AGENCY_NOTE))
        .otherwise(pl.col("note")),
    )


#: Why a strong pair of one agency's two ids waits for a person.
SAME_AGENCY_NOTE: Final = (
    "two ids of one agency, which holds them as two people: linked without a person "
    "only on overwhelming evidence"
)


def _replace_pairs(
    store: Store,
    pairs: pl.DataFrame,
    clustering: Clustering,
    thresholds: Thresholds,
    model_id: int,
    *,
    full: bool,
    episodes: frozenset[str],
    nodes: dict[str, Node],
) -> None:
    rows = _states(pairs, clustering, thresholds, episodes, nodes).select(
        "key_l", "key_r", "match_weight", "match_probability", "evidence", "state", "note"
    )
    with store.transaction():
        if full:
            store.execute("DELETE FROM ws_link_pair")
        elif not rows.is_empty():
            condition, params = store.keys_in(
                "key_l || '|' || key_r",
                [f"{a}|{b}" for a, b in rows.select("key_l", "key_r").iter_rows()],
            )
            store.execute(f"DELETE FROM ws_link_pair WHERE {condition}", params)
        store.insert_frame("ws_link_pair", rows, {"model_id": model_id, "scored_at": now_iso()})


def _mark_refused(store: Store, clustering: Clustering) -> None:
    """After a decision, pairs the re-grouping refused are held for review with the reason."""
    with store.transaction():
        for refusal in clustering.refused:
            store.execute(
                "UPDATE ws_link_pair SET state = 'held', note = ? WHERE key_l = ? AND key_r = ?",
                [refusal.reason, *sorted((refusal.key_l, refusal.key_r))],
            )


def _start_run(store: Store, kind: str, model_id: int | None) -> int:
    with store.transaction():
        return int(
            store.scalar(
                "INSERT INTO ws_link_run (kind, model_id, started_at, counts) "
                "VALUES (?, ?, ?, ?) RETURNING id",
                [kind, model_id, now_iso(), "{}"],
            )
        )


def _finish_run(store: Store, run_id: int, summary: LinkSummary) -> None:
    with store.transaction():
        store.execute(
            "UPDATE ws_link_run SET finished_at = ?, counts = ? WHERE id = ?",
            [now_iso(), json.dumps(summary.as_dict()), run_id],
        )


def _count_pairs(store: Store, summary: LinkSummary) -> None:
    counts: dict[str, int] = {
        str(state): int(n)
        for state, n in store.query("SELECT state, COUNT(*) FROM ws_link_pair GROUP BY state")
    }
    summary.automatic_links = int(counts.get("auto", 0))
    summary.refused = int(counts.get("held", 0))
    summary.for_review = review_count(store)
    summary.people = int(
        store.scalar("SELECT COUNT(*) FROM ws_person WHERE status = 'active'") or 0
    )


def _write_groups(
    store: Store,
    summary: LinkSummary,
    groups: Sequence[Sequence[str]],
    previous: dict[str, str | None],
    clustering: Clustering | None,
    run_id: int | None,
) -> None:
    """Give groups their ids (keeping old ones), and write people, links and events."""
    highest = store.scalar("SELECT MAX(id) FROM ws_person")
    next_number = id_number(str(highest)) + 1 if highest else 1
    same_keys = {k for pair in _decisions(store)[0] for k in pair}
    explain = _explainer(store, clustering)
    assignment = assign_ids(groups, previous, next_number, explain)
    now = now_iso()
    sizes = {key: len(group) for group in groups for key in group}
    before = {
        str(k): (p, b)
        for k, p, b in store.query("SELECT key, ws_person_id, linked_by FROM ws_source_person")
    }
    updates = []
    for key, person in assignment.ids.items():
        linked_by = _linked_by(key, sizes[key], same_keys)
        if before.get(key) != (person, linked_by):
            updates.append((person, linked_by, now, key))
    with store.transaction():
        if assignment.created:
            store.insert_frame(
                "ws_person",
                pl.DataFrame({"id": assignment.created}),
                {"status": "active", "created_at": now, "updated_at": now},
            )
        store.executemany(
            "UPDATE ws_source_person SET ws_person_id = ?, linked_by = ?, linked_at = ? "
            "WHERE key = ?",
            updates,
        )
        _write_changes(store, assignment, now, run_id)
    summary.new_people += len(assignment.created)
    summary.merges += len(assignment.merged_away)
    summary.splits += sum(1 for c in assignment.changes if c.kind == "split")


def _linked_by(key: str, size: int, same_keys: set[str]) -> str:
    if size == 1:
        return "alone"
    return "person" if key in same_keys else "machine"


def _write_changes(store: Store, assignment: Assignment, now: str, run_id: int | None) -> None:
    for change in assignment.changes:
        store.execute(
            "INSERT INTO ws_person_event (at, kind, ws_person_id, other_person_id, reason, run_id) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            [now, change.kind, change.person, change.other, change.reason, run_id],
        )
        if change.kind == "merged":
            store.execute(
                "UPDATE ws_person SET status = 'merged', merged_into = ?, updated_at = ? "
                "WHERE id = ?",
                [change.person, now, change.other],
            )
            store.execute(
                "UPDATE ws_person SET status = 'merged', merged_into = ?, updated_at = ? "
                "WHERE merged_into = ?",
                [change.person, now, change.other],
            )
            store.execute(
                "INSERT INTO ws_person_event (at, kind, ws_person_id, other_person_id, reason, "
                "run_id) VALUES (?, 'merged_into', ?, ?, ?, ?)",
                [now, change.other, change.person, change.reason, run_id],
            )


def _explainer(
    store: Store, clustering: Clustering | None
) -> Callable[[str, Sequence[str], Sequence[str]], str]:
    """Words for why two parts were joined (the strongest link) or parted.

    Parted: the refusal, a person's decision, or a link that weakened.
    """
    refusals = list(clustering.refused) if clustering else []

    def explain(kind: str, part_a: Sequence[str], part_b: Sequence[str]) -> str:
        a, b = set(part_a), set(part_b)
        if kind == "merged":
            link = _strongest_link(store, a, b)
            if link:
                return link
            return "linked by a person's decision or a chain of links"
        for refusal in refusals:
            if {refusal.key_l, refusal.key_r} & a and {refusal.key_l, refusal.key_r} & b:
                return f"{refusal.key_l} and {refusal.key_r} are no longer linked: {refusal.reason}"
        for key_l, key_r in _decisions(store)[1]:
            if (key_l in a and key_r in b) or (key_l in b and key_r in a):
                return f"a person decided {key_l} and {key_r} are different people"
        return "their link fell below the threshold when the records were scored again"

    return explain


def _strongest_link(store: Store, a: Iterable[str], b: Iterable[str]) -> str | None:
    a_list, b_set = list(a), set(b)
    condition, params = store.keys_in("key_l", a_list)
    rows = store.query(
        f"SELECT key_l, key_r, match_probability FROM ws_link_pair WHERE {condition} "
        "UNION ALL SELECT key_r, key_l, match_probability FROM ws_link_pair WHERE "
        + condition.replace("key_l", "key_r"),
        [*params, *params],
    )
    best = max(((p, k, o) for k, o, p in rows if o in b_set), default=None)
    if best is None:
        same = [
            d
            for d in _decisions(store)[0]
            if (d[0] in a_list and d[1] in b_set) or (d[1] in a_list and d[0] in b_set)
        ]
        if same:
            return f"a person decided {same[0][0]} and {same[0][1]} are the same person"
        return None
    return f"{best[1]} and {best[2]} linked with match probability {best[0]:.4f}"
