"""What the pages about one person show of their chronology, ready for the templates:
who they are, their death, the flags, the summary, the household and the filters' choices.

The chronology page, a record's page and the access log all name the person the same
way (:func:`who_is`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from wholestory.chronology.display import age_on, parse_iso, show_date
from wholestory.chronology.indicators import SEVERITY_ORDER
from wholestory.chronology.model import age_words, death_words
from wholestory.chronology.vocabulary import agency_name
from wholestory.web.pages.presenting import severity_tag
from wholestory.web.pages.stories import person_url, record_url


def who_is(data: dict[str, Any]) -> dict[str, Any]:
    p = data.get("person", {})
    names = p.get("names") or []
    name = names[0] if names else "Name not recorded"
    birth = p.get("date_of_birth") or ""
    as_of = parse_iso(data.get("as_of", ""))
    age = ""
    if len(birth) == 10 and as_of and (day := parse_iso(birth)):
        age = f"{age_on(day, as_of)} on {show_date(as_of)}"
        if p.get("date_of_death") == data.get("as_of"):
            age = f"{age_on(day, as_of)} when they died"
    agencies = dict.fromkeys(r["agency"] for r in p.get("source_records", []))
    return {
        "name": name[:1].upper() + name[1:],
        "other_names": [n for n in dict.fromkeys(names[1:]) if n.casefold() != name.casefold()],
        "born": show_date(birth),
        "other_births": [show_date(d) for d in p.get("dates_of_birth", []) if d != birth],
        "age": age,
        "sex": {"F": "Female", "M": "Male"}.get(p.get("sex", ""), p.get("sex", "")),
        "agencies": [agency_name(a) for a in agencies],
        "id": p.get("id", ""),
    }


def death(data: dict[str, Any]) -> str:
    """ "Ava Stone died on 3 March 2024; this chronology is as of that date.", or ""."""
    p = data.get("person", {})
    died, as_of = p.get("date_of_death"), data.get("as_of", "")
    if not died or died != as_of:
        return ""
    names = p.get("names") or []
    return death_words(names[0] if names else "", dt.date.fromisoformat(died))


def flags(person: str, data: dict[str, Any]) -> list[dict[str, Any]]:
    flags = sorted(
        data.get("flags", []),
        key=lambda f: (SEVERITY_ORDER.get(f["severity"], 3), f["first_date"], f["code"]),
    )
    return [
        {
            "code": f["code"],
            "title": f["title"],
            "severity": f["severity"],
            "tag": severity_tag(f["severity"]),
            "dates": _span(f["first_date"], f["last_date"]),
            "ages": age_words(f.get("age_first"), f.get("age_last")),
            "explanation": f.get("explanation", ""),
            "grounding": f.get("grounding", ""),
            "entries_url": "?" + urlencode({"flag": f["code"]}) + "#entries",
            "entry_count": len(f.get("entries", [])),
            "evidence": [
                {
                    "label": f"{agency_name(e['agency'])} {e['record_id']}",
                    "url": record_url(person, e["agency"], e["record_id"]),
                }
                for e in f.get("evidence", [])
            ],
            "hidden_evidence": int(f.get("hidden_evidence", 0)),
        }
        for f in flags
    ]


def _span(first: str, last: str | None) -> str:
    a = show_date(first)
    b = show_date(last) if last else "now (open)"
    return a if a == b else f"{a} to {b}"


def summary(data: dict[str, Any]) -> dict[str, Any]:
    s = data.get("summary", {})
    counts = s.get("counts", {})
    return {
        "counts": counts,
        "involvement": [
            {**r, "span": _span(r["first"], r["last"]), "years": ", ".join(r.get("years", []))}
            for r in s.get("involvement", [])
        ],
        "plans": [
            {**p, "span": _span(p["start"], p.get("end")), "agency_name": agency_name(p["agency"])}
            for p in s.get("plans", [])
        ],
        "aces": [
            {**a, "first_shown": show_date(a["first"]), "count": len(a.get("entries", []))}
            for a in s.get("aces", [])
        ],
        "moves": [{**m, "shown": show_date(m["date"])} for m in s.get("moves", [])],
        "silences": [{**m, "span": _span(m["start"], m["end"])} for m in s.get("silences", [])],
        "start_again": [
            {
                **m,
                "shown": show_date(m["date"]),
                "agency_name": agency_name(m["agency"]),
                "earlier_names": ", ".join(agency_name(a) for a in m.get("earlier_agencies", [])),
                "earlier_count": len(m.get("earlier", [])),
            }
            for m in s.get("start_again", [])
        ],
    }


def household(data: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {
            "name": m.get("name") or "Name not recorded",
            "relation": str(m.get("relation") or "household member").replace("_", " "),
            "url": person_url(str(m["person"])) if m.get("person") else "",
            "span": _span(m["first"], m.get("last")) if m.get("first") else "",
        }
        for m in data.get("household", [])
    ]


def options(data: dict[str, Any]) -> dict[str, list[tuple[str, str]]]:
    agencies: dict[str, None] = {}
    categories: dict[str, None] = {}
    for e in data.get("entries", []):
        for a in e.get("agencies") or [e["agency"]]:
            agencies.setdefault(a, None)
        categories.setdefault(e.get("category", ""), None)
    return {
        "agencies": sorted(((a, agency_name(a)) for a in agencies), key=lambda a: a[1]),
        "categories": sorted((c, c[:1].upper() + c[1:]) for c in categories if c),
        "flags": [(f["code"], f["title"]) for f in data.get("flags", [])],
    }
