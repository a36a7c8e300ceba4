"""The domestic abuse tables (issue 13): Marac decisions, meetings, cases, research and
actions, the kept referral list, Operation Encompass notices and Dash checklists.

Kept apart from ``models.py`` (the records, linking and chronologies), which imports
them so that Django registers them with the ``store`` app.
"""

from __future__ import annotations

from django.db import models

from wholestory.web.schema.bases import Decision, ReplaceableRecord


class MaracDecision(Decision):
    """A Marac coordinator's decision on a candidate the records suggest (issue 13): accepted
    for Marac or declined, with the reason (``wholestory.domestic_abuse.marac_decisions``)."""

    candidate_key = models.TextField(unique=True, help_text="VICTIM|CRITERION|YYYY-MM-DD")
    victim = models.TextField(help_text="The victim's WholeStory id (or AGENCY:PERSON_ID).")
    criterion = models.CharField(max_length=32)
    decision = models.CharField(max_length=16)

    class Meta:
        db_table = "ws_marac_decision"
        indexes = [models.Index(fields=["victim"], name="ws_marac_decision_victim")]


class EncompassNotice(models.Model):
    """An Operation Encompass notice a child's school is owed after a police incident (issue 13).

    Worked out after each feed (``wholestory.domestic_abuse.encompass.refresh_notices``);
    what it says is frozen once sent. Times are local ``YYYY-MM-DDTHH:MM`` text, as the
    school calendar counts them. Only the hash of the emailed link's token is kept.
    """

    incident = models.TextField(help_text="AGENCY:EVENT of the police incident")
    child = models.TextField(help_text="The child's WholeStory id (or AGENCY:PERSON_ID)")
    child_name = models.TextField()
    date_of_birth = models.CharField(max_length=10)
    age = models.IntegerField()
    present = models.BooleanField()
    school = models.TextField(null=True)
    school_known_from = models.TextField()
    incident_at = models.CharField(max_length=16)
    due_at = models.CharField(max_length=16)
    place = models.TextField()
    what_happened = models.TextField()
    records = models.TextField()
    sent_at = models.CharField(max_length=16, null=True)
    sent_by = models.TextField(null=True)
    childs_voice = models.TextField(null=True)
    acknowledged_at = models.CharField(max_length=16, null=True)
    acknowledged_by = models.TextField(null=True)
    token_hash = models.CharField(max_length=64, null=True)
    token_expires = models.CharField(max_length=16, null=True)

    class Meta:
        db_table = "ws_encompass_notice"
        constraints = [
            models.UniqueConstraint(fields=["incident", "child"], name="ws_encompass_notice_key")
        ]
        indexes = [
            models.Index(fields=["due_at"], name="ws_encompass_due"),
            models.Index(fields=["school", "due_at"], name="ws_encompass_school"),
            models.Index(fields=["token_hash"], name="ws_encompass_token"),
        ]


class DashChecklist(ReplaceableRecord):
    """A Dash risk identification checklist an agency sent or recorded here (issue 13).

    ``answers`` are the form's answers in order (``Y,N,NK,...``); ``score`` counts the
    yeses (14 or more is visible high risk). Written by ``wholestory.store.dash``.
    """

    agency = models.CharField(max_length=32)
    record_id = models.TextField()
    event_id = models.TextField(null=True)
    victim_person_id = models.TextField()
    perpetrator_person_id = models.TextField(null=True)
    assessed_on = models.CharField(max_length=10)
    form = models.CharField(max_length=20)
    answers = models.TextField()
    score = models.IntegerField()
    not_known = models.IntegerField()
    professional_judgement = models.BooleanField()
    practitioner = models.TextField()
    notes = models.TextField()
    victims_words = models.TextField(
        default="{}", help_text="JSON: question number to the victim's words, where written."
    )
    recorded_in_app = models.BooleanField(
        default=False, help_text="True: recorded here; victim_person_id is then a WholeStory id."
    )

    class Meta:
        db_table = "ws_dash"
        constraints = [
            models.UniqueConstraint(fields=["agency", "record_id"], name="ws_dash_record")
        ]
        indexes = [models.Index(fields=["agency", "victim_person_id"], name="ws_dash_victim")]


