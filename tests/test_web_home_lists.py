"""Each role's home page lists (issue 14, part 5), on both databases: a practitioner's
children and what is new since their last visit, a manager's team's children, a lead's
flagged children with no plan or no lead professional. Each list is checked for what it
holds, its order, its pages, that it leaves out whoever its reader may not see, and that
the look is audited. The partnership is ``lead_support``'s.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from factories import write_csv
from lead_support import lead_site, row
from web_support import PASSWORD, totp_code
from wholestory.ingest import ingest_paths
from wholestory.store import Store


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def site(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Store, dict[str, Any]]]:
    yield from lead_site(request, tmp_path_factory)


def _section(body: str, anchor: str) -> str:
    start = body.index(f'id="{anchor}"')
    end = body.find('<h2 class="govuk-heading-m"', start + 1)
    return body[start : end if end > 0 else len(body)]


def _logged(store: Store, who: str, name: str) -> list[str]:
    rows = store.query("SELECT detail FROM ws_audit WHERE actor = ? AND target = '/' "
                       "ORDER BY seq", [who])  # fmt: skip
    found = [json.loads(str(d)) for (d,) in rows]
    return [p for d in found if d.get("list") == name for p in d["people"]][-25:]


def test_a_practitioner_sees_the_children_they_are_the_worker_for(
    site: tuple[Store, dict[str, Any]],
) -> None:
    store, clients = site
    body = clients["jo.csc"].get("/").content.decode()
    mine = _section(body, "mine")
    assert mine.index("Kit Listcase") < mine.index("Ada Listcase")  # child protection first
    assert "child protection plan since 10 January 2025" in mine and "CP Team 2" not in mine
    assert "Bo Listcase" not in mine  # his plan closed with his case
    assert "Many" not in mine and "Di Listcase" not in mine
    assert set(_logged(store, "jo.csc", "mine")) == {"WS-K", "WS-A"}


def test_a_long_caseload_is_paged(site: tuple[Store, dict[str, Any]]) -> None:
    store, clients = site
    first = _section(clients["max.csc"].get("/").content.decode(), "mine")
    assert first.count('<tr class="govuk-table__row"><th') == 25
    assert 'href="?mine=2"' in first and 'aria-label="Pages of the children you are' in first
    second = _section(clients["max.csc"].get("/?mine=2").content.decode(), "mine")
    assert second.count('<tr class="govuk-table__row"><th') == 1
    shown_first = [p for p in (f"WS-M{n:02d}" for n in range(26)) if f"/people/{p}" in first]
    shown_second = [p for p in (f"WS-M{n:02d}" for n in range(26)) if f"/people/{p}" in second]
    assert len(shown_first) == 25 and len(shown_second) == 1
    assert set(shown_first) | set(shown_second) == {f"WS-M{n:02d}" for n in range(26)}
    # The newest allocation first: their plans all start on different days.
    days = {f"WS-M{n:02d}": f"2024-{1 + n % 12:02d}-{1 + n:02d}" for n in range(26)}
    assert days[shown_second[0]] == min(days.values())
    logged = store.query("SELECT detail FROM ws_audit WHERE actor = 'max.csc' ORDER BY seq DESC")
    latest = next(json.loads(str(d)) for (d,) in logged if '"mine"' in str(d))
    assert latest["page"] == 2 and latest["people"] == shown_second


def test_an_unmatched_practitioner_is_told_how_to_be_matched(
    site: tuple[Store, dict[str, Any]],
) -> None:
    _, clients = site
    body = clients["pat.police"].get("/").content.decode()
    assert "Your account is not matched to the name" in _section(body, "mine")


def test_what_is_new_since_the_last_visit_newest_first_and_only_whom_they_may_see(
    site: tuple[Store, dict[str, Any]],
) -> None:
    from django.test import Client

    store, clients = site
    folder: Path = clients["folder"]
    before = clients["jo.csc"].get("/").content.decode()
    assert "Nothing new from other agencies" in _section(before, "news")
    first = [
        row("GP", "GA2", "GA1", "APPOINTMENT_ATTENDED", "2025-06-01", "Ada"),
        row("GP", "GA3", "GA1", "APPOINTMENT_ATTENDED", "2025-06-02", "Ada",
            restricted="SEXUAL_HEALTH"),  # not for other agencies to learn of
    ]  # fmt: skip
    assert not ingest_paths(store, [write_csv(folder / "gp.csv", first)], None).failed
    later = [
        row("POLICE", "PK2", "PK1", "MISSING_EPISODE", "2025-06-03", "Kit",
            team="Public Protection Unit"),
        row("SCHOOL", "SB2", "SB1", "SUSPENSION", "2025-06-03", "Bo"),
        row("CSC", "K2", "K1", "CONTACT", "2025-06-03", "Kit"),  # their own: not news to CSC
    ]  # fmt: skip
    assert not ingest_paths(store, [write_csv(folder / "later.csv", later)], None).failed
    news = _section(clients["jo.csc"].get("/").content.decode(), "news")
    assert "in the last 30 days" in news  # no visit before this session's sign-in
    order = [news.index(n) for n in ("Bo Listcase", "Kit Listcase", "Ada Listcase")]
    assert order == sorted(order)  # the newest arrivals first (Bo and Kit together)
    kit = news[news.index("Kit Listcase") :]
    assert kit.index("Police (1)") < kit.index("Ada Listcase")
    assert "GP practice (1)" in news and "GP practice (2)" not in news
    assert "Children&#x27;s social care (" not in news
    assert set(_logged(store, "jo.csc", "news")) == {"WS-B", "WS-K", "WS-A"}
    # A police practitioner in Response South sees Bo (their team holds his record), never Kit
    # (only the Public Protection Unit does), though the police know both.
    police = _section(clients["pat.police"].get("/").content.decode(), "news")
    assert "Bo Listcase" in police and "School (1)" in police and "Kit Listcase" not in police
    assert "WS-K" not in _logged(store, "pat.police", "news")
    # Signing in again: "since your last visit" is the visit before this one.
    again = Client()
    again.post("/login", {"username": "jo.csc", "password": PASSWORD})
    since = _section(again.get("/").content.decode(), "news")
    assert "since your last visit" in since and "Kit Listcase" in since
    again.post("/logout")
    once_more = Client()
    once_more.post("/login", {"username": "jo.csc", "password": PASSWORD})
    assert "Nothing new" in _section(once_more.get("/").content.decode(), "news")


def test_a_previous_visit_is_kept_at_sign_in(site: tuple[Store, dict[str, Any]]) -> None:
    from django.contrib.auth.models import User
    from django.test import Client

    user = User.objects.get(username="hal.housing")
    last = user.last_login
    client = Client()
    client.post("/login", {"username": "hal.housing", "password": PASSWORD})
    client.post("/two-factor", {"code": totp_code("hal.housing")})
    user.refresh_from_db()
    assert user.membership.previous_visit == last and user.last_login > last


def test_a_managers_home_shows_their_teams_children(site: tuple[Store, dict[str, Any]]) -> None:
    store, clients = site
    team = _section(clients["meg.csc"].get("/").content.decode(), "team")
    assert "Kit Listcase" in team and "Jo Smith" in team
    assert "Ada Listcase" not in team  # the Child in Need Team's
    assert _logged(store, "meg.csc", "team") == ["WS-K"]


def test_a_leads_home_lists_the_flagged_without_a_plan_or_a_lead(
    site: tuple[Store, dict[str, Any]],
) -> None:
    store, clients = site
    body = clients["liz.csc"].get("/").content.decode()
    unplanned = _section(body, "unplanned")
    assert unplanned.index("Bo Listcase") < unplanned.index("Cy Listcase")  # two high flags
    assert "Self-harm; Concerns from several agencies" in unplanned  # same day: by code
    assert "Kit Listcase" not in unplanned  # on a plan
    assert "Eve Listcase" not in unplanned  # no high flag
    assert "Di Listcase" not in unplanned  # not known to children's social care
    unled = _section(body, "unled")
    assert unled.index("Bo Listcase") < unled.index("Eve Listcase")  # high before medium
    assert "Emergency department, Police, School" in unled
    assert "Cy Listcase" not in unled  # a lead professional was set here
    assert "Kit Listcase" not in unled and "Di Listcase" not in unled
    assert set(_logged(store, "liz.csc", "unplanned")) == {"WS-B", "WS-Y"}
    assert set(_logged(store, "liz.csc", "unled")) == {"WS-B", "WS-E"}
    assert 'id="needs-review"' in body
    assert 'id="unled"' not in clients["jo.csc"].get("/").content.decode()
