"""The XmR chart engine: each rule at its boundary, limits, sections and icons.

Where a test's numbers come from the reference package, NHSRplotthedots, it says which of
its tests; the others are worked by hand in the comments beside them.
"""

from __future__ import annotations

import itertools
import json
import math
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wholestory.charts import words
from wholestory.charts.spc import (
    AssuranceIcon,
    ChartOptions,
    Direction,
    PointClass,
    Rule,
    Side,
    SpcChart,
    VariationIcon,
    xmr_chart,
)
from wholestory.charts.svg import render_svg

HIGHER = ChartOptions(Direction.HIGHER_IS_BETTER)

#: R's ``set.seed(123); rnorm(20)``, the series of NHSRplotthedots'
#: tests/testthat/test-ptd_spc_standard.R ("it returns expected values").
RNORM_123 = [
    -0.56047565, -0.23017749, 1.55870831, 0.07050839, 0.12928774,
    1.71506499, 0.46091621, -1.26506123, -0.68685285, -0.44566197,
    1.22408180, 0.35981383, 0.40077145, 0.11068272, -0.55584113,
    1.78691314, 0.49785048, -1.96661716, 0.70135590, -0.47279174,
]  # fmt: skip

#: Twelve points alternating 9 and 11: mean 10, every moving range 2, so with the limits
#: fixed on them, upper 10 + 2.66 × 2 = 15.32, lower 4.68, and the 2-of-3 lines at
#: 10 ± (2 × 2.66 / 3) × 2 = 10 ± 3.5467 (13.5467 and 6.4533).
BASELINE = [9.0, 11.0] * 6
UPPER = 10 + 2.66 * 2.0


def chart(values: Sequence[float], options: ChartOptions = HIGHER) -> SpcChart:
    """A chart of values over numbered periods ("p0", "p1", ...)."""
    return xmr_chart([(f"p{i}", v) for i, v in enumerate(values)], options)


def fixed(tail: Sequence[float], options: ChartOptions = HIGHER) -> SpcChart:
    """The tail judged against limits fixed on :data:`BASELINE`."""
    return chart([*BASELINE, *tail], ChartOptions(options.direction, options.target, baseline=12))


def marked(c: SpcChart, rule: Rule) -> dict[int, Side]:
    """The points one rule marked, by index, with the side it marked."""
    return {i: s.side for i, p in enumerate(c.points) for s in p.signals if s.rule is rule}


def tail_marks(tail: Sequence[float], rule: Rule) -> dict[int, Side]:
    """One rule's marks on a tail after the fixed baseline, indexed within the tail."""
    return {i - len(BASELINE): side for i, side in marked(fixed(tail), rule).items()}


# The limits ------------------------------------------------------------------------


def test_limits_worked_by_hand() -> None:
    # 5, 7, 6, 8, 7, 9: mean 42 / 6 = 7; moving ranges 2, 1, 2, 1, 2, mean 8 / 5 = 1.6;
    # limits 7 ± 2.66 × 1.6 = 7 ± 4.256.
    c = chart([5, 7, 6, 8, 7, 9])
    (section,) = c.sections
    assert section.mean == 7
    assert section.mean_moving_range == pytest.approx(1.6)
    assert section.upper_limit == pytest.approx(11.256)
    assert section.lower_limit == pytest.approx(2.744)
    assert [p.moving_range for p in c.points] == [None, 2, 1, 2, 1, 2]
    assert [p.moving_range_used for p in c.points] == [False, True, True, True, True, True]
    assert all(p.mean == 7 and p.upper_limit == section.upper_limit for p in c.points)


def test_limits_match_the_reference_package() -> None:
    # NHSRplotthedots tests/testthat/_snaps/ptd_spc_standard.md, "it returns expected
    # values": r1 (as drawn), r2 (y[15] = 10, screened) and r3 (the same, unscreened).
    (r1,) = chart(RNORM_123).sections
    assert (r1.mean, r1.lower_limit, r1.upper_limit) == pytest.approx(
        (0.1416238, -3.01138, 3.294627), abs=1e-6
    )
    spiked = [*RNORM_123[:14], 10.0, *RNORM_123[15:]]
    (r2,) = chart(spiked).sections
    assert (r2.mean, r2.lower_limit, r2.upper_limit) == pytest.approx(
        (0.6694159, -2.383666, 3.722497), abs=1e-6
    )
    assert r2.screened_out == 2  # the jumps up to 10 and back down
    (r3,) = chart(spiked, ChartOptions(Direction.HIGHER_IS_BETTER, screen=False)).sections
    assert (r3.mean, r3.lower_limit, r3.upper_limit) == pytest.approx(
        (0.6694159, -4.596625, 5.935457), abs=1e-6
    )
    assert r3.screened_out == 0


