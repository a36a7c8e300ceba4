"""A second synthetic partnership generator, written independently, to cross-check linking.

The main generator (``wholestory synth``) and the linking grew up together:
the linking was tuned on its names, nickname list and noise. Figures measured
only on that data say how well the product recognises its own generator's
habits. This package makes partnerships from its own name lists, nickname
habits, spelling slips, agency habits and household cases (twins, juniors,
namesakes, moves, surname changes, duplicate registrations, an emergency
department that issues a new id for many attendances), with ground truth in
the same shape, so ``wholestory link-eval --dataset FOLDER`` measures the
linking on data it was not tuned to. It imports nothing from the main
generator's package and reads none of its files; a test checks that.
"""

from wholestory.crosscheck.partnership import CrosscheckSummary, make_partnership
from wholestory.crosscheck.population import Rates

__all__ = ["CrosscheckSummary", "Rates", "make_partnership"]
