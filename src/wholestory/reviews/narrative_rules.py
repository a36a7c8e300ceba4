"""The rules that draft a review's analytical narrative from a child's stored chronology,
and the check that each drafted sentence still says what its cited entries say.

No language model: each rule reads the chronology (its entries and the summary the
chronology already computes: silences after a concern and "start again" moments) and
writes one sentence with a *claim* (what kind of thing, how many, which years, which
agency) and the ids of the entries it rests on. A negative claim ("no agency recorded the
child's views") rests on the search it summarises instead: the words looked for, over
which period. :func:`check` re-reads the cited entries and says what no longer matches,
so a corrupted citation is caught rather than trusted.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, Final

from wholestory.chronology.vocabulary import agency_name
from wholestory.reviews import narrative_words as words

#: Each counted claim: the event codes an entry must carry to be cited for it.
KINDS: Final[dict[str, frozenset[str]]] = {
    "da_incident": frozenset({"DA_INCIDENT"}),
    "nfa": frozenset({"REFERRAL_NFA", "ASSESSMENT_NFA"}),
    "start_again": frozenset(
        {"REFERRAL", "REFERRAL_NFA", "ASSESSMENT", "ASSESSMENT_NFA", "EARLY_HELP_START",
         "CAMHS_REFERRAL", "S47_ENQUIRY"}
    ),
}  # fmt: skip
#: The words whose presence in an entry's summary, action or outcome shows a child's views
#: were recorded (no event code says so).
VIEWS_WORDS: Final = ("views", "wishes and feelings", "voice of the child", "child said",
                      "told the worker", "direct work")  # fmt: skip

Sentence = dict[str, Any]


def years(entries: Iterable[dict[str, Any]]) -> tuple[int, int]:
    """The first and last year of the entries (their dates keep their precision)."""
    found = [int(str(e["date"])[:4]) for e in entries]
    return min(found), max(found)


def _coded(entries: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    return [e for e in entries if KINDS[kind] & set(e["event_types"])]


def _counted(kind: str, found: list[dict[str, Any]], text: Callable[..., str]) -> Sentence:
    first, last = years(found)
    return {
        "text": text(len(found), first, last),
        "claim": {"kind": kind, "count": len(found), "first": first, "last": last},
        "entries": [e["id"] for e in found],
    }


def involvement(entries: list[dict[str, Any]]) -> list[Sentence]:
    """One sentence per agency: the years it was involved and how many entries it made."""
    agencies = sorted({a for e in entries if not e["household"] for a in e["agencies"]})
    out = []
    for agency in agencies:
        found = [e for e in entries if not e["household"] and agency in e["agencies"]]
        first, last = years(found)
        out.append({
            "text": words.involved(agency_name(agency), len(found), first, last),
            "claim": {"kind": "agency", "agency": agency, "count": len(found),
                      "first": first, "last": last},
            "entries": [e["id"] for e in found],
        })  # fmt: skip
    return out


def domestic_abuse(entries: list[dict[str, Any]]) -> list[Sentence]:
    """Domestic incidents recorded at the home (the child's or the household's entries)."""
    found = _coded(entries, "da_incident")
    return [_counted("da_incident", found, words.da_incidents)] if found else []


def no_further_action(entries: list[dict[str, Any]]) -> list[Sentence]:
    """Referrals and assessments that ended with no further action."""
    found = [e for e in _coded(entries, "nfa") if not e["household"]]
    return [_counted("nfa", found, words.nfa)] if found else []


def start_again(summary: dict[str, Any], by_id: dict[str, dict[str, Any]]) -> list[Sentence]:
    """New referrals or assessments begun when earlier ones existed (the chronology's own)."""
    found = [by_id[s["entry"]] for s in summary.get("start_again", []) if s["entry"] in by_id]
    return [_counted("start_again", found, words.start_again)] if found else []


def silences(summary: dict[str, Any], by_id: dict[str, dict[str, Any]]) -> list[Sentence]:
    """Each long silence after a concern: the concerns, the last entry before the silence
    and the entry that ended it."""
    out = []
    own = [e for e in by_id.values() if not e["household"]]
    for s in summary.get("silences", []):
        edges = [
            next((e["id"] for e in own if _on(e, day)), None) for day in (s["start"], s["end"])
        ]
        cited = list(dict.fromkeys([i for i in s["after"] if i in by_id] + [i for i in edges if i]))
        out.append({
            "text": words.silence(s["days"], int(s["start"][:4])),
            "claim": {"kind": "silence", "days": s["days"], "start": s["start"], "end": s["end"]},
            "entries": cited,
        })  # fmt: skip
    return out


def _on(entry: dict[str, Any], day: str) -> bool:
    """Whether an entry's date (kept at its own precision) is ``day``."""
    return day.startswith(str(entry["date"]).lstrip("~")[:10])


def views(entries: list[dict[str, Any]]) -> list[Sentence]:
    """Whether any agency recorded the child's views; if none did, the search is cited."""
    own = [e for e in entries if not e["household"]]
    if not own:
        return []
    found = [e for e in own if _mentions_views(e)]
    if found:
        return [_counted("views", found, words.views_recorded)]
    first, last = years(own)
    search = {"words": list(VIEWS_WORDS), "fields": ["summary", "action", "outcome"],
              "first": first, "last": last, "entries_searched": len(own)}  # fmt: skip
    return [{"text": words.no_views(first, last), "claim": {"kind": "no_views"},
             "entries": [], "search": search}]  # fmt: skip


def _mentions_views(entry: dict[str, Any]) -> bool:
    text = " ".join(str(entry.get(f, "")) for f in ("summary", "action", "outcome")).lower()
    return any(w in text for w in VIEWS_WORDS)


def check(sentence: Sentence, by_id: dict[str, dict[str, Any]]) -> list[str]:
    """What the cited entries do not bear out in ``sentence`` (empty when all is well)."""
    claim, cited = sentence["claim"], sentence["entries"]
    missing = [i for i in cited if i not in by_id]
    if missing:
        return [f"cites entries not in the chronology: {missing}"]
    found = [by_id[i] for i in cited]
    kind = claim["kind"]
    if kind == "no_views":
        return [f"{e['id']} records the child's views" for e in by_id.values()
                if not e["household"] and _mentions_views(e)]  # fmt: skip
    if kind == "silence":
        return _check_silence(claim, found)
    problems = _check_kind(kind, claim, found)
    if claim.get("count") != len(found):
        problems.append(f"says {claim.get('count')}, cites {len(found)}")
    if found and (claim.get("first"), claim.get("last")) != years(found):
        problems.append(f"says {claim.get('first')}-{claim.get('last')}, cites {years(found)}")
    return problems


def _check_kind(kind: str, claim: dict[str, Any], found: list[dict[str, Any]]) -> list[str]:
    if kind == "agency":
        return [f"{e['id']} is not {claim['agency']}'s" for e in found
                if claim["agency"] not in e["agencies"]]  # fmt: skip
    if kind == "views":
        return [f"{e['id']} does not mention views" for e in found if not _mentions_views(e)]
    return [f"{e['id']} is not a {kind}" for e in found if not KINDS[kind] & set(e["event_types"])]


def _check_silence(claim: dict[str, Any], found: list[dict[str, Any]]) -> list[str]:
    ends = [any(_on(e, claim[k]) for e in found) for k in ("start", "end")]
    if not all(ends):
        return [f"cited entries do not span the silence {claim['start']}..{claim['end']}"]
    inside = [e["id"] for e in found if claim["start"] < str(e["date"]).lstrip("~") < claim["end"]
              and not any(_on(e, claim[k]) for k in ("start", "end"))]  # fmt: skip
    return [f"{i} is inside the silence" for i in inside]