def test_the_reference_series_is_common_cause_throughout() -> None:
    # The reference's summary of the same series (tests/testthat/_snaps/ptd_spc.md):
    # 20 points, 20 common cause; a target of 0.5 lies within the limits.
    c = chart(RNORM_123, ChartOptions(Direction.HIGHER_IS_BETTER, target=0.5))
    assert not any(p.special_cause for p in c.points)
    assert c.summary.variation is VariationIcon.COMMON_CAUSE
    assert c.summary.assurance is AssuranceIcon.HIT_AND_MISS


def test_screening_leaves_a_huge_moving_range_out() -> None:
    # 10, 11, 10, 11, 10, 30: moving ranges 1, 1, 1, 1, 20, mean 24 / 5 = 4.8; the cut is
    # 3.267 × 4.8 = 15.68, so 20 is left out and the mean moving range is 1; mean 82 / 6
    # = 13.6667, limits 13.6667 ± 2.66.
    c = chart([10, 11, 10, 11, 10, 30])
    (section,) = c.sections
    assert section.screened_out == 1
    assert section.mean_moving_range == 1
    assert (section.lower_limit, section.upper_limit) == pytest.approx((11.00667, 16.32667))
    assert c.points[-1].moving_range == 20
    assert not c.points[-1].moving_range_used
    unscreened = chart([10, 11, 10, 11, 10, 30], ChartOptions(HIGHER.direction, screen=False))
    assert unscreened.sections[0].mean_moving_range == pytest.approx(4.8)


def test_a_flat_series_has_its_limits_on_the_mean() -> None:
    c = chart([4.0] * 12)
    (section,) = c.sections
    assert (section.lower_limit, section.mean, section.upper_limit) == (4, 4, 4)
    assert section.screened_out == 0
    assert not any(p.special_cause for p in c.points)


def test_a_single_point_has_no_limits() -> None:
    c = chart([3.0], ChartOptions(Direction.HIGHER_IS_BETTER, target=1))
    assert (c.points[0].upper_limit, c.points[0].lower_limit) == (None, None)
    assert c.summary.variation is VariationIcon.COMMON_CAUSE
    assert c.summary.assurance is None
    assert c.summary.trial_limits


# Outside the limits ----------------------------------------------------------------


def test_a_point_exactly_on_a_limit_is_inside() -> None:
    c = fixed([UPPER])
    assert c.sections[0].upper_limit == UPPER
    assert not marked(c, Rule.OUTSIDE_LIMITS)
    assert tail_marks([math.nextafter(UPPER, math.inf)], Rule.OUTSIDE_LIMITS) == {0: Side.HIGH}
    assert tail_marks([4.68 - 0.01], Rule.OUTSIDE_LIMITS) == {0: Side.LOW}


# A trend of seven ------------------------------------------------------------------


def test_six_rising_points_are_no_trend_and_seven_are() -> None:
    assert not marked(chart([5, 0, 1, 2, 3, 4, 5, 3]), Rule.TREND)
    seven = marked(chart([5, 0, 1, 2, 3, 4, 5, 6, 3]), Rule.TREND)
    assert seven == dict.fromkeys(range(1, 8), Side.HIGH)


def test_seven_falling_points_are_a_trend_down() -> None:
    assert marked(chart([0, 6, 5, 4, 3, 2, 1, 0, 3]), Rule.TREND) == dict.fromkeys(
        range(1, 8), Side.LOW
    )


def test_an_equal_value_breaks_a_trend() -> None:
    assert not marked(chart([0, 1, 2, 3, 3, 4, 5, 6]), Rule.TREND)
    assert len(marked(chart([0, 1, 2, 3, 3.5, 4, 5, 6]), Rule.TREND)) == 8


