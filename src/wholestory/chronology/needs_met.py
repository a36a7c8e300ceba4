"""``NEEDS_NOT_MET``: a recorded communication need was in force, and the contacts that
followed show no sign it was met (issue 14).

The Accessible Information Standard (DAPB1605) asks services to identify, record, flag,
share, **meet** and review each person's communication needs, and to meet them at every
contact; reviews keep finding children and parents seen without the interpreter a
record said they needed, or a child interpreting for their parent. WholeStory shares
the needs (``wholestory.engagement``); this rule asks whether the records of the
contacts after a need was recorded show it being met.

The rule, in full:

* **Needs with a sign a record can show** (:data:`SIGNS`): an interpreter (the record
  names an interpreter, interpreting, a translation, Language Line, or the language the
  need names), British Sign Language (BSL, sign language, a signer, an interpreter),
  easy read, large print, braille, and an advocate (an advocate, advocacy, an IMCA,
  IMHA, IDVA or ISVA). Other needs (how to make contact, times and places, a trusted
  adult, neurodivergence, a learning disability, trauma-informed practice) are met in
  ways a record seldom says in words, so they raise nothing here: flagging them would
  be noise.
* **In force** from the day after it was recorded (the contact it was recorded at is
  where it was found out), until an agency changes it: a need past its review day is
  still in force, as :mod:`wholestory.engagement.analysis` reads it.
* **Contacts** (:data:`CONTACTS`) are entries holding the child's own record of
  meeting or speaking with them: appointments attended or missed (a missed one was
  still offered, in a letter or by a call the need applies to), contacts, assessments,
  ED attendances, mental health and domestic abuse service contacts, child protection
  conferences and Dash risk checklists. A school start or a referral between agencies
  is not a contact.
* **Whose need.** The child's own, at every contact; and a parent's or carer's (an
  adult, 16 or over or of age unknown, with a row of their own in the contact's event)
  at the child's contacts they took part in, when ``carers_needs_count`` (the default).
  The family is who a worker engages with: a mother who needs an interpreter at her
  baby's health visit is not heard without one, and the baby's chronology is where
  that is read. The need of someone who did not take part in a contact does not count
  at it; the adult's own chronology reads their own contacts.
* **Fires** when ``needs_unmet_contacts`` (2) contacts in a row show no sign of the need
  within ``needs_window_days`` (365) after it was recorded. A contact whose words show
  the sign starts the count again. Two, not one: a single record that does not say is
  often only a record that does not say; two in a row is a pattern to ask about.
  Medium severity, as ``WAS_NOT_BROUGHT``: a prompt about practice, not a sign of harm.

The sign is read in the summary, action and outcome of every record of the contact's
entry, so a health visitor's note on the mother's row counts for the baby's contact.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from wholestory.chronology.building import ADULT_AGE
from wholestory.chronology.display import age_on
from wholestory.chronology.model import Entry, Flag
from wholestory.chronology.rows import RecordedNeed
from wholestory.chronology.rule_helpers import Indicator, flag, months, when
from wholestory.chronology.thresholds import IndicatorThresholds
from wholestory.chronology.view import View
from wholestory.chronology.vocabulary import agency_name
from wholestory.words import count_words

#: Records of an agency meeting or speaking with the person (see the module's docstring).
CONTACTS: Final = frozenset(
    {"APPOINTMENT_ATTENDED", "APPOINTMENT_MISSED", "CONTACT", "ASSESSMENT", "ASSESSMENT_NFA",
     "ED_ATTENDANCE", "MENTAL_HEALTH_CONTACT", "DA_SERVICE_CONTACT", "CP_CONFERENCE",
     "DASH_ASSESSMENT"}
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Sign:
    """What a need asks for, in the flag's words, and the words that show it was met."""

    asks: str
    words: re.Pattern[str]


_INTERPRETER: Final = r"\binterpret(?:er|ers|ing)\b"
#: Each need a record can show was met, and how. The one place these words live.
SIGNS: Final[dict[str, Sign]] = {
    "INTERPRETER": Sign(
        "an interpreter",
        re.compile(rf"{_INTERPRETER}|\blanguage ?line\b|\btranslat(?:or|ors|ed|ion)\b", re.I),
    ),
    "BSL": Sign(
        "a British Sign Language interpreter",
        re.compile(rf"\bBSL\b|\bsign(?:ed)? language\b|\bsigners?\b|{_INTERPRETER}", re.I),
    ),
    "EASY_READ": Sign("information in easy read", re.compile(r"\beasy[- ]?read\b", re.I)),
    "LARGE_PRINT": Sign(
        "information in large print", re.compile(r"\blarge[- ]print\b|\blarge font\b", re.I)
    ),
    "BRAILLE": Sign("information in braille", re.compile(r"\bbraille\b", re.I)),
    "ADVOCATE": Sign(
        "an advocate", re.compile(r"\badvoca(?:te|tes|cy)\b|\b(?:IMCA|IMHA|IDVA|ISVA)s?\b", re.I)
    ),
}
#: Where an interpreter's detail names its languages ("Polish", "Kurdish (Sorani)",
#: "Urdu or Punjabi"): each piece of one or two words between these is one.
_PIECES: Final = re.compile(r"[,;/()]|\bor\b|\band\b")


