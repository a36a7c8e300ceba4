"""A reporting quarter, as the board names it: ``2026Q3`` is July to September 2026."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Final

_QUARTER: Final = re.compile(r"^(\d{4})\s*-?\s*Q([1-4])$", re.IGNORECASE)


class QuarterError(ValueError):
    """Not a quarter; the message shows how to write one."""


@dataclass(frozen=True, slots=True, order=True)
class Quarter:
    year: int
    number: int

    @classmethod
    def parse(cls, text: str) -> Quarter:
        found = _QUARTER.match(text.strip())
        if not found:
            raise QuarterError(f"'{text}' is not a quarter: write it as 2026Q3 (July to "
                               "September 2026)")  # fmt: skip
        return cls(int(found[1]), int(found[2]))

    @classmethod
    def of(cls, day: dt.date) -> Quarter:
        return cls(day.year, (day.month - 1) // 3 + 1)

    @property
    def start(self) -> dt.date:
        return dt.date(self.year, 3 * self.number - 2, 1)

    @property
    def end(self) -> dt.date:
        following = dt.date(self.year + (self.number == 4), (3 * self.number) % 12 + 1, 1)
        return following - dt.timedelta(days=1)

    @property
    def months(self) -> tuple[str, ...]:
        return tuple(
            f"{self.year}-{m:02d}" for m in range(3 * self.number - 2, 3 * self.number + 1)
        )

    def __str__(self) -> str:
        return f"{self.year}Q{self.number}"

    def words(self) -> str:
        return f"{self.start:%B} to {self.end:%B %Y}"
