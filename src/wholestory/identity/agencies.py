"""What an agency's person ids mean: one per person, or one per episode.

Agencies differ. Most give one id per person, with a few duplicates (a child
registered twice after a move). Some give a new id per episode: many
emergency departments give a new number for each attendance. Linking must
know which, or it treats a child's four attendances as four children (the
agency "said" they were different people) and their history falls apart.

The partnership says so per agency, in a mapping profile (``person_ids:
episode``) or in a partnership-wide agencies file::

    agencies:
      ED: {person_ids: episode}
      POLICE: {person_ids: person}

What was said is kept in the store (``ws_agency_setting``), so every later
linking run reads the same thing. Agencies not named are ``person``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Final, Literal

import yaml

from wholestory.identity.sources import now_iso
from wholestory.store.connection import Store

PersonIds = Literal["person", "episode"]
PERSON_IDS: Final[tuple[str, ...]] = ("person", "episode")
#: The file a partnership's folder of exports may hold to say what each agency's ids mean.
AGENCIES_FILE: Final = "agencies.yaml"


class AgenciesFileError(ValueError):
    """An agencies file or setting that cannot be used; the message names the file and key."""


@dataclass(frozen=True)
class AgencySettings:
    """What was said of each agency, and where it was said."""

    person_ids: dict[str, PersonIds]
    source: str


def parse_person_ids(value: object, where: str) -> PersonIds:
    """``person`` or ``episode``, or an error naming ``where`` it was written."""
    text = str(value).strip().lower() if value is not None else ""
    if text == "person":
        return "person"
    if text == "episode":
        return "episode"
    raise AgenciesFileError(
        f"{where}: person_ids must be 'person' (one id per person) or 'episode' "
        f"(a new id per attendance or episode), not '{value}'."
    )


def read_agencies_file(path: Path) -> AgencySettings:
    """Read a partnership's agencies file, checking every entry before any is used."""
    try:
        loaded = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise AgenciesFileError(f"{path}: cannot be read ({error.strerror}).") from None
    except yaml.YAMLError as error:
        raise AgenciesFileError(f"{path}: is not valid YAML ({error}).") from None
    if not isinstance(loaded, dict) or not isinstance(loaded.get("agencies"), dict):
        raise AgenciesFileError(
            f"{path}: must hold 'agencies:' with one entry per agency, "
            "such as 'ED: {person_ids: episode}'."
        )
    found: dict[str, PersonIds] = {}
    for agency, entry in loaded["agencies"].items():
        code = str(agency).strip().upper()
        where = f"{path}, agency {code}"
        if not isinstance(entry, dict) or "person_ids" not in entry:
            raise AgenciesFileError(f"{where}: give person_ids (person or episode).")
        unknown = sorted(set(entry) - {"person_ids"})
        if unknown:
            raise AgenciesFileError(f"{where}: unknown setting {', '.join(map(str, unknown))}.")
        found[code] = parse_person_ids(entry["person_ids"], where)
    return AgencySettings(found, str(path))


def save(store: Store, settings: AgencySettings) -> None:
    """Keep what was said of each agency; a later word on the same agency replaces it."""
    if not settings.person_ids:
        return
    when = now_iso()
    with store.transaction():
        for agency, person_ids in sorted(settings.person_ids.items()):
            store.execute("DELETE FROM ws_agency_setting WHERE agency = ?", [agency])
            store.execute(
                "INSERT INTO ws_agency_setting (agency, person_ids, set_from, set_at) "
                "VALUES (?, ?, ?, ?)",
                [agency, person_ids, settings.source, when],
            )


def person_ids(store: Store) -> dict[str, PersonIds]:
    """Every agency the partnership has spoken of, and what its ids mean."""
    return {
        str(agency): parse_person_ids(value, f"the store's setting for {agency}")
        for agency, value in store.query("SELECT agency, person_ids FROM ws_agency_setting")
    }


def episode_agencies(store: Store) -> frozenset[str]:
    """Agencies that give a new id per episode: their ids link to each other freely."""
    return frozenset(a for a, v in person_ids(store).items() if v == "episode")


def describe(settings: Mapping[str, PersonIds]) -> str:
    """One line for people: which agencies give an id per episode."""
    episodes = sorted(a for a, v in settings.items() if v == "episode")
    if not episodes:
        return "Every agency gives one id per person."
    return f"A new id per episode at {', '.join(episodes)}; one id per person elsewhere."
