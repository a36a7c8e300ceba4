"""Transitional: the indicator rules moved to :mod:`wholestory.chronology.indicators`.

Kept only so that ``render.py``, ``cli/chronology.py`` and
``web/pages/person_presenting.py`` (being rewritten by others) still import
while their import lines change; delete it once nothing imports it.
"""

from wholestory.chronology.indicators import INDICATORS, SEVERITY_ORDER

__all__ = ["INDICATORS", "SEVERITY_ORDER"]