def test_a_turning_point_takes_the_later_trend() -> None:
    # Rising 1..7 then falling to 1: the peak is in both runs; like the reference, it
    # takes the falling run's side.
    marks = marked(chart([1, 2, 3, 4, 5, 6, 7, 6, 5, 4, 3, 2, 1]), Rule.TREND)
    assert [marks[i] for i in range(13)] == [Side.HIGH] * 6 + [Side.LOW] * 7


def test_a_trend_beside_a_flat_step_keeps_its_own_side() -> None:
    # Rising 1..7, a repeated 7, then falling to 1: the first 7 ends the rising run and
    # stays "high" (the reference, reading the flat step, would call it falling).
    marks = marked(chart([1, 2, 3, 4, 5, 6, 7, 7, 6, 5, 4, 3, 2, 1]), Rule.TREND)
    assert [marks[i] for i in range(14)] == [Side.HIGH] * 7 + [Side.LOW] * 7


# Two of three close to a limit -----------------------------------------------------


def test_two_of_three_marks_only_the_close_points() -> None:
    assert tail_marks([14, 11, 14], Rule.TWO_OF_THREE) == {0: Side.HIGH, 2: Side.HIGH}
    assert tail_marks([6, 6, 9], Rule.TWO_OF_THREE) == {0: Side.LOW, 1: Side.LOW}


def test_two_of_three_needs_all_three_on_one_side() -> None:
    assert not tail_marks([14, 9, 14], Rule.TWO_OF_THREE)
    assert not tail_marks([14, 10, 14], Rule.TWO_OF_THREE)  # the middle one is on the mean


def test_two_of_three_needs_them_within_three_points() -> None:
    assert not tail_marks([14, 11, 11, 14], Rule.TWO_OF_THREE)


def test_a_point_on_the_limit_is_close_and_one_outside_is_not() -> None:
    assert tail_marks([UPPER, 11, 14], Rule.TWO_OF_THREE) == {0: Side.HIGH, 2: Side.HIGH}
    # 16 is outside (first rule), and so not "close": 14 alone is not two of three.
    assert not tail_marks([16, 14, 11], Rule.TWO_OF_THREE)


def test_two_of_three_on_opposite_sides_is_common_cause() -> None:
    # NHSRplotthedots tests/testthat/test-ptd_spc_standard.R, "it only reports special
    # cause for 2of3 points close to limits when they are on the same side of the mean".
    values = [1.0, -1.0] * 8
    values[14], values[15] = 5.5, -5.5
    c = chart(values)
    assert [p.point_class for p in c.points[-2:]] == [PointClass.COMMON_CAUSE] * 2


# A shift of seven ------------------------------------------------------------------


def test_six_on_one_side_are_no_shift_and_seven_are() -> None:
    assert not marked(chart([6] * 6 + [4] * 6), Rule.SHIFT)
    seven = marked(chart([6] * 7 + [4] * 7), Rule.SHIFT)
    assert seven == {**dict.fromkeys(range(7), Side.HIGH), **dict.fromkeys(range(7, 14), Side.LOW)}


def test_a_point_on_the_mean_breaks_a_shift() -> None:
    # Mean (36 + 5 + 24) / 13 = 5: the seventh point sits on it.
    c = chart([6] * 6 + [5] + [4] * 6)
    assert c.sections[0].mean == 5
    assert not marked(c, Rule.SHIFT)


# Rules together --------------------------------------------------------------------


def test_every_rule_is_listed_and_the_first_decides() -> None:
    # The peak of 1..7..1 is outside the upper limit and in the falling trend: both are
    # listed, in the rules' order, and the first makes it an improvement.
    c = chart([1, 2, 3, 4, 5, 6, 7, 6, 5, 4, 3, 2, 1])
    peak = c.points[6]
    assert [s.rule for s in peak.signals][:2] == [Rule.OUTSIDE_LIMITS, Rule.TREND]
    assert peak.point_class is PointClass.IMPROVEMENT
    assert c.points[7].point_class is PointClass.CONCERN  # falling trend, first rule


# Baseline and rebasing -------------------------------------------------------------


