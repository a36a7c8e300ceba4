"""Relationships at team grain (issue 18): at a team-level agency, a team sees what it holds.

A hand-written family on both databases: a girl whose police records are held by the
Child Abuse Investigation Unit (and whose housing, school records are held too), her
mother (no police records; the girl is in her household), and a boy whose one police
record names no team. The rules are checked on facts read from the store, then in the
web: a refusal for a team that holds nothing reads exactly as for anyone hidden.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from factories import event_row, write_csv
from web_support import PASSWORD, open_test_store, serving, setup_django, sign_in
from wholestory import audit
from wholestory.access import (
    LEAD,
    MANAGER,
    PRACTITIONER,
    Facts,
    Grain,
    Viewer,
    may_see_person,
    partnership_grain,
    team_key,
)
from wholestory.access_facts import facts_about
from wholestory.sharing import holds_relationship, parse
from wholestory.sharing.agreement import AGREEMENT_ENV, TEAM, default_agreement
from wholestory.sharing.decide import _team
from wholestory.store import Store

NOW = dt.datetime.now(dt.UTC)
CAIU, RESPONSE = "Child Abuse Investigation Unit", "Response North"
HOME = {"postcode": "XW4 7QT", "address": "12 Lark Rise, Millbrook"}
NAMES = (b"Keeley", b"Marchbank", b"Tyler", b"Quennell", b"Lark Rise")


def _girl(n: int, agency: str, team: str, **values: str) -> dict[str, str]:
    return event_row(
        n, agency=agency, record_id=f"{agency}-K{n}", person_id=f"{agency}-K",
        given_name="Keeley", family_name="Marchbank", date_of_birth="2014-06-11", sex="F",
        nhs_number="", role="SUBJECT", event_id="", event_type="CONCERN",
        summary="Seen at home", team=team, event_date=f"2023-0{n}-05", **HOME, **values,
    )  # fmt: skip


def _mother(n: int, agency: str, team: str) -> dict[str, str]:
    return event_row(
        n, agency=agency, record_id=f"{agency}-M{n}", person_id=f"{agency}-M",
        given_name="Dawn", family_name="Marchbank", date_of_birth="1988-02-03", sex="F",
        nhs_number="4010232137" if agency == "GP" else "", role="SUBJECT", event_id="",
        event_type="CONTACT", summary="Tenancy visit", team=team, event_date=f"2023-0{n}-07",
        **HOME,
    )  # fmt: skip


def _boy() -> dict[str, str]:
    """A police record that names no team: it relates the whole force."""
    return event_row(
        9, agency="POLICE", record_id="POLICE-X1", person_id="POLICE-X", given_name="Tyler",
        family_name="Quennell", date_of_birth="2011-09-30", nhs_number="", postcode="XW9 1AA",
        address="3 Far Lane, Ashby", event_id="", team="", event_date="2023-03-01",
    )  # fmt: skip


@dataclasses.dataclass(frozen=True)
class Family:
    store: Store
    girl: str
    mother: str
    boy: str


def _family(store: Store, folder: Path) -> Family:
    """The family imported by feed, linked and built; the girl's police team is CAIU."""
    from wholestory.chronology.stored import build_all
    from wholestory.identity import LinkThresholds, link_all
    from wholestory.ingest import ingest_paths

    rows = [
        _girl(1, "POLICE", CAIU),
        _girl(2, "POLICE", "  child abuse investigation UNIT "),  # the same team, as typed
        _girl(1, "SCHOOL", "Lark Rise Primary"),
        _girl(1, "HOUSING", "Tenancy Services"),
        _mother(1, "HOUSING", "Housing Options"),
        _mother(1, "GP", "Millbrook Surgery"),
        _boy(),
    ]
    ingest_paths(store, [write_csv(folder / "feeds.csv", rows)])
    link_all(store, thresholds=LinkThresholds())
    build_all(store)

    def person(key: str) -> str:
        return str(store.scalar("SELECT ws_person_id FROM ws_source_person WHERE key = ?", [key]))

    return Family(store, person("POLICE:POLICE-K"), person("GP:GP-M"), person("POLICE:POLICE-X"))


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def family(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Family]:
    """The family once per database for the module, served to the web with its users."""
    store = open_test_store(request.param, request, tmp_path_factory.mktemp("teams"))
    with serving(store.url):
        made = _family(store, tmp_path_factory.mktemp("teams-files"))
        _users()
        yield made
    store.close()


