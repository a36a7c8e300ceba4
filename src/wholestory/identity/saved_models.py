"""The model a store links with: the newest saved one that fits this version, or a new one.

A new one is trained on the store, starting from and blended with the model
that ships with WholeStory, or is the shipped model alone for a store too
small to train on (:mod:`wholestory.identity.default_model`). Each is kept in
ws_link_model, so every link can say which model made it.
"""

from __future__ import annotations

import json
from collections.abc import Callable

import polars as pl

from wholestory.identity import default_model
from wholestory.identity.comparisons import ModelOptions
from wholestory.identity.model import TrainedModel, fits_this_version, train
from wholestory.identity.runs import LinkSummary
from wholestory.identity.sources import now_iso
from wholestory.identity.splink_api import DatabaseAPISubClass
from wholestory.store.connection import Store


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


def new_model(
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


def tf_source(frame: pl.DataFrame) -> dict[str, pl.DataFrame] | None:
    """Shipped name frequencies for a store too small to count its own; None to count them."""
    if frame.height >= default_model.TF_FROM or not default_model.DEFAULT_MODEL_FILE.is_file():
        return None
    return default_model.tf_lookups(frame, json.loads(default_model.shipped().settings_json))
