"""A chronology survives its JSON: ``Chronology.from_dict(c.as_dict()) == c``.

The stored chronology and every page that draws one read it back through
:meth:`~wholestory.chronology.model.Chronology.from_dict`, so anything
``as_dict`` writes and ``from_dict`` drops would vanish between the nightly
batch and the page: a flag's ages, an entry's people, a record's restricted
category, the marker a sharing agreement leaves in place of a record.
"""

from __future__ import annotations

import dataclasses
import json

from chronology_factory import make_chronology
from wholestory.chronology.model import Chronology
from wholestory.sharing.decide import reduce_to_involvement, restricted_marker


def _round_trip(chronology: Chronology) -> Chronology:
    """Through the JSON text, as the store keeps it."""
    return Chronology.from_dict(json.loads(json.dumps(chronology.as_dict())))


def _with_every_field(chronology: Chronology) -> Chronology:
    """The factory's chronology, with the optional fields it leaves empty filled in."""
    entries = list(chronology.entries)
    first = entries[0]
    restricted = dataclasses.replace(first.sources[0], restricted="SEXUAL_HEALTH")
    entries[0] = dataclasses.replace(first, sources=[restricted, *first.sources[1:]])
    flags = [dataclasses.replace(f, age_first=3, age_last=4) for f in chronology.flags]
    person = dataclasses.replace(chronology.person, date_of_death="2025-01-31")
    return dataclasses.replace(chronology, entries=entries, flags=flags, person=person)


def test_a_chronology_comes_back_equal_from_its_json() -> None:
    """Person, entries (with their people and records), flags, summary and household."""
    chronology = _with_every_field(make_chronology())
    assert chronology.flags and chronology.household and chronology.summary
    assert any(e.involved for e in chronology.entries)
    assert any(e.merged_because for e in chronology.entries)
    assert any(e.household for e in chronology.entries)
    assert any(f.age_first is not None for f in chronology.flags)
    back = _round_trip(chronology)
    assert back.entries == chronology.entries
    assert back.flags == chronology.flags
    assert back.person == chronology.person
    assert back == chronology


def test_a_chronology_shaped_by_sharing_comes_back_equal() -> None:
    """Records cut to involvement, and restricted markers, read back as they were shared."""
    chronology = make_chronology()
    entries = [
        dataclasses.replace(
            e, sources=[restricted_marker(e.sources[0]), *map(reduce_to_involvement, e.sources[1:])]
        )
        for e in chronology.entries
    ]
    shared = dataclasses.replace(chronology, entries=entries)
    assert all(e.sources[0].restricted for e in shared.entries)
    assert _round_trip(shared) == shared


def test_is_child_is_not_in_the_json_and_comes_back_false() -> None:
    """``is_child`` is worked out when a chronology is built, not stored."""
    chronology = dataclasses.replace(make_chronology(), is_child=True)
    assert "is_child" not in chronology.as_dict()
    assert _round_trip(chronology) == dataclasses.replace(chronology, is_child=False)