def _users() -> None:
    from wholestory.web.accounts.users import add_user

    for name, team in (("ann.caiu", CAIU), ("bob.response", RESPONSE), ("tom.noteam", "")):
        add_user(name, "POLICE", PRACTITIONER, PASSWORD, team, check_password=False)


@pytest.fixture
def agreement_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Any:
    """Put a partnership's own agreement in force: the default with another relationships
    section (``relationships`` is the YAML of that section's body)."""

    def use(relationships: str) -> Path:
        text = resources.files("wholestory.sharing").joinpath("default.yaml").read_text("utf-8")
        changed, n = re.subn(
            r"^relationships:\n(?:  .*\n)+", f"relationships:\n{relationships}", text, flags=re.M
        )
        assert n == 1, "the default agreement's relationships section moved"
        path = tmp_path / f"agreement-{len(list(tmp_path.glob('agreement-*')))}.yaml"
        path.write_text(changed, encoding="utf-8")
        monkeypatch.setenv(AGREEMENT_ENV, str(path))
        return path

    return use


def _officer(team: str, role: str = PRACTITIONER, **grants: Any) -> Viewer:
    return Viewer(f"officer.{role}", "POLICE", role, team=team, **grants)


def _decide(viewer: Viewer, family: Family, person: str) -> Any:
    return may_see_person(viewer, facts_about(family.store, person), NOW)


def _unknown(viewer: Viewer) -> str:
    return may_see_person(
        viewer, Facts("", frozenset(), frozenset(), grain=partnership_grain()), NOW
    ).reason


# -- the rules, on facts read from the store ----------------------------------------------


def test_an_officer_sees_a_child_their_team_holds_and_another_team_is_refused(
    family: Family,
) -> None:
    mine = _decide(_officer("child abuse  investigation unit"), family, family.girl)
    assert mine.allowed and mine.basis == "relationship"
    assert (
        mine.reason
        == "Your team (child abuse  investigation unit) holds Police records of this person."
    )
    other = _decide(_officer(RESPONSE), family, family.girl)
    assert not other.allowed and other.can_break_glass and other.basis == ""
    assert other.reason.startswith(f"Your team ({RESPONSE}) holds no records of this person")
    assert "Police record relates only the team that holds it" in other.reason
    assert CAIU.lower() not in other.reason.lower() and "Keeley" not in other.reason
    # The same words for a person their team does not hold, one no Police team holds, and
    # someone who does not exist: a refusal says nothing about who holds whom.
    assert other.reason == _decide(_officer(RESPONSE), family, family.mother).reason
    assert other.reason == _unknown(_officer(RESPONSE))
    # Breaking glass still opens the person.
    glass = _officer(RESPONSE, glass={family.girl: NOW + dt.timedelta(hours=1)})
    broke = _decide(glass, family, family.girl)
    assert broke.allowed and broke.basis == "break_glass"


def test_a_record_with_no_team_relates_every_team_of_the_agency(family: Family) -> None:
    for team in (CAIU, RESPONSE, ""):
        decision = _decide(_officer(team), family, family.boy)
        assert decision.allowed and decision.basis == "relationship", team
        assert "name no team, so they relate all of Police" in decision.reason


def test_the_household_route_follows_the_team(family: Family, agreement_file: Any) -> None:
    """The mother has no police records; the girl in her household does, held by CAIU."""
    through = _decide(_officer(CAIU), family, family.mother)
    assert through.allowed and through.basis == "household"
    assert "Your team (Child Abuse Investigation Unit) holds Police records of a child" in (
        through.reason
    )
    assert not _decide(_officer(RESPONSE), family, family.mother).allowed
    agreement_file("  default: agency-wide\n  team: [ED, CAMHS]\n")
    widened = _decide(_officer(RESPONSE), family, family.mother)
    assert widened.allowed and widened.basis == "household"
    assert widened.reason == "Police holds records of a child in this person's household."


