"""Linking the store's people: train, score, decide, group, and keep ids stable.

Three entry points, one procedure:

- :func:`link_all` scores every person against every other (blocked), and
  re-groups everyone: ``wholestory link``.
- :func:`link_new` scores only people new or changed since the last run
  against everyone else, with the saved model (``predict_between``), and
  re-groups only the people they touch: what ``wholestory ingest`` runs.
- :func:`decide` records a person's decision on a pair and applies it at once
  (:mod:`wholestory.identity.decisions`).

Pairs at or above the upper threshold are linked automatically unless that
would make a contradictory person (see :mod:`wholestory.identity.clusters`);
pairs between the thresholds, and refused links, wait for review.

Callers import from the front door (:mod:`wholestory.identity`); the names
this module held before the package was split (``decide``, ``LinkError``,
``LinkSummary``, ``LinkThresholds``, ``review_queue``) still answer here for the
callers not yet moved.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Sequence

import polars as pl

from wholestory.identity import default_model
from wholestory.identity.agencies import episode_agencies
from wholestory.identity.cluster_inputs import (
    automatic_edges,
    previous_people,
    read_nodes,
    recorded_decisions,
    store_frame,
    stored_pairs,
    vouched_pairs,
)
from wholestory.identity.clusters import cluster
from wholestory.identity.households import rebuild_household_links, update_household_links
from wholestory.identity.lookalikes import find_lookalikes, save_lookalikes, without_lookalikes
from wholestory.identity.pair_states import replace_pairs
from wholestory.identity.person_index import write_groups
from wholestory.identity.runs import LinkSummary, count_pairs, finish_run, start_run
from wholestory.identity.saved_models import latest_model, new_model, tf_source
from wholestory.identity.scoring import PAIR_SCHEMA, score_all, score_new
from wholestory.identity.sources import people_touched_since, refresh_sources
from wholestory.identity.splink_api import DatabaseAPISubClass
from wholestory.identity.thresholds import LinkThresholds
from wholestory.store.connection import Store


def link_all(
    store: Store,
    *,
    retrain: bool = False,
    thresholds: LinkThresholds | None = None,
    progress: Callable[[str], None] | None = None,
    db_api: DatabaseAPISubClass | None = None,
) -> LinkSummary:
    """Link everyone in the store; trains a model first if there is none or ``retrain``.

    ``db_api`` is where Splink runs: DuckDB in process unless given (Spark for
    very large partnerships: docs/identity-spark.md).
    """
    say = progress or (lambda _: None)
    thresholds = thresholds or LinkThresholds.from_environment()
    started = time.perf_counter()
    summary = LinkSummary(kind="full")
    say("Reading people from the records")
    refresh_sources(store)
    episodes = episode_agencies(store)
    frame = store_frame(store, episodes)
    summary.source_persons = frame.height
    if frame.height < 2:
        summary.notes.append("Fewer than two people in the store: nothing to link.")
        groups = [[k] for k in frame["unique_id"]]
        write_groups(store, summary, groups, previous_people(store), None, None)
        summary.seconds = time.perf_counter() - started
        return summary
    scored = _set_aside_lookalikes(store, frame, summary)
    model = None if retrain else latest_model(store)
    if model is None:
        model = new_model(store, scored, summary, say, db_api)
    summary.model_id = model[0]
    say("Scoring pairs")
    pairs = score_all(model[1], [scored], thresholds.lower, db_api=db_api, tf=tf_source(frame))
    summary.scored = pairs.height
    say("Grouping into people")
    same, different = recorded_decisions(store)
    nodes = read_nodes(frame, store)
    edges = automatic_edges(pairs, thresholds, episodes)
    vouched = vouched_pairs(
        pairs.select("key_l", "key_r", "match_probability").iter_rows(), thresholds, episodes
    )
    clustering = cluster(nodes, edges, same, different, episode_agencies=episodes, vouched=vouched)
    run_id = start_run(store, "full", model[0])
    replace_pairs(
        store,
        pairs,
        clustering,
        thresholds,
        model[0],
        full=True,
        episodes=episodes,
        nodes={n.key: n for n in nodes},
    )
    write_groups(store, summary, clustering.groups(), previous_people(store), clustering, run_id)
    count_pairs(store, summary)
    say("Grouping people into households")
    summary.household_links = rebuild_household_links(store)
    summary.seconds = time.perf_counter() - started
    finish_run(store, run_id, summary)
    return summary


def link_new(
    store: Store,
    keys: Sequence[str] | None = None,
    *,
    since: str | None = None,
    thresholds: LinkThresholds | None = None,
    db_api: DatabaseAPISubClass | None = None,
) -> LinkSummary | None:
    """Link people new or changed (``keys``, or records written ``since``) against everyone else.

    Returns None when no model has been trained yet: the first ``wholestory
    link`` trains one. Existing people stay grouped as they are; new people
    join them, form new people, or (rarely) bring two existing people together.
    """
    model = latest_model(store)
    thresholds = thresholds or LinkThresholds.from_environment()
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
    everyone = store_frame(store, episodes)
    if model is None and everyone.height >= default_model.TF_FROM:
        return None  # partnership-sized: the first `wholestory link` trains its model
    scored = _set_aside_lookalikes(store, everyone, summary)
    if model is None:  # the first records of a small store: the shipped model links them
        model = new_model(store, scored, summary, lambda _: None, db_api)
    summary.model_id = model[0]
    is_new = scored["unique_id"].is_in(list(touched))
    new, existing = scored.filter(is_new), scored.filter(~is_new)
    tf = tf_source(everyone)
    if existing.height:  # new against everyone, and among themselves
        pairs = score_new(model[1], existing, new, thresholds.lower, db_api=db_api, tf=tf)
    elif new.height > 1:
        pairs = score_all(model[1], [new], thresholds.lower, db_api=db_api, tf=tf)
    else:
        pairs = pl.DataFrame(schema=PAIR_SCHEMA)
    summary.scored = pairs.height
    previous = previous_people(store)
    involved = touched | set(pairs["key_l"]) | set(pairs["key_r"])
    persons = {previous[k] for k in involved if previous.get(k)}
    members = {k for k, p in previous.items() if p in persons} | touched
    fixed: dict[str, list[str]] = {}
    for key in sorted(members):
        if previous.get(key):
            fixed.setdefault(str(previous[key]), []).append(key)
    same, different = recorded_decisions(store, members)
    nodes = read_nodes(everyone.filter(pl.col("unique_id").is_in(list(members))), store)
    edges = automatic_edges(pairs, thresholds, episodes)
    vouched = vouched_pairs(
        [*pairs.select("key_l", "key_r", "match_probability").iter_rows(),
         *stored_pairs(store, sorted(members), thresholds.lower)],
        thresholds,
        episodes,
    )  # fmt: skip
    clustering = cluster(
        nodes, edges, same, different, fixed.values(), episode_agencies=episodes, vouched=vouched
    )
    run_id = start_run(store, "incremental", model[0])
    by_key = {n.key: n for n in nodes}
    replace_pairs(
        store, pairs, clustering, thresholds, model[0], full=False, episodes=episodes, nodes=by_key
    )
    write_groups(store, summary, clustering.groups(), previous, clustering, run_id)
    count_pairs(store, summary)
    # Every key the feed named: a new relationship changes a household, not a person's details.
    summary.household_links = update_household_links(store, sorted(touched | set(keys)))
    summary.seconds = time.perf_counter() - started
    finish_run(store, run_id, summary)
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