def languages(detail: str) -> list[str]:
    """The languages an interpreter need's detail names, as words a record would use.

    A piece of the detail of one or two words is a language when its first word is
    written as languages are (a capital, three letters or more), or is the whole
    detail: "Polish; prefers a female interpreter" names Polish, not "prefers".
    """
    found: list[str] = []
    whole = len(detail.split()) == 1
    for piece in _PIECES.split(detail):
        words = piece.split()
        if not 1 <= len(words) <= 2:
            continue
        first = words[0]
        if first.isalpha() and len(first) >= 3 and (first[0].isupper() or whole):
            found.append(first)
    return found


def shows_sign(entry: Entry, need: RecordedNeed) -> bool:
    """Whether the words of any record of ``entry`` show ``need`` was met."""
    sign = SIGNS[need.need]
    text = " ".join(t for s in entry.sources for t in (s.summary, s.action, s.outcome) if t)
    if sign.words.search(text):
        return True
    if need.need != "INTERPRETER":
        return False
    return any(re.search(rf"\b{re.escape(w)}\b", text, re.I) for w in languages(need.detail))


def unmet_contacts(v: View, t: IndicatorThresholds, need: RecordedNeed) -> list[Entry]:
    """The first run of contacts that show no sign of ``need``, long enough to flag, or []."""
    if need.need not in SIGNS or not (need.own or t.carers_needs_count):
        return []
    end = need.recorded_on + dt.timedelta(days=t.needs_window_days)
    run: list[Entry] = []
    for e in v.own(CONTACTS):
        if not need.recorded_on < e.day <= end or not _applies(e, need):
            continue
        if shows_sign(e, need):
            run = []
            continue
        run.append(e)
        if len(run) >= max(1, t.needs_unmet_contacts):
            return run
    return []


def _applies(e: Entry, need: RecordedNeed) -> bool:
    """Whether ``need`` was to be met at contact ``e``: the child's own, or an adult's who
    took part (age unknown counts as an adult, as for household records)."""
    if need.own:
        return True
    took_part = any(i.person == need.person for i in e.involved)
    return took_part and (need.born is None or age_on(need.born, e.day) >= ADULT_AGE)


def needs_not_met(ind: Indicator, v: View, t: IndicatorThresholds) -> Flag | None:
    """The flag for the first need (oldest recorded) whose contacts show no sign it was met."""
    unmet = [(n, run) for n in v.needs if (run := unmet_contacts(v, t, n))]
    if not unmet:
        return None
    need, run = unmet[0]
    after = next(e for e in v.own(CONTACTS) if need.recorded_on < e.day and _applies(e, need))
    said = _explanation(need, run, len(unmet) - 1, t)
    if after is not run[0]:
        said = said.replace(": the next", ": after a contact that showed it, the next", 1)
    return flag(ind, "medium", run, said)


def _explanation(
    need: RecordedNeed, run: Sequence[Entry], others: int, t: IndicatorThresholds
) -> str:
    """Which need, recorded by whom and when, and which contacts showed no sign of it."""
    asks = SIGNS[need.need].asks
    if need.need == "INTERPRETER" and need.detail:
        asks += f" ({need.detail})"
    relation = next(
        (i.relation for e in run for i in e.involved if i.person == need.person and i.relation),
        "",
    )
    if need.own:
        what, present = f"A need for {asks}", ""
    elif relation:
        what, present = f"The {relation}'s need for {asks}", f" the {relation} took part in"
    else:
        what, present = f"A need for {asks} of an adult who took part", " they took part in"
    contacts = "; ".join(f"{agency_name(e.agency)} on {when(e.day)}" for e in run)
    said = (
        f"{what}, recorded by {agency_name(need.agency)} on {when(need.recorded_on)}: "
        f"the next {count_words(len(run), 'contact')}{present} ({contacts}) show no sign it "
        f"was met ({len(run)} in a row within {months(t.needs_window_days)} of its recording)."
    )
    if others:
        said += f" Nor shown as met: {count_words(others, 'other recorded need')}."
    return said
