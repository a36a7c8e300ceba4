"""A fictional borough: its towns, streets, homes and postcodes, and how agencies write them.

The borough uses the postcode area ``QN`` (no real UK area begins with Q),
so nothing here can be anyone's real address. Each street has a fixed
postcode sector and a few unit codes, as real streets do, so neighbours share
a postcode and families on one street are the hard case for linking that
they are in life.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Final

from wholestory.crosscheck.noise import STREET_ABBREVIATIONS

#: Town, postcode district number, and its streets as (name, kind).
_TOWNS: Final[tuple[tuple[str, int, str], ...]] = (
    (
        "Brackenford",
        1,
        "Larch:Road Foundry:Street Kingsway:Avenue Millbrook:Close Tanners:Lane "
        "Heather:Drive Orchard:Crescent Victoria:Gardens Rope_Walk:Terrace Beacon:Court "
        "Alder:Grove Chapel:Street Wharf:Road Sycamore:Way Fernlea:Avenue Canal:Street",
    ),
    (
        "Holmesworth",
        2,
        "Station:Road Church:Lane Moorside:Drive Weavers:Close Hawthorn:Avenue Albion:Street "
        "Primrose:Gardens Greenbank:Terrace Cobden:Street Linnet:Way Ash:Grove Mill:Lane",
    ),
    (
        "Saltmarsh Quay",
        3,
        "Harbour:Road Ropery:Street Gull:Close Seaview:Crescent Anchor:Court Pilot:Walk "
        "Estuary:Way Shipwright:Lane Dock:Street Tide:Place",
    ),
    (
        "Lindley Cross",
        4,
        "Cross:Street Rookery:Lane Willowbank:Drive Parkside:Avenue Clover:Close "
        "Oakfield:Road Lime:Grove Bramble:Way Prospect:Terrace Market:Square",
    ),
    (
        "Ebbwater",
        5,
        "Ebb:Road Kiln:Lane Cinder:Street Sandpiper:Close Brook:Crescent Quarry:Road "
        "Hollins:Drive Pennine:Avenue Cotton:Street",
    ),
    (
        "Thornby Vale",
        6,
        "Vale:Road Thorn:Lane Meadow:Way Bluebell:Close Garth:Avenue Hillcrest:Drive "
        "Coppice:Gardens Farrier:Court",
    ),
)

_UNIT_LETTERS: Final = "ABDEFGHJLNPQRSTUWXYZ"  # the letters postcode units use


@dataclass(frozen=True)
class Street:
    name: str
    kind: str
    town: str
    district: str  # "QN3"
    sector: int
    units: tuple[str, ...]


@dataclass(frozen=True)
class Address:
    """A home. ``flat`` is empty for a house."""

    flat: str
    number: int
    street: Street

    @property
    def town(self) -> str:
        return self.street.town

    @property
    def postcode(self) -> str:
        s = self.street
        return f"{s.district} {s.sector}{s.units[self.number % len(s.units)]}"

    def written(self, style: AddressStyle) -> str:
        """The address as one agency's system holds it."""
        kind = STREET_ABBREVIATIONS[self.street.kind] if style.abbreviate else self.street.kind
        line = f"{self.number} {self.street.name} {kind}"
        if self.flat:
            line = f"{self.flat}/{line}" if style.flat_slash else f"Flat {self.flat}, {line}"
        if style.town:
            line = f"{line}, {self.town}"
        return line.upper() if style.capitals else line


@dataclass(frozen=True)
class AddressStyle:
    """One agency system's way of writing addresses: fixed per registration."""

    abbreviate: bool
    flat_slash: bool
    town: bool
    capitals: bool
    postcode: str  # a style of noise.POSTCODE_STYLES


def _streets(rng: random.Random) -> tuple[Street, ...]:
    found: list[Street] = []
    for town, district, spec in _TOWNS:
        for sector, item in enumerate(spec.split(" ")):
            name, _, kind = item.partition(":")
            name = name.replace("_", " ")
            units = tuple(
                rng.choice(_UNIT_LETTERS) + rng.choice(_UNIT_LETTERS)
                for _ in range(rng.randint(1, 3))
            )
            found.append(Street(name, kind, town, f"QN{district}", sector % 10, units))
    return tuple(found)


class Borough:
    """The partnership's streets, made once per seed, and new homes on them."""

    def __init__(self, rng: random.Random) -> None:
        self.streets = _streets(rng)
        self.towns = tuple(sorted({s.town for s in self.streets}))

    def home(self, rng: random.Random, town: str | None = None) -> Address:
        streets = [s for s in self.streets if town is None or s.town == town]
        street = rng.choice(streets)
        flat = str(rng.randint(1, 12)) if rng.random() < 0.25 else ""
        return Address(flat, rng.randint(1, 180), street)
