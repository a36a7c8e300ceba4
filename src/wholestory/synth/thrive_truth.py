"""The THRIVE ground truth a household's rows imply: each child's history as THRIVE reads
it, unmet need, and the waits from a CAMHS referral to a first contact (issue 16).

Worked out from the rows the generator wrote (never a spoiled one: it never arrives) and
the Current Views planted (:mod:`wholestory.synth.thrive`), by the issue's definition:
a child whose records show need (self-harm, repeated exclusions, a Current View with a
Severe problem) and no mental health help recorded in the 12 months to AS_OF (a mental
health contact, a CAMHS record but a referral, or a grouping of Getting Help, Getting More
Help or Getting Risk Support). Need is counted in the same 12 months, the Current View's
too.
Four or more adversities (ACEs) is not planted or counted here: the chronology reads
ACEs from many kinds of record across the household, and this truth would have to
re-implement that reading to say it (the test compares the other reasons).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Final

from wholestory.synth.feed import Written
from wholestory.synth.timeline import AS_OF

UNMET_FILE: Final = "ground_truth/thrive_unmet_need.csv"
UNMET_COLUMNS: Final = ("child", "reasons")
WAITS_FILE: Final = "ground_truth/camhs_waits.csv"
WAITS_COLUMNS: Final = ("child", "referred_on", "first_contact_on", "days", "exact")
#: The window need and help are counted in.
WINDOW: Final = dt.timedelta(days=365)
EXCLUSIONS: Final = frozenset({"SUSPENSION", "PERMANENT_EXCLUSION"})
#: Records of mental health help: a contact, or any CAMHS record but a referral.
HELP: Final = "MENTAL_HEALTH_CONTACT"
SELF_HARM, REPEATED_EXCLUSIONS, SEVERE_VIEW = "self_harm", "exclusions", "current_view_severe"


@dataclass(frozen=True, slots=True)
class History:
    """What a child's own rows say, as THRIVE's planting and truth read them."""

    self_harm: tuple[dt.date, ...]
    exclusions: tuple[dt.date, ...]
    referrals: tuple[dt.date, ...]
    contacts: tuple[dt.date, ...]  # CAMHS contacts and other mental health contacts
    camhs: tuple[dt.date, ...]  # every CAMHS record but a referral

    def recent(self, days: tuple[dt.date, ...]) -> int:
        return sum(1 for d in days if AS_OF - WINDOW < d <= AS_OF)

    @property
    def helped(self) -> bool:
        """Mental health help recorded in the 12 months to AS_OF."""
        return self.recent(self.contacts) + self.recent(self.camhs) > 0


def history(written: Sequence[Written], child: str) -> History:
    """The child's own rows that arrive, by kind."""
    mine = [w for w in written if w.person == child and not w.bad]

    def days(test: Callable[[Written], bool]) -> tuple[dt.date, ...]:
        return tuple(sorted(w.day for w in mine if test(w)))

    return History(
        self_harm=days(lambda w: w.etype == "SELF_HARM"),
        exclusions=days(lambda w: w.etype in EXCLUSIONS),
        referrals=days(lambda w: w.etype == "CAMHS_REFERRAL"),
        contacts=days(lambda w: w.etype == HELP),
        camhs=days(lambda w: w.agency == "CAMHS" and w.etype != "CAMHS_REFERRAL"),
    )


def unmet_reasons(past: History, severe_view: bool, grouped_help: bool) -> tuple[str, ...]:
    """The reasons a child is in unmet need (none when they are not). ``severe_view``: a
    Current View in the 12 months rates a problem Severe; ``grouped_help``: a grouping of
    Getting Help or more was recorded in them (that is help recorded too)."""
    if past.helped or grouped_help:
        return ()
    reasons = []
    if past.recent(past.self_harm):
        reasons.append(SELF_HARM)
    if past.recent(past.exclusions) >= 2:
        reasons.append(REPEATED_EXCLUSIONS)
    if severe_view:
        reasons.append(SEVERE_VIEW)
    return tuple(reasons)


def waits(written: Sequence[Written], child: str) -> list[tuple[str, ...]]:
    """Each CAMHS referral of the child and its first CAMHS contact on or after it (before
    the next referral), with the days between; ``exact`` is 0 where either day was not
    written as a whole day, so the wait read from the records may differ."""
    mine = sorted(
        (w for w in written if w.person == child and w.agency == "CAMHS" and not w.bad),
        key=lambda w: (w.day, w.record_id),
    )
    rows: list[tuple[str, ...]] = []
    for referral in (w for w in mine if w.etype == "CAMHS_REFERRAL"):
        nxt = [w.day for w in mine if w.etype == "CAMHS_REFERRAL" and w.day > referral.day]
        contact = next(
            (w for w in mine if w.etype == HELP and referral.day <= w.day
             and (not nxt or w.day < nxt[0])),
            None,
        )  # fmt: skip
        if contact is None:
            continue
        exact = all(w.date == w.day.isoformat() for w in (referral, contact))
        rows.append((child, referral.day.isoformat(), contact.day.isoformat(),
                     str((contact.day - referral.day).days), str(int(exact))))  # fmt: skip
    return rows