class MaracMeeting(models.Model):
    """A Marac meeting the coordinator builds (issue 13): its day, and the confidentiality
    statement read and signed at its start (``wholestory.domestic_abuse.marac_meetings``)."""

    held_on = models.CharField(max_length=10, help_text="YYYY-MM-DD")
    created_by = models.TextField()
    created_at = models.DateTimeField()
    confidentiality_by = models.TextField(null=True)
    confidentiality_at = models.DateTimeField(null=True)

    class Meta:
        db_table = "ws_marac_meeting"
        indexes = [models.Index(fields=["held_on"], name="ws_marac_meeting_day")]


class MaracCase(models.Model):
    """A victim's case on a meeting's list: why it came, who referred it and when."""

    meeting = models.ForeignKey(MaracMeeting, on_delete=models.PROTECT, db_column="meeting_id")
    victim = models.TextField(help_text="The victim's WholeStory id (or AGENCY:PERSON_ID).")
    criterion = models.CharField(max_length=32)
    source = models.TextField(help_text="The candidate's key, or the referral's AGENCY:RECORD.")
    referred_by = models.CharField(max_length=32)
    referred_on = models.CharField(max_length=10)
    repeat = models.BooleanField()
    added_by = models.TextField()
    added_at = models.DateTimeField()

    class Meta:
        db_table = "ws_marac_case"
        constraints = [
            models.UniqueConstraint(fields=["meeting", "victim"], name="ws_marac_case_victim")
        ]


class CasePart(models.Model):
    """What belongs to one case on a meeting's list: its people, research and actions."""

    case = models.ForeignKey(MaracCase, on_delete=models.PROTECT, db_column="case_id")

    class Meta:
        abstract = True


class MaracCasePerson(CasePart):
    """Who a case is about: the victim, each perpetrator and every child in the household."""

    person = models.TextField()
    part = models.CharField(max_length=16, help_text="VICTIM, PERPETRATOR or CHILD")

    class Meta:
        db_table = "ws_marac_case_person"
        indexes = [models.Index(fields=["person"], name="ws_marac_case_who")]


class MaracResearch(CasePart):
    """One agency's research on a case before the meeting: its opinion, kept apart from facts."""

    agency = models.CharField(max_length=32)
    opinion = models.TextField()
    withheld_reason = models.TextField(help_text="Why the facts not shared were kept back.")
    completed_by = models.TextField()
    completed_at = models.DateTimeField()

    class Meta:
        db_table = "ws_marac_research"
        constraints = [
            models.UniqueConstraint(fields=["case", "agency"], name="ws_marac_research_agency")
        ]


class MaracResearchFact(models.Model):
    """A fact from one of the agency's records, and whether the agency shared it."""

    research = models.ForeignKey(MaracResearch, on_delete=models.PROTECT, db_column="research_id")
    record = models.TextField(help_text="AGENCY:RECORD_ID")
    person = models.TextField()
    part = models.CharField(max_length=16)
    day = models.CharField(max_length=10)
    fact = models.TextField()
    shared = models.BooleanField()

    class Meta:
        db_table = "ws_marac_research_fact"


class MaracAction(CasePart):
    """An action from a case's plan: an agency, an owner, a due date and its completion."""

    agency = models.CharField(max_length=32)
    owner = models.TextField()
    action = models.TextField()
    due_on = models.CharField(max_length=10)
    completed_on = models.CharField(max_length=10, null=True)
    completed_by = models.TextField(null=True)
    created_by = models.TextField()
    created_at = models.DateTimeField()

    class Meta:
        db_table = "ws_marac_action"
        indexes = [models.Index(fields=["case"], name="ws_marac_action_case")]


class MaracListKept(models.Model):
    """The Marac referral list as last worked out, and what it was worked out from.

    Finding every victim who meets a criterion reads every domestic abuse record and
    each victim's household: seconds for a large partnership. It is worked out once
    after the records, the links or the checklists change and kept here, so the
    coordinator's page reads it (``wholestory.domestic_abuse.marac_kept``).
    """

    fingerprint = models.CharField(max_length=64)
    built_at = models.DateTimeField()
    body = models.TextField(help_text="JSON: ReferralList.as_dict()")

    class Meta:
        db_table = "ws_marac_list"