def test_without_a_team_only_records_naming_no_team_relate_and_the_refusal_says_so(
    family: Family,
) -> None:
    refused = _decide(_officer(""), family, family.girl)
    assert not refused.allowed and refused.can_break_glass
    assert refused.reason.startswith("You have no team set.")
    assert refused.reason.endswith("Ask your administrator to set your team.")
    assert refused.reason == _unknown(_officer("   "))
    assert _decide(_officer(""), family, family.boy).allowed


def test_managers_and_leads_see_at_the_agencys_grain(family: Family) -> None:
    """A lead acts for the whole force (confirmations, who looked, the audit), and the flags
    dashboard of managers and leads lists every child the force holds records of."""
    for role in (LEAD, MANAGER):
        for team in (RESPONSE, ""):
            decision = _decide(_officer(team, role), family, family.girl)
            assert decision.allowed and decision.basis == "relationship", (role, team)
            assert decision.reason == "Police holds records of this person."
            assert _decide(_officer(team, role), family, family.mother).basis == "household"


def test_an_agency_made_agency_wide_in_an_agreement_lets_every_team_see(
    family: Family, agreement_file: Any
) -> None:
    assert not _decide(_officer(RESPONSE), family, family.girl).allowed
    agreement_file("  default: agency-wide\n  team: [ED, CAMHS, ADULT_MH]\n")
    for team in (CAIU, RESPONSE, ""):
        decision = _decide(_officer(team), family, family.girl)
        assert decision.allowed and decision.reason == "Police holds records of this person."
    assert _unknown(_officer(RESPONSE)) == (
        "Your agency holds no records of this person or of a child in their household."
    )


def test_a_custom_agreement_makes_housing_team_level(family: Family, agreement_file: Any) -> None:
    options = Viewer("hal", "HOUSING", PRACTITIONER, team="Housing Options")
    tenancy = Viewer("tia", "HOUSING", PRACTITIONER, team="tenancy services")
    assert _decide(options, family, family.girl).allowed  # the default: housing is agency-wide
    agreement_file("  default: agency-wide\n  team: [HOUSING]\n")
    refused = _decide(options, family, family.girl)
    assert not refused.allowed and "a Housing record relates only the team" in refused.reason
    assert _decide(options, family, family.mother).basis == "relationship"
    assert _decide(tenancy, family, family.girl).basis == "relationship"
    assert _decide(tenancy, family, family.mother).basis == "household"
    assert _decide(_officer(RESPONSE), family, family.girl).allowed  # police: agency-wide now


