"""Who may see what, and why: every decision carries its reason.

The rules are relationship-based, as safeguarding information sharing is: a
worker sees a child's story because their agency is involved with the child,
not because of a job title. Each function returns a :class:`Decision` whose
``reason`` is written to the audit log with the view it allowed or refused.

* A practitioner, manager or safeguarding lead sees a person when their agency
  holds records of that person, or of a child in that person's household. A
  record uploaded by hand counts only once a lead of its agency confirms it;
  until then it gives access like a break-glass, for the same time.
* At an agency the sharing agreement makes team-level (by default the police
  and the health trusts), a practitioner's relationship is their team's: they
  see a person when their team holds a record of them or of a child in their
  household, or when such a record names no team (it counts for the whole
  agency). A practitioner there with no team set is related only through
  records that name no team, and their refusal says so. Managers and leads
  are related at the agency's grain: they oversee every team (the flags
  dashboard, confirmations, who has looked, the agency's audit). A refusal
  reads the same for every person the viewer may not see.
* Anyone else (except board members and administrators) may "break glass" by
  stating a reason; access is granted for a limited time, audited, and the
  leads of the agencies holding records are told.
* A reviewer sees the cases they were granted, until the grant expires.
* A case file auditor sees the children of the audits assigned to them, under an audit
  grant, until it ends; an audit grant opens nothing to anyone else, and auditors may
  not break glass.
* The partnership business unit sees the child of each open learning review it runs, and
  may not break glass; an action owner sees no case data.
* Board members see aggregates only, never an identifiable child.
* Administrators manage users and see no case data. A new account that could
  see case data, and a reviewer's grant, wait until a second person approves
  them: a lead of the agency concerned, or for partnership accounts the
  partnership's information governance officer. Nobody chooses another
  person's password: the new user sets it from a one-time link.
* Partnership information governance reads the whole audit log; a lead reads
  only their own agency's entries and those about people it holds records of.

This module is pure: the facts it decides on (which agencies and teams hold
records, the agreement's grain, which grants are open) are gathered by
:func:`wholestory.access_facts.facts_about` and the web layer.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Final

from wholestory.chronology.vocabulary import agency_name

PRACTITIONER, MANAGER, LEAD = "practitioner", "manager", "lead"
REVIEWER, QA, BOARD, ADMIN = "reviewer", "qa", "board", "admin"
#: Puts an agency's files in by hand: records are the basis of access, so only this role may.
DATA = "data"
#: Reads the whole partnership's audit log and approves partnership accounts; no case data.
GOVERNANCE = "governance"

#: Decides whether two agencies' records are one person (the link review queue), nothing else.
IDENTITY = "identity"

#: Domestic abuse (issue 13). An independent domestic violence adviser carries the victim's
#: voice; the Marac coordinator prepares the list and the meetings, which the chair runs; the
#: police Encompass officer sends schools their notices; a school's designated safeguarding
#: lead receives them, for its own pupils only. Which sets each belongs to is decided where
#: its capability is built, and said beside the set.
IDVA, COORDINATOR, CHAIR = "idva", "coordinator", "chair"
ENCOMPASS, DSL = "encompass", "dsl"

#: Quality assurance (issue 15). An auditor answers for their agency's practice on the
#: cases a programme assigns them, and sees each child only under a time-limited audit
#: grant; a moderator agrees each grade or changes it with a reason.
AUDITOR, MODERATOR = "auditor", "moderator"

#: Learning reviews and the board (issue 17). The partnership business unit runs the
#: reviews and the recommendations tracker, and sees the child of each open review (the
#: serious incident is its reason to look); an action owner updates the actions they own
#: and sees no case data.
BUSINESS_UNIT, ACTION_OWNER = "business_unit", "action_owner"

#: Every role, in the words the interface uses.
ROLES: Final[dict[str, str]] = {
    PRACTITIONER: "Practitioner",
    MANAGER: "Manager",
    LEAD: "Safeguarding lead",
    REVIEWER: "Reviewer",
    QA: "Quality assurance officer",
    BOARD: "Board member",
    ADMIN: "Administrator",
    DATA: "Data officer",
    IDENTITY: "Identity reviewer",
    GOVERNANCE: "Partnership information governance",
    IDVA: "Independent domestic violence adviser",
    COORDINATOR: "Marac coordinator",
    CHAIR: "Marac chair",
    ENCOMPASS: "Police Encompass officer",
    DSL: "School designated safeguarding lead",
    AUDITOR: "Case file auditor",
    MODERATOR: "Audit moderator",
    BUSINESS_UNIT: "Partnership business unit",
    ACTION_OWNER: "Action owner",
}
#: Roles whose access follows their agency's involvement. An IDVA works with the victims
#: their service (DA_SERVICE) holds records of, as a practitioner does.
CASEWORK: Final = frozenset({PRACTITIONER, MANAGER, LEAD, IDVA})
#: Casework roles related to people through their own team's records at a team-level agency.
#: Managers and safeguarding leads oversee the whole agency's work and are related at the
#: agency's grain: a lead acts for the agency (confirming its uploads, reading who looked and
#: its audit), and both have the flags dashboard, which lists every child the agency holds
#: records of. Team-bound managers would need that list cut to their team first.
TEAM_BOUND: Final = frozenset({PRACTITIONER})
#: Roles that may never see an identifiable person, even by breaking glass.
NO_CASE_DATA: Final = frozenset({BOARD, ADMIN, DATA, GOVERNANCE, ACTION_OWNER})
#: Roles that must use a second factor (TOTP): those that approve access, manage accounts or
#: read the whole audit log, and data officers, whose uploads put records in (records are the
#: basis of access, issue 11, H1).
#: The Marac coordinator and chair see every victim the partnership's records put on the
#: referral list, whichever agency holds them: a second factor, as for others who see so widely.
#: The business unit sees the child of every open learning review: a second factor too.
TWO_FACTOR_REQUIRED: Final = frozenset(
    {LEAD, ADMIN, GOVERNANCE, DATA, COORDINATOR, CHAIR, ENCOMPASS, BUSINESS_UNIT}
)
#: Roles whose new accounts wait for a second person's approval (issue 11, M1): every role
#: that can see an identifiable person (identity reviewers see both records of a pair), put
#: records in or read the whole audit log.
NEEDS_APPROVAL: Final = frozenset(
    {PRACTITIONER, MANAGER, LEAD, REVIEWER, QA, DATA, GOVERNANCE, IDENTITY, COORDINATOR, CHAIR,
     ENCOMPASS, DSL, IDVA, AUDITOR, MODERATOR, BUSINESS_UNIT}
)  # fmt: skip
#: The agency code of partnership-wide accounts (reviewers, board, administrators...).
PARTNERSHIP: Final = "PARTNERSHIP"

#: How long a break-glass grant lasts.
BREAK_GLASS_HOURS: Final = 24
#: The kind of an auditor's grant in ``ws_access_grant`` (``wholestory.assurance.audits``).
AUDIT_GRANT: Final = "audit"


@dataclass(frozen=True, slots=True)
class Viewer:
    """The person asking, as the rules need them."""

    username: str
    agency: str
    role: str
    grants: dict[str, dt.datetime] = field(default_factory=dict)  # person -> reviewer grant ends
    glass: dict[str, dt.datetime] = field(default_factory=dict)  # person -> break-glass ends
    team: str = ""  # their team in their agency's words, "" when none is set
    audits: dict[str, dt.datetime] = field(default_factory=dict)  # person -> audit grant ends
    reviews: frozenset[str] = frozenset()  # the children of open learning reviews (business unit)


def team_key(name: str | None) -> str:
    """A team as the rules compare teams: case and spacing do not matter; "" is no team.

    The same comparison as the sharing agreement's (``sharing.decide.holds_relationship``).
    """
    return " ".join((name or "").split()).casefold()


@dataclass(frozen=True, slots=True)
class Grain:
    """How narrowly holding a record relates an agency's staff (the agreement's ``relationships``).

    At a team-level agency a record relates only the team that holds it, and a
    record that names no team the whole agency; elsewhere a record relates the
    whole agency. The same answer as ``Agreement.grain``.
    """

    team_agencies: frozenset[str] = frozenset()
    every_agency: bool = False  # the agreement's default is team-level

    def team_level(self, agency: str) -> bool:
        """Whether ``agency``'s records relate only the team that holds them."""
        return self.every_agency or agency in self.team_agencies


