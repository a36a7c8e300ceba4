"""The model's comparisons: which fields are compared, how, and which pairs are scored at all.

Written with Splink's comparison library, so the same model runs on DuckDB in
process and on Spark (see ``docs/identity.md``); training them is
:mod:`wholestory.identity.model`.

Two people of the same agency with different ids are, almost always, two
people: the agency has already decided they are. The ``agency`` comparison
carries that as a fixed strong prior (see :data:`SAME_AGENCY_M`) rather than
as a rule applied afterwards, so it shows in every explanation.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final, Literal

import polars as pl
import splink.comparison_level_library as cll
import splink.comparison_library as cl
from splink import SettingsCreator, block_on

from wholestory.identity.splink_api import ComparisonCreator, ComparisonLevelCreator

LinkType = Literal["dedupe_only", "link_only"]

#: Among true matches, how often two records come from one agency under two ids.
#: Deliberately tiny: it costs a same-agency pair about six bits of evidence,
#: so only overwhelming agreement (a shared NHS number, say) overcomes it.
SAME_AGENCY_M: Final = 0.001


@dataclass(frozen=True)
class ModelOptions:
    """What differs between a partnership's store and a benchmark file."""

    link_type: LinkType = "dedupe_only"
    #: Apply the same-agency prior (off where duplicates sit inside one source, as in FEBRL3).
    same_agency_prior: bool = True
    #: Random pairs sampled for u; by default twenty per record, within sensible bounds.
    u_pairs: float | None = None
    seed: int = 42


#: Given and family names written in each other's boxes.
_SWAPPED_NAMES: Final = cll.CustomLevel(
    "given_l = family_r and family_l = given_r", "Given and family names swapped"
)


def _swapped_close(jaro_winkler: str) -> cll.CustomLevel:
    """Swapped names with a slip in one of them. ``jaro_winkler`` is the backend's function."""
    return cll.CustomLevel(
        f"{jaro_winkler}(given_l, family_r) >= 0.9 and {jaro_winkler}(family_l, given_r) >= 0.9",
        "Given and family names swapped, written a little differently",
    )


#: One record's given name is the other's family name, but not the other way round:
#: the names were written in each other's boxes and one of them was then changed.
#: Someone whose given name is their own family name (Lewis Lewis) has moved no box.
_NAME_IN_OTHER_BOX: Final = cll.CustomLevel(
    "(given_l = family_r or family_l = given_r) "
    "and given_l is distinct from family_l and given_r is distinct from family_r",
    "One name written in the other name's box",
)


def _counted_under_given_name(level: cll.CustomLevel) -> ComparisonLevelCreator:
    """A swap level of the family name comparison that adds no evidence of its own.

    Swapped names are one piece of evidence, weighed by the given name
    comparison. Counted again here, a swap would be worth twice what it is,
    and two strangers whose names are each other's (Lachlan Nguyen and Nguyen
    Lachlan) would look like one person. Given a swap, the family names are
    swapped too, for a match as for a non-match: m and u are equal.
    """
    return cll.CustomLevel(
        level.sql_condition, f"{level.label_for_charts} (counted under given name)"
    ).configure(
        m_probability=0.5, u_probability=0.5, fix_m_probability=True, fix_u_probability=True
    )


def _name_comparison(jaro_winkler: str) -> cl.CustomComparison:
    return cl.CustomComparison(
        output_column_name="given_name",
        comparison_description="Given name: exact, swapped, nickname, spelling, other names",
        comparison_levels=[
            cll.NullLevel("given"),
            cll.ExactMatchLevel("given", term_frequency_adjustments=True),
            _SWAPPED_NAMES,
            _swapped_close(jaro_winkler),
            _NAME_IN_OTHER_BOX,
            cll.ArrayIntersectLevel("given_groups", 1).configure(
                label_for_charts="Nickname or variant"
            ),
            cll.JaroWinklerLevel("given", 0.92),
            cll.ArrayIntersectLevel("given_all", 1).configure(
                label_for_charts="Another recorded given name"
            ),
            cll.JaroWinklerLevel("given", 0.8),
            cll.ElseLevel(),
        ],
    )


