"""Raising, keeping and telling the alerts of one feed, in that order."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from wholestory.alerts.recipients import Told, tell
from wholestory.alerts.rules import Alert, BeforeFeed, keep_alerts, new_flags, raise_alerts
from wholestory.alerts.settings import NEW_FLAG, AlertSettings
from wholestory.store import Store


@dataclass
class AlertRun:
    """What one feed's alerts were: every rule met, the ones new now, and who was told."""

    alerts: list[Alert] = field(default_factory=list)
    kept: list[int] = field(default_factory=list)  # ids of the alerts not raised before
    told: list[Told] = field(default_factory=list)
    seconds: float = 0.0  # from the rebuild's end to everyone told (the benchmark's figure)


def after_feed(
    store: Store, since: str, before: BeforeFeed, settings: AlertSettings | None = None
) -> AlertRun:
    """Raise, keep and tell the alerts of what arrived since ``since``."""
    return _kept_and_told(store, lambda: raise_alerts(store, since, before, settings))


def after_rebuild(store: Store, since: str, settings: AlertSettings | None = None) -> AlertRun:
    """The new flags a rebuild outside a feed raised since ``since`` (the nightly build, a
    link decision), kept and told: the one rule that is about a rebuild, not an arrival."""
    chosen = settings or AlertSettings.load()
    return _kept_and_told(store, lambda: new_flags(store, since) if chosen.runs(NEW_FLAG) else [])


def _kept_and_told(store: Store, raised: Callable[[], list[Alert]]) -> AlertRun:
    """The alerts ``raised`` gives, the new ones kept and told, timed."""
    started, now = time.perf_counter(), dt.datetime.now(dt.UTC)
    alerts = raised()
    kept = keep_alerts(store, alerts, now)
    return AlertRun(alerts, kept, tell(store, kept, now), time.perf_counter() - started)