def test_a_baseline_fixes_the_limits() -> None:
    c = fixed([13.0] * 12)
    (section,) = c.sections
    assert (section.baseline_points, section.mean, section.upper_limit) == (12, 10, UPPER)
    assert all(p.mean == 10 for p in c.points)
    assert not any(p.moving_range_used for p in c.points[12:])
    # The baseline's last 11 and twelve 13s above the fixed mean make a shift; unfixed,
    # the mean would follow them.
    assert set(marked(c, Rule.SHIFT)) == set(range(11, 24))
    assert chart(BASELINE + [13.0] * 12).sections[0].mean == pytest.approx(11.5)


def test_a_baseline_needs_twelve_points() -> None:
    with pytest.raises(ValueError, match="at least 12"):
        chart(BASELINE, ChartOptions(Direction.NEUTRAL, baseline=11))


def test_rebasing_recalculates_the_limits_from_the_marked_point() -> None:
    values = [9.0, 11.0] * 6 + [19.0, 21.0] * 6
    c = chart(values, ChartOptions(Direction.HIGHER_IS_BETTER, rebase_at=("p12",)))
    first, second = c.sections
    assert (first.first, first.last, first.mean) == ("p0", "p11", 10)
    assert (second.first, second.last, second.mean) == ("p12", "p23", 20)
    assert c.points[12].moving_range is None
    assert c.points[12].section == 1
    assert not any(p.special_cause for p in c.points)
    assert any(p.special_cause for p in chart(values).points)


def test_a_trend_does_not_run_across_a_rebase() -> None:
    values = [5.0, 3.0] * 4 + [1, 2, 3, 4, 5, 6, 7, 8] + [4.0, 6.0] * 4
    assert marked(chart(values), Rule.TREND)
    rebased = chart(values, ChartOptions(Direction.HIGHER_IS_BETTER, rebase_at=("p12",)))
    assert not marked(rebased, Rule.TREND)


def test_trial_limits_below_twelve_points() -> None:
    assert chart(BASELINE[:11]).summary.trial_limits
    assert not chart(BASELINE).summary.trial_limits
    rebased = chart(BASELINE * 2, ChartOptions(Direction.NEUTRAL, rebase_at=("p19",)))
    assert [s.trial_limits for s in rebased.sections] == [False, True]
    assert rebased.summary.trial_limits


# Directions and icons ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("direction", "last", "kind", "icon"),
    [
        (Direction.HIGHER_IS_BETTER, 20, PointClass.IMPROVEMENT, VariationIcon.IMPROVEMENT_HIGH),
        (Direction.HIGHER_IS_BETTER, 0, PointClass.CONCERN, VariationIcon.CONCERN_LOW),
        (Direction.LOWER_IS_BETTER, 20, PointClass.CONCERN, VariationIcon.CONCERN_HIGH),
        (Direction.LOWER_IS_BETTER, 0, PointClass.IMPROVEMENT, VariationIcon.IMPROVEMENT_LOW),
        (Direction.NEUTRAL, 20, PointClass.NEUTRAL, VariationIcon.NEUTRAL_HIGH),
        (Direction.NEUTRAL, 0, PointClass.NEUTRAL, VariationIcon.NEUTRAL_LOW),
        (Direction.HIGHER_IS_BETTER, 11, PointClass.COMMON_CAUSE, VariationIcon.COMMON_CAUSE),
    ],
)
def test_the_variation_icon_reads_the_last_point(
    direction: Direction, last: float, kind: PointClass, icon: VariationIcon
) -> None:
    c = fixed([last], ChartOptions(direction))
    assert c.points[-1].point_class is kind
    assert c.summary.variation is icon


@pytest.mark.parametrize(
    ("direction", "target", "icon"),
    [
        (Direction.HIGHER_IS_BETTER, 2, AssuranceIcon.CONSISTENTLY_PASSING),
        (Direction.HIGHER_IS_BETTER, 20, AssuranceIcon.CONSISTENTLY_FAILING),
        (Direction.LOWER_IS_BETTER, 20, AssuranceIcon.CONSISTENTLY_PASSING),
        (Direction.LOWER_IS_BETTER, 2, AssuranceIcon.CONSISTENTLY_FAILING),
        (Direction.HIGHER_IS_BETTER, 10, AssuranceIcon.HIT_AND_MISS),
        (Direction.LOWER_IS_BETTER, UPPER, AssuranceIcon.HIT_AND_MISS),  # on the limit
        (Direction.NEUTRAL, 20, None),
        (Direction.HIGHER_IS_BETTER, None, None),
    ],
)
def test_the_assurance_icon_sets_the_target_against_the_limits(
    direction: Direction, target: float | None, icon: AssuranceIcon | None
) -> None:
    # The limits are 4.68 to 15.32 (BASELINE).
    assert fixed([10], ChartOptions(direction, target)).summary.assurance is icon


