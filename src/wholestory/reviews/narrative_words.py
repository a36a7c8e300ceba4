"""The words of a drafted narrative: plain English, as a review's key practice episodes
are written, naming agencies and years but never the child."""

from __future__ import annotations

_SMALL = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")


def number(n: int) -> str:
    """Numbers to ten in words, as GOV.UK style writes them; larger ones in figures."""
    return _SMALL[n] if 0 <= n < len(_SMALL) else str(n)


def span(first: int, last: int) -> str:
    """ "In 2014" or "Between 2010 and 2017"."""
    return f"In {first}" if first == last else f"Between {first} and {last}"


def _plural(n: int, one: str, many: str) -> str:
    return f"{number(n)} {one if n == 1 else many}"


def involved(agency: str, n: int, first: int, last: int) -> str:
    return (
        f"{span(first, last)} {agency} recorded {_plural(n, 'entry', 'entries')} about the child."
    )


def da_incidents(n: int, first: int, last: int) -> str:
    told = _plural(n, "domestic abuse incident was", "domestic abuse incidents were")
    return f"{span(first, last)} {told} recorded at the home."


def nfa(n: int, first: int, last: int) -> str:
    ended = _plural(n, "referral or assessment", "referrals or assessments")
    return f"{span(first, last)} {ended} ended with no further action."


def start_again(n: int, first: int, last: int) -> str:
    return (
        f"{span(first, last)} work with the child started again "
        f"{_plural(n, 'time', 'times')} when earlier referrals or assessments existed."
    )


def silence(days: int, year: int) -> str:
    return f"After a concern in {year}, nothing was recorded about the child for {days} days."


def views_recorded(n: int, first: int, last: int) -> str:
    return f"{span(first, last)} agencies recorded the child's views {_plural(n, 'time', 'times')}."


def no_views(first: int, last: int) -> str:
    return f"{span(first, last)} no agency recorded the child's views."