def _family_comparison(jaro_winkler: str) -> cl.CustomComparison:
    return cl.CustomComparison(
        output_column_name="family_name",
        comparison_description=(
            "Family name: exact, spelling, part of a double-barrelled or former name"
        ),
        comparison_levels=[
            cll.NullLevel("family"),
            cll.ExactMatchLevel("family", term_frequency_adjustments=True),
            _counted_under_given_name(_SWAPPED_NAMES),
            _counted_under_given_name(_swapped_close(jaro_winkler)),
            cll.JaroWinklerLevel("family", 0.92),
            cll.ArrayIntersectLevel("family_parts", 1).configure(
                label_for_charts="Shares part of a double-barrelled or former name"
            ),
            cll.JaroWinklerLevel("family", 0.8),
            cll.ElseLevel(),
        ],
    )


def _dob_comparison() -> cl.CustomComparison:
    partial = (
        "(length(dob_l) < 10 or length(dob_r) < 10) and "
        "(substr(dob_l, 1, length(dob_r)) = dob_r or substr(dob_r, 1, length(dob_l)) = dob_l)"
    )
    return cl.CustomComparison(
        output_column_name="date_of_birth",
        comparison_description="Date of birth: exact, day and month swapped, partial, one slip",
        comparison_levels=[
            cll.NullLevel("dob"),
            cll.ExactMatchLevel("dob"),
            cll.CustomLevel("dob_l = dob_swapped_r", "Day and month swapped"),
            cll.CustomLevel(partial, "Partial date that agrees"),
            cll.DamerauLevenshteinLevel("dob", 1),
            cll.DamerauLevenshteinLevel("dob", 2),
            cll.ExactMatchLevel("dob_year").configure(label_for_charts="Same year"),
            cll.CustomLevel(
                "abs(cast(dob_year_l as int) - cast(dob_year_r as int)) >= 12",
                "Born a generation apart",
            ),
            cll.ElseLevel(),
        ],
    )


def _identifier(column: str, label: str) -> cl.CustomComparison:
    """Exact, or one slip (a check digit catches most slips, so this level is rare in real data)."""
    return cl.CustomComparison(
        output_column_name=column,
        comparison_description=label,
        comparison_levels=[
            cll.NullLevel(column),
            cll.ExactMatchLevel(column),
            cll.DamerauLevenshteinLevel(column, 1).configure(label_for_charts="One digit slipped"),
            cll.DamerauLevenshteinLevel(column, 2).configure(label_for_charts="Two digits slipped"),
            cll.ElseLevel(),
        ],
    )


def _place_comparison() -> cl.CustomComparison:
    """Address and postcode as one comparison: they say the same thing twice.

    Counted separately, a shared home would be worth two pieces of evidence,
    and siblings, who share it, would look like one child.
    """
    both_missing = "(address_{0} is null and postcode_{0} is null)"
    return cl.CustomComparison(
        output_column_name="address",
        comparison_description="Address and postcode",
        comparison_levels=[
            cll.CustomLevel(
                f"{both_missing.format('l')} or {both_missing.format('r')}",
                "No address or postcode",
            ).configure(is_null_level=True),
            cll.And(cll.ExactMatchLevel("address"), cll.ExactMatchLevel("postcode")).configure(
                label_for_charts="Same address and postcode"
            ),
            cll.ExactMatchLevel("address", term_frequency_adjustments=True),
            cll.And(
                cll.ExactMatchLevel("postcode"), cll.JaroWinklerLevel("address", 0.9)
            ).configure(label_for_charts="Same postcode, address written differently"),
            cll.And(
                cll.ExactMatchLevel("postcode"), cll.ArrayIntersectLevel("address_words", 3)
            ).configure(label_for_charts="Same postcode, address shares three or more words"),
            cll.ExactMatchLevel("postcode").configure(label_for_charts="Same postcode"),
            cll.ArrayIntersectLevel("address_all", 1).configure(
                label_for_charts="Lived at the same address at some time"
            ),
            cll.ArrayIntersectLevel("postcode_all", 1).configure(
                label_for_charts="Had the same postcode at some time"
            ),
            cll.JaroWinklerLevel("address", 0.9),
            cll.ArrayIntersectLevel("address_words", 3).configure(
                label_for_charts="Address shares three or more words"
            ),
            cll.ArrayIntersectLevel("address_words", 2).configure(
                label_for_charts="Address shares two words"
            ),
            cll.ExactMatchLevel("postcode_sector").configure(
                label_for_charts="Same postcode sector"
            ),
            cll.ExactMatchLevel("postcode_district").configure(
                label_for_charts="Same postcode district"
            ),
            cll.ElseLevel(),
        ],
    )


