"""What the audit log can record: one typed list of actions, each with the words people read.

An entry's ``action`` column holds the member's value (``"view"``, ``"team_set"``),
so the values never change once written; the words are for pages that show the
log to people ("Viewed", "Moved to another team"). Keeping both in one enum means
a new action cannot be added without its words.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Final


class Action(StrEnum):
    """An action the audit log records; ``.words`` says it in plain English."""

    words: str

    def __new__(cls, value: str, words: str) -> Action:
        member = str.__new__(cls, value)
        member._value_ = value
        member.words = words
        return member

    LOGIN = "login", "Signed in"
    LOGIN_FAILED = "login_failed", "Failed to sign in"
    LOGOUT = "logout", "Signed out"
    SEARCH = "search", "Searched"
    VIEW = "view", "Viewed"
    DOWNLOAD = "download", "Downloaded"
    DECISION = "decision", "Decided"
    BREAK_GLASS = "break_glass", "Broke glass"
    UPLOAD = "upload", "Uploaded an agency file"
    DENIED = "denied", "Was refused"
    GRANT = "grant", "Was granted access"
    USER_ADDED = "user_added", "Added a user"
    TOKEN_ISSUED = "token_issued", "Issued an API token"
    AUDIT_VIEW = "audit_view", "Looked at who has looked"
    EXPORT = "export", "Exported"
    PASSWORD_SET = "password_set", "Set a password"
    USER_DISABLED = "user_disabled", "Disabled a user"
    AUDIT_ANCHOR = "audit_anchor", "Anchored the audit log"
    CONFIRM_UPLOAD = "confirm_upload", "Confirmed an upload"
    APPROVE = "approve", "Approved access"
    REFUSE = "refuse", "Refused access"
    TEAM_SET = "team_set", "Moved to another team"
    MARAC_LIST = "marac_list", "Looked at the Marac referral list"
    MARAC_DECISION = "marac_decision", "Decided on a Marac candidate"
    ENCOMPASS_QUEUE = "encompass_queue", "Looked at the Operation Encompass queue"
    ENCOMPASS_SENT = "encompass_sent", "Sent an Operation Encompass notice"
    ENCOMPASS_SCHOOL = "encompass_school", "Looked at a school's Encompass notices"
    ENCOMPASS_ACKNOWLEDGED = "encompass_ack", "Acknowledged an Operation Encompass notice"
    DASH_RECORDED = "dash_recorded", "Recorded a Dash risk checklist"
    MARAC_MEETING = "marac_meeting", "Looked at a Marac meeting"
    MARAC_MEETING_CHANGED = "marac_changed", "Changed a Marac meeting or its actions"
    MARAC_RESEARCH = "marac_research", "Looked at or completed Marac research"
    NEED_RECORDED = "need_recorded", "Recorded an engagement need"
    NEED_CHANGED = "need_changed", "Changed an engagement need"
    LEAD_SET = "lead_set", "Set a lead professional"
    LEAD_ENDED = "lead_ended", "Ended a lead professional"
    PRACTITIONER_SET = "practitioner_set", "Matched a user to a practitioner name"
    ALERT_SENT = "alert_sent", "Was sent an alert"
    ALERTS_READ = "alerts_read", "Looked at their alerts"
    QA_PROGRAMME_SET = "qa_programme_set", "Set up an audit programme and chose its cases"
    QA_PROGRAMME = "qa_programme", "Looked at an audit programme's cases"
    QA_MEASURES = "qa_measures", "Worked out the practice-quality measures"
    AUDIT_ASSIGN = "audit_assign", "Assigned a case file auditor, with an audit grant"
    AUDIT_ANSWER = "audit_answer", "Answered a case file audit"
    AUDIT_SUBMIT = "audit_submit", "Submitted a case file audit"
    AUDIT_MODERATE = "audit_moderate", "Moderated a case file audit's grade"
    AUDIT_LEARNING = "audit_learning", "Recorded a learning point from an audit"
    AUDIT_ACTION = "audit_action", "Recorded an action from an audit"
    AUDIT_ACTION_DONE = "audit_done", "Recorded an audit's action done"
    AUDIT_CASE = "audit_case", "Looked at a case file audit"
    THRIVE_RECORD = "thrive_record", "Recorded a THRIVE grouping or Current View"
    THRIVE_LOOK = "thrive_look", "Looked at THRIVE figures or improvement work"
    THRIVE_CHANGE = "thrive_change", "Changed a THRIVE improvement cycle or assessment"
    REVIEW_OPEN = "review_open", "Opened a learning review of a child"
    REVIEW_DECIDE = "review_decide", "Recorded a learning review's decision or date"
    REVIEW_LOOK = "review_look", "Looked at a learning review"
    REVIEW_NARRATIVE = "review_narrative", "Drafted or edited a review's narrative"
    REC_CHANGE = "rec_change", "Recorded a recommendation or its actions"
    ACTION_UPDATE = "action_update", "Updated an action's status"
    ACTION_EVIDENCE = "action_evidence", "Uploaded or opened evidence for an action"
    ACTION_ASSURE = "action_assure", "Gave assurance on a completed action"
    BOARD_PACK = "board_pack", "Built or read a board pack"
    YEARLY_REPORT = "yearly_report", "Drafted or edited the yearly report"


#: What can be recorded, as plain strings (the values stored in the log).
ACTIONS: Final = frozenset(action.value for action in Action)

_BY_VALUE: Final = {action.value: action for action in Action}


def words(action: str) -> str:
    """The words people read for ``action``; an unknown one is spelled out from its name.

    Entries are never rewritten, so a page may meet an action no longer in
    :class:`Action`; it is still shown, in the plainest form its name allows.
    """
    known = _BY_VALUE.get(action)
    if known is not None:
        return known.words
    return action.replace("_", " ").capitalize()
