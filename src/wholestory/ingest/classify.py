"""Event types inferred from the summary, by rules a person can read.

When an agency leaves ``event_type`` empty the product classifies the event
from its summary. The rules are phrases per code, tried in order; the first
that matches wins and is recorded with the row ("summary mentions 'was not
brought'"), so an inferred type is never passed off as the agency's own.
Rules are ordered from the most specific to the most general.
"""

from __future__ import annotations

import re
from typing import Final

import polars as pl

#: (code, phrases). Phrases are matched case-insensitively as whole words.
RULES: Final[tuple[tuple[str, tuple[str, ...]], ...]] = (
    ("ENCOMPASS_NOTIFICATION", ("operation encompass", "encompass notification")),
    ("MARAC_MEETING", ("marac meeting", "discussed at marac")),
    ("MARAC_REFERRAL", ("marac referral", "referred to marac", "referral to marac")),
    ("DASH_ASSESSMENT", ("dash", "risk checklist")),
    ("DA_INCIDENT", ("domestic abuse", "domestic incident", "domestic violence", "domestic")),
    ("DA_SERVICE_CONTACT", ("idva", "domestic abuse service")),
    ("STRATEGY_DISCUSSION", ("strategy discussion", "strategy meeting")),
    ("S47_ENQUIRY", ("section 47", "s47")),
    ("CP_CONFERENCE", ("child protection conference", "initial conference", "icpc", "rcpc")),
    ("CP_PLAN_START", ("child protection plan started", "made subject to a child protection plan")),
    ("CP_PLAN_END", ("child protection plan ended", "cp plan ended")),
    ("CIN_PLAN_START", ("child in need plan started", "cin plan started")),
    ("CIN_PLAN_END", ("child in need plan ended", "cin plan ended")),
    ("LOOKED_AFTER_START", ("became looked after", "accommodated", "placed in care")),
    ("LOOKED_AFTER_END", ("ceased to be looked after", "left care")),
    ("EARLY_HELP_START", ("early help started", "early help assessment", "early help plan")),
    ("EARLY_HELP_END", ("early help ended", "early help closed")),
    ("REFERRAL_NFA", ("referral no further action", "referral nfa")),
    ("ASSESSMENT_NFA", ("assessment no further action", "assessment nfa")),
    ("APPOINTMENT_MISSED", ("was not brought", "did not attend", "dna", "missed appointment")),
    ("APPOINTMENT_ATTENDED", ("attended appointment", "appointment attended", "seen in clinic")),
    ("SELF_HARM", ("self-harm", "self harm", "overdose", "ligature")),
    ("CAMHS_REFERRAL", ("referred to camhs", "camhs referral")),
    ("CAMHS_DISCHARGE", ("discharged from camhs", "camhs discharge")),
    ("ED_ATTENDANCE", ("emergency department", "a&e", "attended ed")),
    ("HOSPITAL_ADMISSION", ("admitted to hospital", "admitted to ward", "hospital admission")),
    ("INJURY", ("injury", "bruise", "bruising", "fracture", "burn")),
    ("SUBSTANCE_MISUSE", ("cannabis", "alcohol", "substance", "drug use")),
    ("MENTAL_HEALTH_CONTACT", ("mental health",)),
    ("PERMANENT_EXCLUSION", ("permanent exclusion", "permanently excluded")),
    ("SUSPENSION", ("suspension", "suspended", "fixed term exclusion", "fixed-term exclusion")),
    ("ELECTIVE_HOME_EDUCATION", ("home education", "electively home educated", "ehe")),
    ("CHILD_MISSING_EDUCATION", ("missing education", "missing from education", "cme")),
    ("ATTENDANCE_CONCERN", ("attendance", "persistent absence", "absent from school")),
    ("SCHOOL_MOVE", ("changed school", "moved school", "school move", "transferred to")),
    ("SCHOOL_START", ("started school", "joined school", "started at")),
    ("EHCP", ("ehcp", "education health and care plan")),
    ("SEN_SUPPORT", ("sen support", "special educational needs")),
    ("MISSING_EPISODE", ("reported missing", "missing from home", "missing episode")),
    ("EXPLOITATION_CONCERN", ("exploitation", "county lines", "cse", "cce")),
    ("ARREST", ("arrested", "arrest")),
    ("CUSTODY", ("remanded", "custody", "custodial")),
    ("RELEASE", ("released from",)),
    ("OFFENCE_SUSPECT", ("suspect",)),
    ("OFFENCE_VICTIM", ("victim of",)),
    ("EVICTION", ("evicted", "eviction", "notice to quit")),
    ("HOMELESSNESS", ("homeless", "temporary accommodation")),
    ("HOUSE_MOVE", ("moved to", "moved address", "new address", "change of address")),
    ("PARENT_SEPARATION", ("separated", "separation")),
    ("BEREAVEMENT", ("died", "death of", "bereavement", "bereaved")),
    ("PARENT_IMPRISONMENT", ("imprisoned", "sentenced to", "in prison")),
    ("NEW_PARTNER", ("new partner",)),
    ("REFERRAL", ("referral", "referred")),
    ("ASSESSMENT", ("assessment",)),
    ("CASE_CLOSED", ("case closed", "closed to")),
    ("CONCERN", ("concern", "worried", "welfare check")),
    ("CONTACT", ("contact", "telephone call", "phone call", "visit")),
)

#: What an event that no rule matches is called.
FALLBACK: Final = "OTHER"
FALLBACK_RULE: Final = "no rule matched the summary"


def _pattern(phrases: tuple[str, ...]) -> re.Pattern[str]:
    """A case-insensitive whole-word regex matching any of the phrases, capturing it."""
    alternatives = "|".join(re.escape(p) for p in phrases)
    return re.compile(rf"(?:^|[^a-z0-9])({alternatives})(?:$|[^a-z0-9])", re.IGNORECASE)


_COMPILED: Final = tuple((code, list(phrases), _pattern(phrases)) for code, phrases in RULES)


def classify(summaries: pl.Series) -> tuple[pl.Series, pl.Series]:
    """Event codes and the rule that gave each, for a column of summaries.

    A row takes the first code, in rule order, one of whose phrases it
    contains as whole words. One vectorised substring search (Aho-Corasick)
    finds the candidate codes for every row; the whole-word check then runs
    only on those few. The rule names the phrase that matched.
    """
    text = summaries.cast(pl.String).fill_null("")
    candidates = pl.DataFrame({"text": text}).select(
        pl.col("text").str.contains_any(phrases, ascii_case_insensitive=True).alias(str(i))
        for i, (_, phrases, _) in enumerate(_COMPILED)
    )
    codes: list[str] = []
    rules: list[str] = []
    for summary, flags in zip(text.to_list(), candidates.iter_rows(), strict=True):
        code, rule = FALLBACK, FALLBACK_RULE
        for flag, (event_code, _, regex) in zip(flags, _COMPILED, strict=True):
            if flag and (found := regex.search(summary)):
                code, rule = event_code, f"summary mentions '{found.group(1).lower()}'"
                break
        codes.append(code)
        rules.append(rule)
    return pl.Series("event_type", codes, dtype=pl.String), pl.Series("rule", rules)


def classify_one(summary: str) -> tuple[str, str]:
    """Scalar form of :func:`classify`, for explaining a single record."""
    codes, rules = classify(pl.Series([summary]))
    return str(codes[0]), str(rules[0])