def _agency_comparison(same_agency_u: float) -> cl.CustomComparison:
    """The fixed prior against linking two ids of one agency; never trained.

    Compared on ``id_scope``: the agency, for an agency that gives one id per
    person; empty for one that gives a new id per episode, whose ids are
    compared as though two agencies held them (see ``identity/agencies.py``).
    """
    return cl.CustomComparison(
        output_column_name="agency",
        comparison_description="Same agency under two ids: the agency says two people",
        comparison_levels=[
            cll.ExactMatchLevel("id_scope").configure(
                m_probability=SAME_AGENCY_M,
                u_probability=same_agency_u,
                fix_m_probability=True,
                fix_u_probability=True,
                label_for_charts="Same agency (one id per person), different ids",
            ),
            cll.ElseLevel().configure(
                m_probability=1 - SAME_AGENCY_M,
                u_probability=1 - same_agency_u,
                fix_m_probability=True,
                fix_u_probability=True,
            ),
        ],
    )


def comparisons(
    options: ModelOptions, same_agency_u: float, jaro_winkler: str = "jaro_winkler_similarity"
) -> list[ComparisonCreator | dict[str, Any]]:
    """Every comparison the model makes, in the order explanations show them."""
    found: list[ComparisonCreator | dict[str, Any]] = [
        _name_comparison(jaro_winkler),
        _family_comparison(jaro_winkler),
        _dob_comparison(),
        cl.CustomComparison(
            output_column_name="sex",
            comparison_description="Sex",
            comparison_levels=[cll.NullLevel("sex"), cll.ExactMatchLevel("sex"), cll.ElseLevel()],
        ),
        _identifier("nhs", "NHS number (valid ones only)"),
        _identifier("upn", "Unique pupil number"),
        _place_comparison(),
    ]
    if options.same_agency_prior and options.link_type == "dedupe_only":
        found.append(_agency_comparison(same_agency_u))
    return found


def blocking_rules() -> list[Any]:
    """Which pairs are scored at all. Each rule is cheap; together they miss very little.

    Identifiers catch most matches; the rest come from names and dates of birth
    in several combinations, so that one slip (a transposed date, a misspelt
    surname, a nickname) does not hide a pair from every rule.
    """
    return [
        block_on("nhs"),
        block_on("upn"),
        block_on("dob", "substr(given, 1, 1)"),
        block_on("dob", "substr(family, 1, 1)"),
        "l.dob = r.dob_swapped and substr(l.family, 1, 1) = substr(r.family, 1, 1)",
        # Same names alone make huge blocks (every Jack Smith); with a date of birth
        # on both sides the rules above and below already find the pair.
        "l.given = r.given and l.family = r.family and (l.dob is null or r.dob is null)",
        block_on("family", "postcode"),
        block_on("given", "postcode"),
        block_on("dob_year", "family", "substr(given, 1, 1)"),
        block_on("address", "substr(given, 1, 1)"),
        block_on("dob", "postcode"),
        block_on("postcode", "substr(given, 1, 2)", "substr(family, 1, 2)"),
        block_on("postcode", "substr(address, 1, 6)"),
        "l.given = r.family and l.family = r.given",
    ]


def same_agency_share(frame: pl.DataFrame) -> float:
    """The share of random pairs that come from one agency: the u of the agency prior."""
    total = frame.height
    if total < 2:
        return 0.5
    column = "id_scope" if "id_scope" in frame.columns else "agency"
    sizes = frame.drop_nulls(column).group_by(column).len()["len"].cast(pl.Float64)
    same = float((sizes * (sizes - 1)).sum())
    return min(max(same / (total * (total - 1)), 1e-6), 1 - 1e-6)


def settings(
    options: ModelOptions, frame: pl.DataFrame, jaro_winkler: str = "jaro_winkler_similarity"
) -> SettingsCreator:
    """The untrained Splink settings for ``frame``."""
    return SettingsCreator(
        link_type=options.link_type,
        unique_id_column_name="unique_id",
        comparisons=comparisons(options, same_agency_share(frame), jaro_winkler),
        blocking_rules_to_generate_predictions=blocking_rules(),
        retain_intermediate_calculation_columns=False,
        retain_matching_columns=False,
        max_iterations=20,
        em_convergence=0.001,
    )
