"""Words every part of WholeStory writes alike: counts of things people read.

One definition, so that a flag's explanation, an import's account, a review pack and
a command's last line never disagree on "1 entry", "2 entries", "1,200 people".
"""

from __future__ import annotations


def count_words(number: int, noun: str, many: str | None = None) -> str:
    """``1 record``, ``2 records``, ``2 people``, ``2 chronologies``, ``1,200 entries``.

    ``many`` names an irregular plural ("fathers and sons"); otherwise the usual English
    rules are applied ("person" becomes "people", a consonant and "y" become "ies").
    """
    if number == 1:
        return f"1 {noun}"
    return f"{number:,} {many or _plural(noun)}"


def _plural(noun: str) -> str:
    if noun.endswith("person"):
        return noun[: -len("person")] + "people"
    if noun.endswith("y") and noun[-2:-1] not in "aeiou":
        return noun[:-1] + "ies"
    if noun.endswith(("s", "sh", "ch", "x")):
        return noun + "es"
    return noun + "s"