def test_the_assurance_icon_reads_the_latest_limits() -> None:
    values = [9.0, 11.0] * 6 + [19.0, 21.0] * 6
    options = ChartOptions(Direction.HIGHER_IS_BETTER, target=8, rebase_at=("p12",))
    assert chart(values, options).summary.assurance is AssuranceIcon.CONSISTENTLY_PASSING


# The data ----------------------------------------------------------------------------


def test_as_dict_is_json() -> None:
    months = [date(2026, m, 1) for m in range(1, 13)]
    options = ChartOptions(Direction.LOWER_IS_BETTER, 10, rebase_at=(months[6],))
    c = xmr_chart(list(zip(months, BASELINE, strict=True)), options)
    data = json.loads(json.dumps(c.as_dict()))
    assert data["points"][0]["period"] == "2026-01-01"
    assert data["options"]["rebase_at"] == ["2026-07-01"]
    assert data["sections"][1]["first"] == "2026-07-01"
    assert data["summary"] == {"variation": "common_cause", "assurance": "hit_and_miss",
                               "trial_limits": True}  # fmt: skip


@pytest.mark.parametrize(
    ("series", "options", "message"),
    [
        ([], HIGHER, "at least one point"),
        ([("a", math.nan)], HIGHER, "not a number"),
        ([("a", 1), ("a", 2)], HIGHER, "only once"),
        ([(date(2026, 2, 1), 1), (date(2026, 1, 1), 2)], HIGHER, "time order"),
        ([("a", 1)], ChartOptions(Direction.NEUTRAL, rebase_at=("b",)), "Rebase"),
        ([("a", 1)], ChartOptions(Direction.NEUTRAL, target=math.inf), "target"),
    ],
)
def test_what_a_chart_refuses(
    series: list[tuple[str | date, float]], options: ChartOptions, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        xmr_chart(series, options)


# Whatever the series -----------------------------------------------------------------

series_values = st.lists(
    st.floats(min_value=-1e6, max_value=1e6, allow_nan=False).map(lambda v: round(v, 2)),
    min_size=1,
    max_size=40,
)


@given(series_values, st.sampled_from(list(Direction)))
def test_what_holds_for_every_series(values: list[float], direction: Direction) -> None:
    c = chart(values, ChartOptions(direction))
    for p in c.points:
        assert (p.point_class is PointClass.COMMON_CAUSE) == (not p.signals)
        limits = (p.lower_limit, p.upper_limit)
        beyond = None not in limits and not limits[0] <= p.value <= limits[1]  # type: ignore[operator]
        assert beyond == any(s.rule is Rule.OUTSIDE_LIMITS for s in p.signals)
    for i in marked(c, Rule.TREND):
        runs = (values[j : j + 7] for j in range(max(0, i - 6), i + 1))
        assert any(_monotonic(run) for run in runs if len(run) == 7)
    json.dumps(c.as_dict())


def _monotonic(run: list[float]) -> bool:
    pairs = list(itertools.pairwise(run))
    return all(b > a for a, b in pairs) or all(b < a for a, b in pairs)


# The words ---------------------------------------------------------------------------


def test_every_icon_and_rule_has_words() -> None:
    assert set(words.VARIATION_WORDS) == set(VariationIcon)
    assert set(words.ASSURANCE_WORDS) == set(AssuranceIcon)
    assert set(words.RULE_WORDS) == {(rule, side) for rule in Rule for side in Side}


def test_the_summary_says_the_icons_in_words() -> None:
    improving = fixed([20], ChartOptions(Direction.HIGHER_IS_BETTER, target=2))
    assert words.summary_lines(improving) == [
        "Special cause variation: improvement (higher is better).",
        "Higher is better.",
        "Consistently passing the target (target 2).",
    ]
    short = chart([1, 2, 1], ChartOptions(Direction.NEUTRAL, target=5))
    assert words.summary_lines(short) == [
        "Common cause variation: no significant change.",
        "Neither direction is better.",
        "No assurance against the target: neither direction is better.",
        "Trial limits: fewer than 12 points.",
    ]


def test_a_point_says_why_it_was_marked() -> None:
    peak = chart([1, 2, 3, 4, 5, 6, 7, 6, 5, 4, 3, 2, 1]).points[6]
    assert words.point_words(peak).startswith(
        "p6: 7, special cause: improvement (above the upper process limit; "
        "one of 7 or more points each lower than the last"
    )


def test_the_description_says_where_limits_were_fixed_and_recalculated() -> None:
    values = [9.0, 11.0] * 6 + [19.0, 21.0] * 8
    options = ChartOptions(Direction.HIGHER_IS_BETTER, rebase_at=("p12",), baseline=12)
    text = words.description(chart(values, options), "Visits")
    assert text.startswith("Visits: an XmR (statistical process control) chart of 28 points")
    assert "From p0: mean 10, process limits 4.68 to 15.32." in text
    assert "The limits were recalculated from p12." in text
    assert "The limits are fixed on the first 12 points from p12." in text


def test_figures_are_short() -> None:
    assert [words.figure(v) for v in (12.0, 0.125, 1234.5, -0.001)] == [
        "12",
        "0.12",
        "1,234.5",
        "0",
    ]


# The SVG ----------------------------------------------------------------------------

NS = {"svg": "http://www.w3.org/2000/svg"}


def drawn(c: SpcChart, measure: str = "Visits") -> ET.Element:
    """The chart's SVG, parsed: it must be well-formed XML."""
    return ET.fromstring(render_svg(c, measure=measure, chart_id="visits"))


def test_the_svg_has_a_title_and_a_description() -> None:
    root = drawn(chart(RNORM_123), measure="Visits <per> child & family")
    title, desc = root.find("svg:title", NS), root.find("svg:desc", NS)
    assert title is not None and desc is not None
    assert title.text == "Visits <per> child & family"
    assert desc.text == words.description(chart(RNORM_123), "Visits <per> child & family")
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "visits-title visits-desc"
    assert {title.get("id"), desc.get("id")} == {"visits-title", "visits-desc"}
    assert not root.findall(".//svg:script", NS)


def test_the_svg_has_one_marker_per_point_coloured_by_class() -> None:
    c = fixed([20, 11, 0], ChartOptions(Direction.HIGHER_IS_BETTER))
    markers = drawn(c).findall("svg:g[@class='points']/svg:circle", NS)
    assert len(markers) == len(c.points) == 15
    assert [m.get("class") for m in markers][-3:] == [
        "point improvement", "point common_cause", "point concern"
    ]  # fmt: skip
    assert [m.get("fill") for m in markers][-3:] == ["#00b0f0", "#a6a6a6", "#e46c0a"]
    titles = [m.findtext("svg:title", namespaces=NS) for m in markers]
    assert titles == [words.point_words(p) for p in c.points]


def test_the_svg_draws_dashed_limits_a_solid_mean_and_the_target() -> None:
    values = [9.0, 11.0] * 6 + [19.0, 21.0] * 6
    c = chart(values, ChartOptions(Direction.LOWER_IS_BETTER, 12, rebase_at=("p12",)))
    root = drawn(c)
    limits = root.findall("svg:line[@class='upper-limit']", NS)
    limits += root.findall("svg:line[@class='lower-limit']", NS)
    means = root.findall("svg:line[@class='mean']", NS)
    assert len(limits) == 4 and len(means) == 2  # one of each per section
    assert all(line.get("stroke-dasharray") for line in limits)
    assert not any(line.get("stroke-dasharray") for line in means)
    assert len(root.findall("svg:line[@class='target']", NS)) == 1
    assert not drawn(chart(values)).findall("svg:line[@class='target']", NS)


def test_the_svg_says_its_icons_in_words_under_the_chart() -> None:
    c = chart([1, 2, 1], ChartOptions(Direction.HIGHER_IS_BETTER, target=-5))
    summary = drawn(c).findall("svg:g[@class='summary']/svg:text", NS)
    text = " ".join(t.text or "" for t in summary)
    assert "Common cause variation: no significant change." in text
    assert "Consistently passing the target (target -5)." in text
    assert "Trial limits: fewer than 12 points." in text
