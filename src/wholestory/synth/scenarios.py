"""The scenarios a household can be dealt: planted patterns and near misses.

Each scenario names the household it needs (a :class:`Spec`: how many
children, the age band of the oldest, how old the youngest must be) and the
builder that tells its story. Builders live in modules by theme
(:mod:`~wholestory.synth.domestic`, :mod:`~wholestory.synth.health`,
:mod:`~wholestory.synth.exploitation`, :mod:`~wholestory.synth.education`,
:mod:`~wholestory.synth.casework`); the reasoning per indicator code is in
:mod:`wholestory.synth.histories`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

from wholestory.synth import casework, domestic, education, exploitation, health
from wholestory.synth.episodes import Ctx
from wholestory.synth.population import Spec


@dataclass(frozen=True, slots=True)
class Scenario:
    """A kind of household story: the household it needs and how to tell it."""

    name: str
    kind: str  # "planted" or "near_miss"
    spec: Spec
    build: Callable[[Ctx], None]


def _family(children: tuple[int, int] = (2, 4), youngest: float = 2.0) -> Spec:
    """A household whose story involves every child (a household event)."""
    return Spec(children=children, youngest_min_age=youngest, quiet=True, stable=True)


def _child(low: float, high: float, youngest: float = 0.0) -> Spec:
    """A household whose story is about its oldest child, aged low..high on AS_OF."""
    return Spec((1, 3), (low, high), youngest, quiet=True, stable=True)


def _both(children: tuple[int, int], oldest: tuple[float, float], youngest: float) -> Spec:
    """A household story about every child, with bounds on the oldest and the youngest."""
    return Spec(children, oldest, youngest, quiet=True, stable=True)


_PLANTED: Final[tuple[tuple[str, Spec, Callable[[Ctx], None]], ...]] = (
    ("da_single", _family(youngest=1.5), domestic.da_single),
    ("da_escalation", _family(youngest=3.0), domestic.da_escalation),
    ("marac_dash", _family(youngest=2.0), domestic.marac_dash),
    ("marac_repeat", _family(youngest=3.0), domestic.marac_repeat),
    ("wnb_missed", _child(1.5, 12.0), health.wnb_missed),
    ("wnb_discharge", _child(7.5, 17.9), health.wnb_discharge),
    ("cp_plan", _family((1, 3), youngest=3.0), health.cp_plan),
    ("self_harm", _child(12.8, 17.9), health.self_harm),
    ("missing_repeat", _child(13.3, 17.9), exploitation.missing_repeat),
    ("exploitation", _child(14.3, 17.9), exploitation.exploitation),
    ("education_pex", _child(12.6, 16.9), education.education_pex),
    ("education_suspensions", _child(6.8, 9.8), education.education_suspensions),
    ("education_absence", _child(6.5, 15.5), education.education_absence),
    ("education_cme", _child(6.5, 15.5), education.education_cme),
    ("education_ehe", _child(7.5, 15.5), education.education_ehe),
    ("repeat_referral", _family(youngest=2.5), casework.repeat_referral),
    ("ace", _both((2, 4), (9.6, 14.5), 9.6), casework.ace),
    ("unconnected", _child(7.0, 15.0), casework.unconnected),
    ("closed_da", _family(youngest=3.5), casework.closed_da),
    ("closed_injury", _both((1, 3), (4.0, 11.0), 4.0), casework.closed_injury),
    ("closed_teen", _child(14.0, 17.9, 3.0), casework.closed_teen),
)
_NEAR_MISSES: Final[tuple[tuple[str, Spec, Callable[[Ctx], None]], ...]] = (
    ("da_two", _family(youngest=2.5), domestic.da_two),
    ("da_three_spread", _family(youngest=4.0), domestic.da_three_spread),
    ("dash_13", _family(youngest=1.5), domestic.dash_13),
    ("missed_once", _child(1.5, 12.0), health.missed_once),
    ("camhs_no_self_harm", _child(9.5, 17.9), health.camhs_no_self_harm),
    ("missing_young", _child(8.3, 9.9), exploitation.missing_young),
    ("exploitation_nine", _child(9.6, 9.98), exploitation.exploitation_nine),
    ("one_suspension", _child(6.0, 15.5), education.one_suspension),
    ("ehe_no_concerns", _child(6.0, 15.5), education.ehe_no_concerns),
    ("referral_13_months", _family(youngest=2.0), casework.referral_13_months),
    ("ace_three", _both((2, 4), (7.8, 14.5), 7.8), casework.ace_three),
    ("unconnected_with_plan", _child(7.5, 15.0), casework.unconnected_with_plan),
    ("closed_seven_months", _family(youngest=3.5), casework.closed_seven_months),
)

#: Every scenario by name, planted patterns first.
SCENARIOS: Final[dict[str, Scenario]] = {
    name: Scenario(name, kind, spec, build)
    for kind, table in (("planted", _PLANTED), ("near_miss", _NEAR_MISSES))
    for name, spec, build in table
}
