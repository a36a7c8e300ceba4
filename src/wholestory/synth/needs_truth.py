"""``NEEDS_NOT_MET`` applied to a child's true records and the needs truly recorded (issue 14).

The reading, as the generator states it (for the product's reading, see the docs):

* A need is checkable when a record can show it was met: an interpreter, British Sign
  Language, easy read, large print, braille or an advocate (:data:`SIGNED`).
* It counts at the child's own contacts (:data:`CONTACTS`: the agency met or spoke with
  them), each true event once, dated after the day the need was recorded and at most a
  year after it (``Reading.year``). A need of the child counts at all of them; a need of
  someone else only at those they had a row in, and only while they were 16 or over
  (a parent or carer taking part).
* A contact met the need when one of the child's records of it carries the words the
  generator writes when a need is met (:func:`met_words`); no other text of the
  generator says them.
* Raised when :data:`RUN` contacts in a row did not meet it; one that did starts the
  count again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Final

from wholestory.synth.needs_rows import TrueNeed
from wholestory.synth.population import SynthPerson

if TYPE_CHECKING:
    from wholestory.synth.truth import Fact

CODE: Final = "NEEDS_NOT_MET"
#: Records of an agency meeting or speaking with the child.
CONTACTS: Final = frozenset(
    {"APPOINTMENT_ATTENDED", "APPOINTMENT_MISSED", "CONTACT", "ASSESSMENT", "ASSESSMENT_NFA",
     "ED_ATTENDANCE", "MENTAL_HEALTH_CONTACT", "DA_SERVICE_CONTACT", "CP_CONFERENCE",
     "DASH_ASSESSMENT"}
)  # fmt: skip
#: Contacts in a row that did not meet a need, for the code to be raised.
RUN: Final = 2
#: From this age someone else's need counts at the child's contacts they took part in.
CARER_AGE: Final = 16.0
#: What a record says when a need was met, by need.
_MET: Final[dict[str, str]] = {
    "INTERPRETER": "{detail} interpreter present throughout",
    "BSL": "BSL interpreter booked and present throughout",
    "EASY_READ": "Letters and the plan given in easy read",
    "LARGE_PRINT": "Letters given in large print",
    "BRAILLE": "Appointment letter sent in braille",
    "ADVOCATE": "Advocate present and supported throughout",
}
SIGNED: Final = frozenset(_MET)


def met_words(need: str, detail: str) -> str:
    """The words a record of a contact that met ``need`` carries."""
    return _MET[need].format(detail=detail)


def counts_at(need: TrueNeed, child: SynthPerson, people: Iterable[str], day: dt.date) -> bool:
    """Whether ``need`` was to be met at the child's contact on ``day`` with ``people`` in it."""
    if need.person.true_id == child.true_id:
        return True
    return need.person.true_id in set(people) and need.person.age_at(day) >= CARER_AGE


def needs_not_met(
    facts: Sequence[Fact], child: SynthPerson, window: int, needs: Sequence[TrueNeed]
) -> bool:
    """Whether any checkable need went unmet at :data:`RUN` contacts in a row."""
    return any(_unmet(facts, child, window, n) for n in needs if n.need in SIGNED)


def _unmet(facts: Sequence[Fact], child: SynthPerson, window: int, need: TrueNeed) -> bool:
    end = need.recorded + dt.timedelta(days=window)
    words = met_words(need.need, need.detail)
    contacts: dict[str, tuple[dt.date, bool]] = {}
    for f in facts:
        if not f.own or f.etype not in CONTACTS or not need.recorded < f.day <= end:
            continue
        if not counts_at(need, child, f.people, f.day):
            continue
        day, met = contacts.get(f.event, (f.day, False))
        contacts[f.event] = (min(day, f.day), met or words in f.summary or words in f.action)
    run = 0
    for _, met in sorted(contacts.values()):
        run = 0 if met else run + 1
        if run >= RUN:
            return True
    return False
