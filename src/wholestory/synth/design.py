"""What was planted in whom: the intent behind a household's story.

A story's builder says, per child, which indicator codes it planted, which it
planted just below threshold (near misses), and which other codes its events
may also meet. :func:`wholestory.synth.histories.resolve` then checks the
intent against what the true events actually raise, so ground truth is both
designed and verified.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from wholestory.synth.population import SynthPerson


@dataclass(slots=True)
class Design:
    """Planted, near-miss and allowed codes per child (by true id), with notes."""

    scenario: str = ""
    planted: dict[str, dict[str, str]] = field(default_factory=dict)
    required: dict[str, set[str]] = field(default_factory=dict)
    near: dict[str, dict[str, str]] = field(default_factory=dict)
    allowed: dict[str, set[str]] = field(default_factory=dict)

    def plant(self, child: SynthPerson, code: str, note: str, *, required: bool = True) -> None:
        """``code`` is planted in ``child``; unless ``required`` it may fail to take
        (a sibling born after the events, say)."""
        self.planted.setdefault(child.true_id, {})[code] = note
        if required:
            self.required.setdefault(child.true_id, set()).add(code)

    def near_miss(self, child: SynthPerson, code: str, note: str) -> None:
        """Events deliberately just below ``code``'s threshold."""
        self.near.setdefault(child.true_id, {})[code] = note

    def allow(self, child: SynthPerson, *codes: str) -> None:
        """Codes the planted events may also meet (they are then ``implied``)."""
        self.allowed.setdefault(child.true_id, set()).update(codes)