#: Every agency's records relate the whole agency (facts gathered without an agreement).
AGENCY_WIDE: Final = Grain()


def partnership_grain() -> Grain:
    """The grain of the agreement in force (``WHOLESTORY_SHARING_AGREEMENT``, else the default).

    The agreement is read once per process (``sharing.partnership_agreement``), not per view.
    """
    from wholestory.sharing.agreement import TEAM, partnership_agreement

    agreement = partnership_agreement()
    return Grain(agreement.team_agencies, agreement.relationship_default == TEAM)


@dataclass(frozen=True, slots=True)
class Facts:
    """What the rules need to know about a person."""

    person: str
    agencies: frozenset[str]  # agencies holding records of the person
    household_child_agencies: frozenset[str]  # agencies holding records of a child in the household
    # Agencies whose only records of the person are hand uploads no lead of theirs has
    # confirmed, with when the oldest arrived: access through them is like breaking glass.
    unconfirmed: dict[str, dt.datetime] = field(default_factory=dict)
    # Which agencies' records relate only the team holding them, and for those agencies
    # only: the teams (as team_key writes them, "" for a record that names no team) of
    # their confirmed records of the person, the teams only unconfirmed uploads relate
    # (with the oldest's time), and the teams of their records of a household child.
    grain: Grain = AGENCY_WIDE
    teams: dict[str, frozenset[str]] = field(default_factory=dict)
    unconfirmed_teams: dict[str, dict[str, dt.datetime]] = field(default_factory=dict)
    household_child_teams: dict[str, frozenset[str]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Decision:
    """Allowed or not, why, and whether breaking glass is open to the viewer."""

    allowed: bool
    reason: str
    can_break_glass: bool = False
    # relationship, household, grant, audit, review, break_glass, capability; "" refused
    basis: str = ""


def allow(reason: str, basis: str) -> Decision:
    return Decision(True, reason, False, basis)


def deny(reason: str, can_break_glass: bool = False) -> Decision:
    return Decision(False, reason, can_break_glass)


def may_see_person(viewer: Viewer, facts: Facts, now: dt.datetime) -> Decision:
    """Whether the viewer may see this person's records and chronology."""
    if viewer.role in NO_CASE_DATA:
        return deny(f"{ROLES[viewer.role]}s do not see identifiable people.")
    if viewer.role in CASEWORK:
        related = _through_records(viewer, facts, now)
        if related:
            return related
    grant = viewer.grants.get(facts.person)
    if viewer.role == REVIEWER and grant and grant > now:
        return allow(f"Review access to this case until {grant:%d %b %Y %H:%M}.", "grant")
    audit = viewer.audits.get(facts.person)
    if viewer.role == AUDITOR and audit and audit > now:
        return allow(f"Audit access to this case until {audit:%d %b %Y %H:%M}.", "audit")
    if viewer.role == BUSINESS_UNIT and facts.person in viewer.reviews:
        return allow("This child is the subject of an open learning review.", "review")
    glass = viewer.glass.get(facts.person)
    if glass and glass > now:
        return allow(f"Break-glass access until {glass:%d %b %Y %H:%M}.", "break_glass")
    if viewer.role == BUSINESS_UNIT:  # not in "break_glass": only an open review opens a child
        return deny(
            "The business unit sees a child only while a learning review of theirs is open."
        )
    if viewer.role == AUDITOR:  # not in "break_glass": only an audit grant opens a child
        return deny("Auditors see a child only while an audit of their case is open to them.")
    return deny(_refusal(viewer, facts.grain), can_break_glass=True)


def team_bound(viewer: Viewer, grain: Grain) -> bool:
    """Whether only the viewer's team's records relate them to people (see :data:`TEAM_BOUND`)."""
    return viewer.role in TEAM_BOUND and grain.team_level(viewer.agency)


def _through_records(viewer: Viewer, facts: Facts, now: dt.datetime) -> Decision | None:
    """A casework viewer's relationship with the person through their agency's (team's) records."""
    name = agency_name(viewer.agency)
    if not team_bound(viewer, facts.grain):
        waiting = facts.unconfirmed.get(viewer.agency)
        if viewer.agency in facts.agencies and waiting is None:
            return allow(f"{name} holds records of this person.", "relationship")
        if viewer.agency in facts.household_child_agencies:
            return allow(
                f"{name} holds records of a child in this person's household.", "household"
            )
        return _unconfirmed(name, waiting, now)
    # The viewer's team, and records that name no team (they relate the whole agency).
    mine = {team_key(viewer.team), ""}
    held = facts.teams.get(viewer.agency, frozenset()) & mine
    if held:
        return allow(_whose(viewer, held, "this person"), "relationship")
    held = facts.household_child_teams.get(viewer.agency, frozenset()) & mine
    if held:
        return allow(_whose(viewer, held, "a child in this person's household"), "household")
    told = facts.unconfirmed_teams.get(viewer.agency, {})
    return _unconfirmed(name, min((at for t, at in told.items() if t in mine), default=None), now)


def _whose(viewer: Viewer, teams: set[str] | frozenset[str], whom: str) -> str:
    """Why a team-bound viewer is related: their team's records, or records naming no team."""
    name = agency_name(viewer.agency)
    if team_key(viewer.team) in teams and team_key(viewer.team):
        return f"Your team ({viewer.team.strip()}) holds {name} records of {whom}."
    return f"{name} holds records of {whom} that name no team, so they relate all of {name}."


def _unconfirmed(name: str, waiting: dt.datetime | None, now: dt.datetime) -> Decision | None:
    """Access through a hand upload no lead has confirmed: like breaking glass, for a day."""
    ends = waiting + dt.timedelta(hours=BREAK_GLASS_HOURS) if waiting else None
    if not ends or ends <= now:
        return None
    return allow(
        f"{name}'s records of this person were uploaded by hand and no {name} safeguarding "
        f"lead has confirmed them yet. Until one does, you see this person as if breaking "
        f"glass, until {ends:%d %b %Y %H:%M}.",
        "unconfirmed_upload",
    )


def _refusal(viewer: Viewer, grain: Grain) -> str:
    """Why the viewer may not see a person: the same words for everyone they may not see.

    They depend on the viewer and the agreement only, never on the person, so a
    refusal never says whether someone is known, nor to which team.
    """
    if viewer.role not in CASEWORK or not team_bound(viewer, grain):
        return "Your agency holds no records of this person or of a child in their household."
    name = agency_name(viewer.agency)
    rule = (
        "Under the partnership's information sharing agreement, a "
        f"{name} record relates only the team that holds it (a record that names no team "
        f"relates all of {name})"
    )
    if not team_key(viewer.team):
        return (
            f"You have no team set. {rule}, so without a team you see only people of whom "
            f"{name} holds records that name no team. Ask your administrator to set your team."
        )
    return (
        f"Your team ({viewer.team.strip()}) holds no records of this person or of a child in "
        f"their household. {rule}, so records held by other {name} teams do not open a "
        "person to you."
    )


#: What each capability is, and who has it.
CAPABILITIES: Final[dict[str, tuple[str, frozenset[str]]]] = {
    "search": ("search for people", frozenset({PRACTITIONER, MANAGER, LEAD, IDVA, REVIEWER, QA})),
    "flags_dashboard": ("see the flags dashboard", frozenset({MANAGER, LEAD})),
    "link_review": ("decide on the link review queue", frozenset({IDENTITY})),
    "upload": ("upload an agency file", frozenset({DATA})),
    "confirm_upload": ("confirm their agency's uploads", frozenset({LEAD})),
    "audit_viewer": ("read the audit log", frozenset({LEAD, GOVERNANCE})),
    "approve_access": ("approve new accounts and review access", frozenset({LEAD, GOVERNANCE})),
    "who_looked": ("see who has looked at a child", frozenset({LEAD})),
    "agency_duplicates": ("see their agency's duplicate ids", frozenset({LEAD})),
    "aggregates": ("see partnership figures", frozenset({MANAGER, LEAD, QA, BOARD})),
    "manage_users": ("manage users", frozenset({ADMIN})),
    "break_glass": ("break glass", frozenset({PRACTITIONER, MANAGER, LEAD, IDVA, REVIEWER, QA})),
    # The Marac coordinator prepares the referral list from the whole partnership's records:
    # finding every victim who meets a criterion, whichever agency holds them, is the job,
    # so the list is partnership-wide. The chair reads it to run the meeting. A victim's own
    # records are still opened through may_see_person, like anyone's.
    "marac": ("work on the Marac referral list", frozenset({COORDINATOR, CHAIR})),
    # Accepting or declining a candidate is the coordinator's: they prepare the list the
    # chair's meeting works from.
    "marac_decide": ("decide on Marac candidates", frozenset({COORDINATOR})),
    # Meetings: the coordinator builds them (puts cases on); the coordinator and the chair
    # record the confidentiality statement, the action plans and their completion.
    "marac_build": ("build Marac meetings", frozenset({COORDINATOR})),
    "marac_meeting": ("run Marac meetings", frozenset({COORDINATOR, CHAIR})),
    # Each agency's representative researches the cases on a meeting's list in their
    # agency's own records (SafeLives' research form): leads and managers, who oversee the
    # agency's work, and the IDVA for the DA service. The list of cases is shared with them
    # in advance, as the coordinator circulates it.
    "marac_research": ("research Marac cases for their agency", frozenset({MANAGER, LEAD, IDVA})),
    # Operation Encompass: the police officer tells every school of every incident, so the
    # queue is partnership-wide; a school's designated safeguarding lead sees only notices
    # for their own school's pupils (the view filters by the team on their account).
    "encompass": ("send Operation Encompass notices", frozenset({ENCOMPASS})),
    "encompass_school": ("receive Operation Encompass notices", frozenset({DSL})),
    # Alerts bring a child's history to the people who work with the child (issue 14): an
    # alert goes to a casework user who may see the child, and is read by them alone.
    "alerts": ("read alerts about the children they work with", CASEWORK),
    # Quality assurance (issue 15): the QA officer sets up audit programmes and assigns
    # their auditors and moderators; an auditor answers for the cases assigned to them (a
    # child is opened to them only by an audit grant, in may_see_person); a moderator
    # agrees or changes grades. The themes across audits, and the practice measures, are
    # counts with small numbers suppressed: the board sees them, and nothing else of audits.
    "audit_programmes": ("run case file audit programmes", frozenset({QA})),
    "audit_cases": ("answer case file audits assigned to them", frozenset({AUDITOR})),
    "moderate_audits": ("moderate case file audits", frozenset({MODERATOR})),
    "audit_themes": ("see the themes across audits", frozenset({QA, MODERATOR, BOARD})),
    "practice_measures": (
        "see the practice-quality measures",
        frozenset({QA, MODERATOR, BOARD, LEAD, MANAGER}),
    ),
    # THRIVE (issue 16): the population view is counts with small numbers suppressed, for
    # leads, quality assurance, the business unit and the board; quality improvement (PDSA
    # cycles, the implementation assessment) is run by quality assurance, leads and the
    # business unit. Recording a child's grouping is may_record_thrive, per agency.
    "thrive_population": (
        "see the THRIVE population view",
        frozenset({LEAD, QA, BOARD, BUSINESS_UNIT}),
    ),
    "thrive_improvement": (
        "run THRIVE quality improvement",
        frozenset({QA, LEAD, BUSINESS_UNIT}),
    ),
    # Learning reviews (issue 17): the business unit runs reviews and the tracker; an
    # action's owner updates it; a lead of another agency than the owner's assures it; the
    # board reads the pack and the tracker (no case data) and edits the yearly report with
    # the business unit.
    "reviews": ("run learning reviews", frozenset({BUSINESS_UNIT})),
    "recommendations": (
        "manage recommendations and their actions",
        frozenset({BUSINESS_UNIT}),
    ),
    "tracker": (
        "see the recommendations tracker",
        frozenset({BUSINESS_UNIT, BOARD, QA, LEAD, MANAGER, ACTION_OWNER}),
    ),
    "own_actions": (
        "update the actions they own",
        frozenset({ACTION_OWNER, MANAGER, LEAD, QA, BUSINESS_UNIT}),
    ),
    "assure_actions": ("give assurance on completed actions", frozenset({LEAD})),
    "board_pack": (
        "read the board pack",
        frozenset({BOARD, BUSINESS_UNIT, QA, LEAD, MANAGER}),
    ),
    "build_board_pack": ("build the board pack", frozenset({BUSINESS_UNIT, QA})),
    "yearly_report": ("edit the yearly report", frozenset({BOARD, BUSINESS_UNIT})),
}


#: Who reads a confidential address (a refuge, a victim's new home) besides the agency that
#: recorded it: the IDVA, who works with the victim there, and the Marac coordinator, who
#: plans her safety. Everyone else, whatever else they may see, reads "Confidential address"
#: (shared/spec/domestic-abuse.md): a worker who can see the perpetrator must not learn it.
SEES_CONFIDENTIAL_ADDRESSES: Final = frozenset({IDVA, COORDINATOR})


#: Agencies whose casework staff record a Dash checklist in WholeStory because they have no
#: system of their own for it: the IDVA service, schools and health visitors (issue 13).
DASH_RECORDING_AGENCIES: Final = frozenset({"DA_SERVICE", "SCHOOL", "HEALTH_VISITING"})


def may_record_dash(viewer: Viewer) -> Decision:
    """Whether ``viewer`` may record a Dash checklist here (for a person they may see)."""
    if viewer.role in CASEWORK and viewer.agency in DASH_RECORDING_AGENCIES:
        return allow("Your agency records Dash checklists in WholeStory.", "capability")
    return deny("Dash checklists are recorded here by IDVA services, schools and health visitors.")


#: Agencies whose casework staff record THRIVE groupings and Current Views (issue 16): the
#: children's mental health service, and those who give early help with mental health in
#: schools, general practice and early help. Per-child, may_see_person still decides.
THRIVE_RECORDING_AGENCIES: Final = frozenset(
    {"CAMHS", "SCHOOL", "SCHOOL_NURSING", "GP", "EARLY_HELP"}
)


def may_record_thrive(viewer: Viewer) -> Decision:
    """Whether the viewer records THRIVE groupings and Current Views for their agency."""
    if viewer.role in CASEWORK and viewer.agency in THRIVE_RECORDING_AGENCIES:
        return allow("Your agency records THRIVE groupings in WholeStory.", "capability")
    return deny("THRIVE groupings are recorded by mental health and early help practitioners.")


def may_record_need(viewer: Viewer) -> Decision:
    """Whether ``viewer`` may record a person's engagement need (for a person they may see):
    anyone who works with people, since any of them may be the one who learns it."""
    if viewer.role in CASEWORK:
        return allow("You work with the people your agency is involved with.", "capability")
    return deny("Engagement needs are recorded by practitioners, managers, leads and IDVAs.")


def may_change_need(viewer: Viewer, agency: str, recorded_in_app: bool) -> Decision:
    """Whether ``viewer`` may change a need: one their own agency recorded here. A need from
    an agency's file is changed in that agency's system, or the next file undoes it."""
    if not may_record_need(viewer).allowed:
        return may_record_need(viewer)
    if not recorded_in_app:
        return deny("This need came from the agency's own system: change it there.")
    if agency != viewer.agency:
        return deny("Only the agency that recorded a need changes it.")
    return allow("Your agency recorded this need here.", "capability")


def may_complete_marac_action(viewer: Viewer, agency: str) -> Decision:
    """Whether ``viewer`` may record an action done: who runs the meeting, or the agency's own."""
    if may(viewer, "marac_meeting").allowed:
        return allow("The Marac coordinator and chair record the actions.", "capability")
    if may(viewer, "marac_research").allowed and viewer.agency == agency:
        return allow("Your agency owns this action.", "capability")
    return deny(
        "Only the agency that owns an action, or the Marac coordinator or chair, may record "
        "it done."
    )


def may_read_alert(told: bool, sees: Decision) -> Decision:
    """Whether the viewer may read an alert: it was sent to them, and they may see the child
    now (access can end after an alert is sent). A refusal reads the same whether or not
    the alert exists, so an alert's id says nothing to anyone else."""
    if not told or not sees.allowed:
        return deny("There is no alert for you with that number.")
    return allow(f"The alert was sent to you. {sees.reason}", sees.basis)


def sees_confidential_address(viewer: Viewer, recorded_by: str) -> bool:
    """Whether ``viewer`` may read a confidential address that ``recorded_by`` recorded."""
    return viewer.agency == recorded_by or viewer.role in SEES_CONFIDENTIAL_ADDRESSES


def may(viewer: Viewer, capability: str) -> Decision:
    """Whether the viewer's role has a capability (a page or action not about one person)."""
    what, roles = CAPABILITIES[capability]
    if viewer.role in roles:
        return allow(f"{ROLES[viewer.role]}s may {what}.", "capability")
    return deny(f"{ROLES.get(viewer.role, viewer.role)}s may not {what}.")


def leads_a_holding_agency(viewer: Viewer, holding: Collection[str]) -> bool:
    """Whether the viewer is a safeguarding lead of one of the agencies ``holding`` records
    of a person: who approves a reviewer's access to the case and reads who has looked at
    the person. A lead answers for their own agency's records, so no other lead does."""
    return viewer.role == LEAD and viewer.agency in holding


def may_see_who_looked(viewer: Viewer, facts: Facts) -> Decision:
    """Whether the viewer may read who has looked at the person ("who has looked").

    Only the leads of agencies holding confirmed records of the person: a hand upload no
    lead has confirmed does not make its agency one of them.
    """
    capability = may(viewer, "who_looked")
    if not capability.allowed:
        return capability
    if not leads_a_holding_agency(viewer, facts.agencies - set(facts.unconfirmed)):
        return deny(
            "Only the safeguarding leads of agencies holding this person's records see who "
            "has looked at them."
        )
    return capability


def may_set_lead_professional(viewer: Viewer, facts: Facts) -> Decision:
    """Whether the viewer may set or end a person's lead professional here (issue 14): the
    leads of agencies holding confirmed records of them, who answer for their agency's part
    in what the agencies agreed, since it overrides every agency's records. Managers read
    it but ask their lead: they oversee their agency's work, not who leads across agencies."""
    if viewer.role != LEAD:
        return deny(f"{ROLES.get(viewer.role, viewer.role)}s may not set a lead professional.")
    if not leads_a_holding_agency(viewer, facts.agencies - set(facts.unconfirmed)):
        return deny("Only the safeguarding leads of agencies holding this person's records "
                    "set their lead professional.")  # fmt: skip
    return allow(f"{agency_name(viewer.agency)} holds this person's records.", "capability")


def told_of_access(facts: Facts) -> list[str]:
    """The agencies whose leads are told when someone reaches the person from outside
    (breaking glass, a break-glass search that showed them): every agency holding records
    of them, so no look from outside goes unseen by those who answer for the records."""
    return sorted(facts.agencies)


#: The agency code of an identity reviewer who reviews every agency's pairs.
WHOLE_PARTNERSHIP: Final = "PARTNERSHIP"


def may_review_pair(viewer: Viewer, agencies: set[str]) -> Decision:
    """Whether the viewer may see and decide a pair of records from ``agencies``.

    A pair shows both records' name, date of birth, NHS number and address, whoever
    else may see the person, so identity review is a role of its own (issue 11, M2),
    not something every manager can do. An agency's identity reviewer reviews the
    pairs where one record is their agency's; the partnership's identity reviewer
    (agency PARTNERSHIP) reviews every pair.
    """
    if viewer.role != IDENTITY:
        return deny(f"{ROLES.get(viewer.role, viewer.role)}s may not review links.")
    if viewer.agency == WHOLE_PARTNERSHIP or viewer.agency in agencies:
        return allow("Identity reviewers review pairs of their agency's records.", "identity")
    return deny(
        f"Neither record is {agency_name(viewer.agency)}'s: you review pairs where at least "
        "one record is your agency's."
    )


def review_scope(viewer: Viewer) -> str | None:
    """The agency whose pairs an identity reviewer reviews; ``None`` for the whole partnership."""
    return None if viewer.agency == WHOLE_PARTNERSHIP else viewer.agency


#: The people an agency's managers and leads see (the flags dashboard), as SQL: the rule of
#: :func:`may_see_person` at the agency's grain over ``access_facts.facts_about``, for everyone at
#: once. Records of the agency's own, or of a child in the household; a hand upload counts
#: once a lead of the agency confirms it. Written twice because a dashboard cannot ask the
#: Python rule person by person; kept here beside it, and ``tests/test_web_work.py``
#: (the flags dashboard's scope) keeps the two equal. Its one parameter is the agency.
VISIBLE_TO_AGENCY: Final = """
WITH mine AS (
    SELECT DISTINCT COALESCE(s.ws_person_id, s.key) AS person FROM ws_source_person s
    WHERE s.agency = ? AND NOT EXISTS (
        SELECT 1 FROM ws_record r JOIN ws_import i ON i.id = r.import_id
        WHERE r.agency = s.agency AND r.person_id = s.person_id
        AND i.route = 'upload' AND i.confirmed_at IS NULL
    )
), child_keys AS (
    SELECT s.key FROM ws_source_person s
    JOIN mine m ON COALESCE(s.ws_person_id, s.key) = m.person
    JOIN ws_chronology c ON c.ws_person_id = m.person
    WHERE c.is_child
), near AS (
    SELECT h.key_b AS key FROM ws_household_link h JOIN child_keys k ON h.key_a = k.key
    UNION SELECT h.key_a AS key FROM ws_household_link h JOIN child_keys k ON h.key_b = k.key
), visible AS (
    SELECT person FROM mine
    UNION SELECT COALESCE(s.ws_person_id, s.key) AS person
    FROM ws_source_person s JOIN near n ON n.key = s.key
)
"""