def test_a_team_level_default_makes_every_agency_team_level(
    family: Family, agreement_file: Any
) -> None:
    agreement_file("  default: team\n  team: []\n")
    assert partnership_grain() == Grain(frozenset(), every_agency=True)
    school = Viewer("sam", "SCHOOL", PRACTITIONER, team="Another School")
    assert not _decide(school, family, family.girl).allowed
    own = Viewer("sue", "SCHOOL", PRACTITIONER, team="Lark Rise Primary")
    assert _decide(own, family, family.girl).basis == "relationship"


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_a_hand_upload_relates_its_team_only_like_breaking_glass(
    backend: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    """Records are the basis of access: an upload naming a new team waits for a lead."""
    from wholestory.arrival import confirm_upload, waiting_uploads
    from wholestory.identity import LinkThresholds, link_new, now_iso
    from wholestory.ingest import ingest_paths
    from wholestory.store.imports import UPLOAD, Arrival

    store = open_test_store(backend, request, tmp_path)
    try:
        family = _family(store, tmp_path)

        def upload(name: str, row: dict[str, str]) -> None:
            since = now_iso()
            path = write_csv(tmp_path / name, [row])
            ingest_paths(store, [path], arrival=Arrival(UPLOAD, "dot", "POLICE"))
            link_new(store, since=since, thresholds=LinkThresholds())

        # Another police id for the girl, uploaded by hand, held by Response North.
        upload("new-id.csv", {**_girl(3, "POLICE", RESPONSE), "person_id": "POLICE-K2"})
        assert _decide(_officer(RESPONSE), family, family.girl).basis == "unconfirmed_upload"
        assert _decide(_officer(CAIU), family, family.girl).basis == "relationship"
        later = may_see_person(
            _officer(RESPONSE), facts_about(store, family.girl), NOW + dt.timedelta(hours=25)
        )
        assert not later.allowed
        (waiting,) = waiting_uploads(store, "POLICE")
        assert confirm_upload(store, waiting.import_id, "lee", "POLICE") == ""
        assert _decide(_officer(RESPONSE), family, family.girl).basis == "relationship"
        # An upload that adds to CAIU's own police person makes that person wait as a whole
        # (it may have changed what linked them): CAIU sees her only as if breaking glass.
        upload("same-id.csv", _girl(4, "POLICE", RESPONSE))
        assert _decide(_officer(CAIU), family, family.girl).basis == "unconfirmed_upload"
        assert _decide(_officer(RESPONSE), family, family.girl).basis == "relationship"
    finally:
        store.close()


# -- the grain and the team comparison are the agreement's ----------------------------------


def test_the_grain_is_the_agreements() -> None:
    from wholestory.records.template import KNOWN_AGENCIES

    custom = parse(
        resources.files("wholestory.sharing")
        .joinpath("default.yaml")
        .read_text("utf-8")
        .replace("  default: agency-wide\n", "  default: team\n"),
        "a team-level default",
    )
    for agreement in (default_agreement(), custom):
        grain = Grain(agreement.team_agencies, agreement.relationship_default == TEAM)
        for agency in [*KNOWN_AGENCIES, "A_NEW_AGENCY"]:
            assert grain.team_level(agency) == (agreement.grain(agency) == TEAM), agency
    assert partnership_grain().team_agencies == frozenset(
        {"POLICE", "ED", "CAMHS", "ADULT_MH", "HEALTH_VISITING", "SCHOOL_NURSING"}
    )


_teams = st.text(alphabet=st.sampled_from("Aa Bb\t\u00a0ẞß"), max_size=8)


@given(viewer=_teams, record=_teams)
def test_teams_compare_as_the_agreement_compares_them(viewer: str, record: str) -> None:
    assert team_key(record) == _team(record)
    agreement = default_agreement()
    related = holds_relationship(agreement, "POLICE", viewer, "POLICE", record)
    assert related == (team_key(record) in {team_key(viewer), ""})


# -- the web: the viewer's team comes from their membership --------------------------------


@pytest.fixture(autouse=True)
def _no_rate_limits() -> None:
    setup_django()  # a test run alone (the pure rule tests) may come before any web one
    from django.core.cache import cache

    cache.clear()


def _client(username: str) -> Any:
    from django.test import Client

    client = Client()
    sign_in(client, username)
    return client


def test_the_web_refuses_another_team_as_it_refuses_anyone_hidden(family: Family) -> None:
    assert _client("ann.caiu").get(f"/people/{family.girl}").status_code == 200
    bob = _client("bob.response")
    refused = bob.get(f"/people/{family.girl}")
    assert refused.status_code == 403
    assert b"Your team (Response North) holds no records of this person" in refused.content
    assert not [name for name in NAMES if name in refused.content]
    entry = audit.entries(family.store, person=family.girl, limit=1)[0]
    assert (entry.actor, entry.action, entry.outcome) == ("bob.response", "denied", "denied")
    strip = re.compile(rb'(name="csrfmiddlewaretoken" value="[^"]+"|/people/[^/"]+/break-glass)')
    for other in ("WS-9999999", family.mother):
        hidden = bob.get(f"/people/{other}")
        assert hidden.status_code == 403
        assert strip.sub(b"", hidden.content) == strip.sub(b"", refused.content), other
    no_team = _client("tom.noteam").get(f"/people/{family.girl}")
    assert no_team.status_code == 403 and b"Ask your administrator to set your team" in (
        no_team.content
    )


def test_the_api_refuses_another_team_as_it_refuses_an_unknown_person(family: Family) -> None:
    from django.contrib.auth.models import User
    from django.test import Client

    from wholestory.web.accounts.users import issue_token

    def get(username: str, person: str) -> Any:
        token = issue_token(User.objects.get(username=username))
        return Client().get(
            f"/api/v1/people/{person}/chronology", HTTP_AUTHORIZATION=f"Bearer {token}"
        )

    assert get("ann.caiu", family.girl).status_code == 200
    refused, unknown = get("bob.response", family.girl), get("bob.response", "WS-9999999")
    assert refused.status_code == unknown.status_code == 404
    assert refused.content == unknown.content


def test_another_team_may_break_glass(family: Family) -> None:
    from wholestory.web.accounts.models import AccessGrant

    bob = _client("bob.response")
    person = family.girl
    reason = "Child reported missing tonight, need her history now"
    done = bob.post(f"/people/{person}/break-glass", {"ground": "emergency", "reason": reason})
    assert done.status_code == 302 and done.url == f"/people/{person}"
    page = bob.get(f"/people/{person}")
    assert page.status_code == 200 and b"Break-glass access until" in page.content
    AccessGrant.objects.filter(person=person, user__username="bob.response").delete()
    assert bob.get(f"/people/{person}").status_code == 403


def test_moving_a_user_to_another_team_changes_what_they_open_audited_and_told(
    family: Family,
) -> None:
    """``wholestory user team``: a move is a change of access, so it is audited and the
    agency's leads hear of it; what the user may open follows at once."""
    from typer.testing import CliRunner

    from wholestory.cli.main import app
    from wholestory.web.accounts.models import Notification
    from wholestory.web.accounts.users import add_user

    add_user("kim.mover", "POLICE", PRACTITIONER, PASSWORD, RESPONSE, check_password=False)
    kim = _client("kim.mover")
    assert kim.get(f"/people/{family.girl}").status_code == 403

    moved = CliRunner().invoke(app, ["user", "team", "kim.mover", CAIU])
    assert moved.exit_code == 0, moved.output
    assert f"kim.mover moved from the {RESPONSE} to the {CAIU}." in moved.output
    assert kim.get(f"/people/{family.girl}").status_code == 200
    entry = next(e for e in audit.entries(family.store, limit=5) if e.action == "team_set")
    assert entry.target == "kim.mover"
    assert json.loads(entry.detail) == {"agency": "POLICE", "from": RESPONSE, "to": CAIU}
    told = Notification.objects.filter(agency="POLICE", message__contains="kim.mover").last()
    assert told is not None and f"to the {CAIU}" in told.message

    again = CliRunner().invoke(app, ["user", "team", "kim.mover", CAIU])
    assert again.exit_code == 0 and "nothing was changed" in again.output
    unknown = CliRunner().invoke(app, ["user", "team", "no.such.user", CAIU])
    assert unknown.exit_code != 0 and "There is no user called 'no.such.user'" in unknown.output


# -- the demo's users ------------------------------------------------------------------


def test_demo_users_at_team_level_agencies_are_in_teams_the_generator_writes(
    tmp_path: Path,
) -> None:
    """So the demo's police practitioner still sees the children their team holds."""
    import csv

    from wholestory.synth import generate
    from wholestory.web.demo_users import DEMO_USERS

    generate(60, 1, tmp_path)
    grain = partnership_grain()
    teams: dict[str, set[str]] = {}
    for path in tmp_path.glob("*.csv"):
        with path.open(encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                if row.get("team") and row.get("agency"):
                    teams.setdefault(row["agency"], set()).add(row["team"])
    bound = [(u, a, t) for u, a, r, t in DEMO_USERS if r == PRACTITIONER and grain.team_level(a)]
    assert bound, "no demo practitioner at a team-level agency"
    for username, agency, team in bound:
        assert team in teams.get(agency, set()), (username, team, sorted(teams.get(agency, ())))
