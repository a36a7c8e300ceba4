"""The main journeys in a real browser (Chromium via Playwright), with an accessibility check.

Runs on SQLite (the page logic is the same on both databases; the other web
tests cover PostgreSQL). Each step keeps a screenshot in
test-artifacts/screenshots/, and every page visited is checked with axe-core
against WCAG 2.2 A and AA.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from browser_support import (
    LiveServer,
    accessibility_violations,
    browser_page,
    chromium_path,
    live_server,
    shoot,
)
from factories import event_row, write_csv
from web_support import PASSWORD, Seeded, open_test_store, seed, serving, totp_code

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def site(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    executable = chromium_path()
    store = open_test_store("sqlite", request, tmp_path_factory.mktemp("browser"))
    with serving(store.url):
        seeded = seed(store, tmp_path_factory.mktemp("browser-partnership"))
        add_pairs_for_review(seeded, tmp_path_factory.mktemp("browser-review"))
        with live_server() as server:
            yield seeded, server, executable
    store.close()


@pytest.fixture
def page(site: tuple[Seeded, LiveServer, str]) -> Iterator[Any]:
    yield from browser_page(site[2])


def sign_in(page: Any, server: LiveServer, username: str) -> None:
    page.goto(f"{server.url}/login")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    if username.startswith(("lee.", "liz.", "ada.", "dot.", "eve.", "cody.")):
        page.get_by_label("Code").fill(totp_code(username))
        page.get_by_role("button", name="Continue").click()


def accessible(page: Any) -> None:
    violations = accessibility_violations(page)
    assert not violations, [(v["id"], v["help"], len(v["nodes"])) for v in violations]


def test_sign_in_journey(site: tuple[Seeded, LiveServer, str], page: Any) -> None:
    _, server, _ = site
    page.goto(f"{server.url}/login")
    accessible(page)
    shoot(page, "01-sign-in")
    sign_in(page, server, "pat.police")
    assert page.get_by_role("heading", name="WholeStory").is_visible()
    accessible(page)
    shoot(page, "02-home")


def test_a_lead_passes_the_second_factor(site: tuple[Seeded, LiveServer, str], page: Any) -> None:
    _, server, _ = site
    sign_in(page, server, "lee.police")
    assert page.url.rstrip("/") == server.url
    accessible(page)


# ---------------------------------------------------------------- the people the journeys use


def add_pairs_for_review(seeded: Seeded, folder: Path) -> None:
    """Give the police pairs to review: their records of a few school children, each recorded
    with the other sex, at a postcode no one else has and without an NHS number (the model
    cannot settle those on its own)."""
    from wholestory.identity import link_new, review_queue
    from wholestory.ingest import ingest_paths

    children = seeded.store.query(
        "SELECT DISTINCT r.person_id, r.given_name, r.family_name, r.date_of_birth, r.sex "
        "FROM ws_record r WHERE r.agency = 'SCHOOL' AND r.sex IN ('F', 'M') "
        "ORDER BY r.person_id LIMIT 8"
    )
    rows = [
        event_row(
            900 + n,
            record_id=f"R-CHECK-{n}",
            person_id=f"PN-CHECK-{n}",
            event_id=f"E-CHECK-{n}",
            given_name=given,
            family_name=family,
            date_of_birth=born,
            sex="M" if sex == "F" else "F",
            nhs_number="",
            postcode="XZ9 9ZZ",
        )
        for n, (_, given, family, born, sex) in enumerate(children)
    ]
    ingest_paths(seeded.store, [write_csv(folder / "police-checks.csv", rows)])
    link_new(seeded.store, since="1970-01-01")
    police = [i for i in review_queue(seeded.store) if "POLICE:" in f"{i['a']} {i['b']}"]
    assert police, "no pair of the police's waits for review"


_chosen: dict[str, str] = {}


def chosen_child(seeded: Seeded) -> str:
    """A child the police hold records of, with flags and (if any has) household entries."""
    if "child" not in _chosen:
        from wholestory.chronology.stored import stored_chronology

        best: tuple[int, int, str] | None = None
        for (person,) in seeded.store.query(
            "SELECT DISTINCT s.ws_person_id FROM ws_source_person s "
            "JOIN ws_chronology c ON c.ws_person_id = s.ws_person_id "
            "JOIN ws_flag f ON f.ws_person_id = s.ws_person_id "
            "WHERE s.agency = 'POLICE' AND c.is_child ORDER BY s.ws_person_id"
        ):
            data = stored_chronology(seeded.store, str(person)) or {}
            agencies = {e["agency"] for e in data.get("entries", [])}
            household = sum(1 for e in data.get("entries", []) if e.get("household"))
            if len(agencies) < 2:
                continue
            score = (min(household, 1), len(data.get("entries", [])), str(person))
            if best is None or score[:2] > best[:2]:
                best = score
        assert best is not None
        _chosen["child"] = best[2]
    return _chosen["child"]


def child_name(seeded: Seeded, person: str) -> tuple[str, str]:
    given, family = seeded.store.query(
        "SELECT r.given_name, r.family_name FROM ws_record r JOIN ws_source_person s "
        "ON s.agency = r.agency AND s.person_id = r.person_id "
        "WHERE s.ws_person_id = ? AND r.agency = 'POLICE' LIMIT 1",
        [person],
    )[0]
    return str(given), str(family)


def stranger(seeded: Seeded) -> str:
    """Someone the police do not know of (nor a child of their household), the school does."""
    from wholestory.access_facts import facts_about

    for (person,) in seeded.store.query(
        "SELECT ws_person_id FROM ws_chronology WHERE is_child ORDER BY ws_person_id"
    ):
        facts = facts_about(seeded.store, str(person))
        if (
            "SCHOOL" in facts.agencies
            and "POLICE" not in facts.agencies
            and "POLICE" not in facts.household_child_agencies
        ):
            return str(person)
    raise LookupError("no child unknown to the police and known to the school")


# ---------------------------------------------------------------- the main journeys


def test_search_finds_a_child_and_opens_the_chronology(
    site: tuple[Seeded, LiveServer, str], page: Any
) -> None:
    seeded, server, _ = site
    child = chosen_child(seeded)
    given, family = child_name(seeded, child)
    sign_in(page, server, "pat.police")
    page.get_by_role("link", name="Find a child or adult").click()
    expect(page.get_by_role("heading", name="Find a person")).to_be_visible()
    accessible(page)
    shoot(page, "10-search")
    page.get_by_label("Given name").fill(given)
    page.get_by_label("Family name").fill(family)
    page.get_by_role("button", name="Search").click()
    results = page.locator("#results")
    expect(
        results.get_by_role("heading", name=re.compile(r"\d+ (person|people) found"))
    ).to_be_visible()
    accessible(page)
    shoot(page, "11-search-results")
    results.locator(f'a[href="/people/{child}"]').click()
    page.wait_for_url(f"**/people/{child}")
    expect(page.get_by_role("heading", name="Entries")).to_be_visible()
    assert page.locator(".ws-why").inner_text().startswith("Why you can see this:")
    accessible(page)
    shoot(page, "12-chronology")


def test_chronology_flags_timeline_filters_and_a_source_record(
    site: tuple[Seeded, LiveServer, str], page: Any
) -> None:
    seeded, server, _ = site
    child = chosen_child(seeded)
    sign_in(page, server, "pat.police")
    page.goto(f"{server.url}/people/{child}")
    # The analysis and flags come before the picture and the table.
    headings = page.locator("h2.govuk-heading-l").all_inner_texts()
    assert headings.index("Flags") < headings.index("Timeline") < headings.index("Entries")
    flags = page.locator("section.ws-flag")
    assert flags.count() >= 1
    assert flags.first.bounding_box()["y"] < page.locator("table.ws-entries").bounding_box()["y"]
    expect(page.locator("#timeline-plot svg")).to_be_visible()
    assert page.locator("#timeline-plot svg g.mark").count() > 0
    total = entry_count(page)
    assert total == rows_total(page)
    accessible(page)
    shoot(page, "13-chronology-flags-and-timeline")

    # By agency: fewer entries, and every row is that agency's.
    page.get_by_label("Agency", exact=True).select_option("POLICE")
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url("**agency=POLICE**")
    matching = entry_count(page)
    assert 0 < matching < total
    agencies = page.locator(
        "table.ws-entries tbody tr td:nth-child(3) span.govuk-\\!-font-weight-bold"
    )
    assert all("Police" in text for text in agencies.all_inner_texts())
    accessible(page)
    shoot(page, "14-chronology-by-agency")

    # By flag: only the entries behind it.
    page.get_by_role("link", name="Clear filters").click()
    page.wait_for_url(f"**/people/{child}#entries")
    flag = page.locator("#f-flag option").nth(1)
    code, title = flag.get_attribute("value"), flag.inner_text()
    page.get_by_label("Flag", exact=True).select_option(code)
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url(f"**flag={code}**")
    flagged = entry_count(page)
    assert 0 < flagged < total, title
    tags = page.locator("table.ws-entries tbody tr").all_inner_texts()
    assert all(title in row for row in tags)  # each row shows the flag by its title
    accessible(page)
    shoot(page, "15-chronology-by-flag")

    # Household off: the household's entries go.
    page.get_by_role("link", name="Clear filters").click()
    page.wait_for_url(f"**/people/{child}#entries")
    household = page.locator("table.ws-entries tr.ws-household").count()
    page.get_by_label("Hide").check()
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url("**household=hide**")
    assert page.locator("table.ws-entries tr.ws-household").count() == 0
    assert household == 0 or entry_count(page) < total
    accessible(page)
    shoot(page, "16-chronology-household-hidden")

    # The agency's record behind an entry.
    source = page.locator("table.ws-entries tbody tr td:nth-child(5) a").first
    label = source.inner_text()
    source.click()
    page.wait_for_url("**/records/**")
    assert (
        page.get_by_role("heading", name=re.compile("record"))
        .inner_text()
        .endswith(label.rsplit(" ", 1)[1])
    )
    expect(page.get_by_role("link", name="Back to the chronology")).to_be_visible()
    accessible(page)
    shoot(page, "17-source-record")


def test_downloads_pdf_and_csv(site: tuple[Seeded, LiveServer, str], page: Any) -> None:
    seeded, server, _ = site
    child = chosen_child(seeded)
    sign_in(page, server, "pat.police")
    page.goto(f"{server.url}/people/{child}")
    with page.expect_download() as pdf_download:
        page.get_by_role("link", name="Download the chronology (PDF)").click()
    pdf = pdf_download.value
    assert pdf.suggested_filename == f"chronology-{child}.pdf"
    assert Path(pdf.path()).read_bytes()[:4] == b"%PDF"
    with page.expect_download() as csv_download:
        page.get_by_role("link", name="Download the entries (CSV)").click()
    # As spreadsheets read it: the file starts with a byte-order mark.
    table = Path(csv_download.value.path()).read_text(encoding="utf-8-sig").splitlines()
    assert table[0].startswith("number,date,")
    assert len(table) - 1 == rows_total(page)
    accessible(page)
    shoot(page, "20-downloads")


def test_break_glass_and_the_lead_is_told(site: tuple[Seeded, LiveServer, str], page: Any) -> None:
    seeded, server, _ = site
    person = stranger(seeded)
    sign_in(page, server, "pat.police")
    page.goto(f"{server.url}/people/{person}")
    expect(page.get_by_role("heading", name="You do not have access to this")).to_be_visible()
    assert "Entries" not in page.locator("main").inner_text()
    accessible(page)
    shoot(page, "30-refused")
    page.get_by_role("link", name="Break glass").click()
    page.wait_for_url(f"**/people/{person}/break-glass")
    accessible(page)
    shoot(page, "31-break-glass")
    page.get_by_role("button", name="Break glass and see the records").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()  # no reason given: asked again
    accessible(page)
    shoot(page, "32-break-glass-needs-a-reason")
    reason = "Ambulance crew report a child found alone at the address tonight."
    page.get_by_label("A child may be at immediate risk of harm").check()
    page.get_by_label("What is happening").fill(reason)
    page.get_by_role("button", name="Break glass and see the records").click()
    page.wait_for_url(f"**/people/{person}")
    expect(page.get_by_role("heading", name="Entries")).to_be_visible()
    assert page.locator(".ws-why").inner_text().startswith("Why you can see this: Break-glass")
    accessible(page)
    shoot(page, "33-after-break-glass")

    # A safeguarding lead of an agency holding the person's records is told.
    context = page.context.browser.new_context(viewport={"width": 1280, "height": 900})
    lead = context.new_page()
    try:
        sign_in(lead, server, "liz.school")
        lead.goto(f"{server.url}/notifications")
        note = lead.locator("table tbody tr", has_text=reason)
        assert note.count() == 1
        message = note.inner_text()
        assert "pat.police" in message and person in message
        accessible(lead)
        shoot(lead, "34-lead-notified")
    finally:
        context.close()


def test_an_identity_reviewer_decides_a_link_is_wrong(
    site: tuple[Seeded, LiveServer, str], page: Any
) -> None:
    _, server, _ = site
    sign_in(page, server, "ivy.police")  # identity review is its own role (issue 11, M2)
    page.get_by_role("link", name="Link review queue").click()
    page.wait_for_url(f"{server.url}/review")
    rows = page.locator("table.govuk-table tbody tr")
    waiting = rows.count()
    assert waiting >= 1
    accessible(page)
    shoot(page, "40-review-queue")
    first = rows.first.inner_text()
    police_id = re.search(r"PN-CHECK-\d+", first).group(0)  # type: ignore[union-attr]
    review = rows.first.get_by_role("link", name=re.compile("^Review"))
    href = review.get_attribute("href")
    review.click()
    page.wait_for_url(f"{server.url}{href}")
    expect(page.get_by_role("heading", name="Are these the same person?")).to_be_visible()
    assert page.locator("table.ws-compare tbody tr").count() >= 3
    accessible(page)
    shoot(page, "41-review-pair")
    page.get_by_label("No, different people").check()
    page.get_by_label("Why").fill(
        "Checked with the school: a different child, recorded sex differs."
    )
    page.get_by_role("button", name="Record the decision").click()
    page.wait_for_url(f"{server.url}/review")
    expect(page.get_by_text("are different people")).to_be_visible()
    assert page.locator(f'a[href="{href}"]').count() == 0
    accessible(page)
    shoot(page, "42-review-decided")
    # The two people leave the queue: the page promised that deciding this pair of records
    # decides every pair of records between them. (Known to fail: identity.linking's
    # review_queue brings the same two people back with their next pair of records.)
    left = page.locator("table.govuk-table tbody tr").all_inner_texts()
    assert not [row for row in left if police_id in row], (police_id, first, left)
    assert len(left) == waiting - 1


def test_a_data_officer_uploads_a_file_with_a_bad_row(
    site: tuple[Seeded, LiveServer, str], page: Any, tmp_path: Path
) -> None:
    _, server, _ = site
    upload = write_csv(
        tmp_path / "police-upload.csv",
        [
            event_row(1, record_id="UP-1", person_id="PN-UP-1", event_id="EV-UP-1"),
            event_row(2, record_id="UP-2", person_id="PN-UP-1", event_id="EV-UP-2",
                      event_date="2021-06-01"),
            event_row(3, record_id="UP-3", person_id="PN-UP-1", event_id="EV-UP-3",
                      event_date="2021-02-30"),
        ],
    )  # fmt: skip
    sign_in(page, server, "dot.police")  # only a data officer uploads (issue 11, H1)
    page.goto(f"{server.url}/upload")
    accessible(page)
    shoot(page, "50-upload")
    page.get_by_label("Upload a file").set_input_files(str(upload))
    page.get_by_role("button", name="Upload and import").click()
    expect(page.get_by_role("heading", name="police-upload.csv imported")).to_be_visible()
    assert "Read 3 rows: 2 new, 0 updated, 0 already up to date, 1 quarantined." in (
        page.locator(".govuk-panel__body").inner_text()
    )
    counts = dict(
        zip(
            page.locator(".govuk-summary-list__key").all_inner_texts(),
            (v.split(" ")[0] for v in page.locator(".govuk-summary-list__value").all_inner_texts()),
            strict=True,
        )
    )
    assert counts["Rows read"] == "3" and counts["New"] == "2" and counts["Quarantined"] == "1"
    held = page.locator("table.govuk-table tbody tr")
    assert held.count() == 1
    cells = held.first.locator("td").all_inner_texts()
    assert cells[1] == "4"  # the file's fourth line: its third row
    assert "event_date" in cells[2]
    assert "date" in cells[3].lower()
    accessible(page)
    shoot(page, "51-upload-accounted")


# ---------------------------------------------------------------- helpers


def expect(locator: Any) -> Any:
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(locator)


def entry_count(page: Any) -> int:
    """The entries matching the filters, as the page says it ("12 of 300 entries match")."""
    text = page.locator("#entries-count").inner_text()
    return int(re.match(r"(\d+)", text.replace(",", "")).group(1))  # type: ignore[union-attr]


def rows_total(page: Any) -> int:
    text = page.locator("#entries-count").inner_text().replace(",", "")
    found = re.search(r"of (\d+) entries|^(\d+) entries", text)
    assert found, text
    return int(found.group(1) or found.group(2))
