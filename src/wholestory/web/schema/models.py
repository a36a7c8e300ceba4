"""The store's tables. Django owns the schema and its migrations.

The core library reads and writes these tables with plain SQL (it must not
import Django), so every table has an explicit ``db_table`` and the core's
column lists are checked against these models by a test.
"""

from __future__ import annotations

from django.db import models

from wholestory.engagement.leads import PLAN_EVENTS
from wholestory.web.schema.bases import Decision, PersonDetails


class ImportRun(models.Model):
    """One file read by one ingest: what came in, and what happened to every row."""

    file_name = models.TextField(help_text="The path as given to ingest.")
    file_sha256 = models.CharField(max_length=64)
    kind = models.CharField(max_length=16, help_text="events or relationships")
    profile = models.TextField(default="template")
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField()
    rows_read = models.IntegerField(default=0)
    rows_inserted = models.IntegerField(default=0)
    rows_updated = models.IntegerField(default=0)
    rows_unchanged = models.IntegerField(default=0)
    rows_quarantined = models.IntegerField(default=0)
    rows_with_warnings = models.IntegerField(default=0)
    # How the records came, because records are the basis of access: a hand upload gives
    # its agency access only once a second person, the agency's lead, confirms it.
    route = models.CharField(
        max_length=8, db_default="feed", help_text="feed (the agency's system) or upload (by hand)"
    )
    imported_by = models.TextField(db_default="", help_text="Who uploaded it or ran the feed.")
    agency = models.CharField(max_length=32, db_default="", help_text="The uploader's agency.")
    confirmed_by = models.TextField(null=True, help_text="The lead who confirmed an upload.")
    confirmed_at = models.DateTimeField(null=True)

    class Meta:
        db_table = "ws_import"


class Record(PersonDetails):
    """One person's part in one agency event: one row of the agency template.

    Template-named columns hold the trusted, normalised value. What the agency
    wrote, where it differs (an NHS number that failed its check digit, a UK
    date), the rule that inferred an empty event type, and warnings are in
    ``provenance``: rarely read, so one JSON column rather than seven (every
    column costs time on each of millions of inserts). Dates keep their
    precision in their length: ``2014``, ``2014-03`` or ``2014-03-09``.
    """

    agency = models.CharField(max_length=32)
    record_id = models.TextField()
    person_id = models.TextField()
    given_name = models.TextField()
    family_name = models.TextField()
    # other_names, date_of_birth, sex, nhs_number, upn, postcode, address: PersonDetails
    role = models.CharField(max_length=32)
    event_id = models.TextField(null=True)
    event_date = models.CharField(max_length=10)
    event_date_approximate = models.BooleanField(default=False)
    event_date_start = models.DateField()
    event_time = models.CharField(max_length=5, null=True)
    event_type = models.CharField(max_length=40)
    event_type_inferred = models.BooleanField(default=False)
    summary = models.TextField()
    action = models.TextField(null=True)
    outcome = models.TextField(null=True)
    practitioner = models.TextField(null=True)
    team = models.TextField(null=True)
    date_of_death = models.CharField(
        max_length=10, null=True, help_text="YYYY-MM-DD, where the agency knows the person died."
    )
    restricted = models.CharField(
        max_length=40,
        null=True,
        help_text="The restricted category code the agency marked the record with; "
        "null for an ordinary record.",
    )
    address_confidential = models.BooleanField(
        null=True,
        help_text="True when the address is confidential: it is then only in "
        "ws_confidential_address, and address and postcode here are empty.",
    )
    provenance = models.JSONField(null=True)
    row_hash = models.CharField(max_length=32)
    source_row = models.IntegerField()
    # No index on the import run: nothing reads records by it often enough to
    # pay for an index on every insert.
    import_run = models.ForeignKey(
        ImportRun, on_delete=models.PROTECT, db_column="import_id", db_index=False
    )
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        db_table = "ws_record"
        constraints = [
            models.UniqueConstraint(fields=["agency", "record_id"], name="ws_record_agency_record")
        ]
        indexes = [
            models.Index(fields=["agency", "person_id"], name="ws_record_agency_person"),
            # Only rows that share an event are looked up by it; most rows have no event_id,
            # and a partial index costs imports nothing for them.
            models.Index(
                fields=["agency", "event_id"],
                name="ws_record_agency_event",
                condition=models.Q(event_id__isnull=False),
            ),
            # What arrived since a user's last visit (home pages); plan records (leads.py).
            models.Index(fields=["created_at"], name="ws_record_created"),
            models.Index(
                fields=["agency", "person_id", "event_type", "event_date_start"],
                name="ws_record_plan",
                condition=models.Q(event_type__in=PLAN_EVENTS),
            ),
        ]


class ConfidentialAddress(models.Model):
    """A confidential address (a refuge, a victim's new home), kept apart from its record.

    Only ``wholestory.store.confidential.address_of`` reads it, for the recording
    agency, the IDVA and the Marac coordinator (``access.sees_confidential_address``).
    """

    agency = models.CharField(max_length=32)
    record_id = models.TextField()
    address = models.TextField(null=True)
    postcode = models.CharField(max_length=16, null=True)
    recorded_at = models.DateTimeField()

    class Meta:
        db_table = "ws_confidential_address"
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "record_id"], name="ws_confidential_address_record"
            )
        ]
        indexes = [models.Index(fields=["postcode"], name="ws_confidential_postcode")]


class RecordVersion(models.Model):
    """A record as it was before an import changed it. Nothing is overwritten unkept."""

    record_pk = models.ForeignKey(Record, on_delete=models.PROTECT, db_column="record_pk")
    agency = models.CharField(max_length=32)
    record_id = models.TextField()
    content = models.JSONField(help_text="Every column of the record as it was.")
    row_hash = models.CharField(max_length=32)
    import_run = models.ForeignKey(
        ImportRun, on_delete=models.PROTECT, db_column="import_id", related_name="+"
    )
    replaced_by = models.ForeignKey(
        ImportRun, on_delete=models.PROTECT, db_column="replaced_by_import_id", related_name="+"
    )
    replaced_at = models.DateTimeField()

    class Meta:
        db_table = "ws_record_version"
        indexes = [models.Index(fields=["agency", "record_id"], name="ws_version_agency_record")]


class Relationship(models.Model):
    """How two people are related, as one agency knows it (the optional second table)."""

    agency = models.CharField(max_length=32)
    person_id = models.TextField()
    related_person_id = models.TextField()
    relationship = models.CharField(max_length=32)
    row_hash = models.CharField(max_length=32)
    source_row = models.IntegerField()
    import_run = models.ForeignKey(ImportRun, on_delete=models.PROTECT, db_column="import_id")
    created_at = models.DateTimeField()

    class Meta:
        db_table = "ws_relationship"
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "person_id", "related_person_id", "relationship"],
                name="ws_relationship_unique",
            )
        ]


class QuarantinedRow(models.Model):
    """A row that could not go in, with where it was and why, waiting to be corrected.

    When a later import brings the same (agency, record_id) in good order, the
    row is marked resolved by that import rather than deleted: the list of
    what is still outstanding shrinks, and the history stays.
    """

    file_name = models.TextField()
    agency = models.CharField(max_length=32, null=True)
    record_id = models.TextField(null=True)
    row_number = models.IntegerField(help_text="As a spreadsheet numbers it: the header is row 1.")
    columns = models.TextField(help_text="The columns at fault.")
    reason = models.TextField()
    raw = models.TextField(help_text="The row as read, as JSON keyed by the file's own headers.")
    raw_hash = models.CharField(max_length=32)
    import_run = models.ForeignKey(ImportRun, on_delete=models.PROTECT, db_column="import_id")
    created_at = models.DateTimeField()
    resolved_by = models.ForeignKey(
        ImportRun,
        on_delete=models.PROTECT,
        db_column="resolved_import_id",
        null=True,
        related_name="+",
    )
    resolved_at = models.DateTimeField(null=True)

    class Meta:
        db_table = "ws_quarantine"
        constraints = [
            models.UniqueConstraint(
                fields=["file_name", "row_number", "raw_hash"], name="ws_quarantine_unique"
            )
        ]
        indexes = [models.Index(fields=["agency", "record_id"], name="ws_quarantine_key")]


class LinkModel(models.Model):
    """A trained Splink model: its settings JSON (m and u of every level) and when it was made.

    Kept so that every link can be traced to the model that scored it, and so that
    daily feeds are scored without retraining.
    """

    trained_at = models.DateTimeField()
    settings_json = models.TextField()
    source_count = models.IntegerField(help_text="Source persons it was trained on.")
    seconds = models.FloatField(default=0)
    origin = models.TextField(
        db_default="store",
        help_text="store (trained here), default (shipped) or store+default (both, blended).",
    )

    class Meta:
        db_table = "ws_link_model"


class LinkRun(models.Model):
    """One run of linking (full, incremental or a review decision applied), and its counts."""

    kind = models.CharField(max_length=16)
    model = models.ForeignKey(LinkModel, on_delete=models.PROTECT, null=True)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True)
    counts = models.JSONField(default=dict)

    class Meta:
        db_table = "ws_link_run"


class AgencySetting(models.Model):
    """What the partnership has said about one agency's records, such as what its ids mean.

    ``person_ids`` is ``person`` (one id per person, the default: two ids of
    the agency are two people unless the evidence is overwhelming) or
    ``episode`` (a new id per attendance or episode: two ids of the agency
    link as freely as ids of two agencies). Set from a mapping profile or the
    partnership's agencies file; linking reads it.
    """

    agency = models.CharField(max_length=32, primary_key=True)
    person_ids = models.CharField(max_length=8, default="person")
    set_from = models.TextField(help_text="The profile or agencies file that said so.")
    set_at = models.DateTimeField()

    class Meta:
        db_table = "ws_agency_setting"


class Person(models.Model):
    """A person as WholeStory knows them: a stable id that outlives re-linking.

    A merged person is kept with ``merged_into`` so that a bookmark still leads
    somewhere, with the reason in :class:`PersonEvent`.
    """

    id = models.CharField(max_length=16, primary_key=True)
    status = models.CharField(max_length=8, default="active")
    merged_into = models.CharField(max_length=16, null=True)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        db_table = "ws_person"


class SourcePerson(PersonDetails):
    """One agency's person (agency, person_id): the details linking compares, and whose they are.

    The details are read from that agency's records: the latest value of each
    field, with every name the agency has used kept in ``names``.
    """

    key = models.TextField(unique=True, help_text="AGENCY:PERSON_ID")
    agency = models.CharField(max_length=32)
    person_id = models.TextField()
    given_name = models.TextField(null=True)
    family_name = models.TextField(null=True)
    # other_names, date_of_birth, sex, nhs_number, upn, postcode, address: PersonDetails
    names = models.JSONField(default=dict, help_text="Every given and family name recorded.")
    details_hash = models.CharField(max_length=32)
    first_seen = models.CharField(max_length=10, null=True)
    last_seen = models.CharField(max_length=10, null=True)
    ws_person = models.CharField(max_length=16, null=True, db_column="ws_person_id")
    linked_by = models.CharField(max_length=8, null=True, help_text="machine, person or alone")
    linked_at = models.DateTimeField(null=True)

    class Meta:
        db_table = "ws_source_person"
        indexes = [
            models.Index(fields=["ws_person"], name="ws_source_person_ws"),
            # Whom an agency holds records of (the home pages' lists), from the index alone.
            models.Index(fields=["agency", "ws_person"], name="ws_source_person_agency"),
        ]


class PersonEvent(models.Model):
    """A change to a person: created, merged into another, split, or a source moved."""

    at = models.DateTimeField()
    kind = models.CharField(max_length=16)
    ws_person = models.CharField(max_length=16, db_column="ws_person_id")
    other_person = models.CharField(max_length=16, null=True, db_column="other_person_id")
    reason = models.TextField()
    run = models.ForeignKey(LinkRun, on_delete=models.PROTECT, null=True)

    class Meta:
        db_table = "ws_person_event"
        indexes = [models.Index(fields=["ws_person"], name="ws_person_event_ws")]


class LinkPair(models.Model):
    """A scored pair of source persons above the lower threshold, with its evidence.

    ``evidence`` holds the match weight of each field (Splink's waterfall), so a
    link can be explained long after it was made.
    """

    key_l = models.TextField()
    key_r = models.TextField()
    match_weight = models.FloatField()
    match_probability = models.FloatField()
    evidence = models.JSONField()
    state = models.CharField(max_length=8, help_text="auto, review or held")
    note = models.TextField(null=True)
    model = models.ForeignKey(LinkModel, on_delete=models.PROTECT, null=True)
    scored_at = models.DateTimeField()

    class Meta:
        db_table = "ws_link_pair"
        constraints = [models.UniqueConstraint(fields=["key_l", "key_r"], name="ws_link_pair_key")]
        indexes = [
            models.Index(fields=["key_r"], name="ws_link_pair_r"),
            models.Index(fields=["state"], name="ws_link_pair_state"),
        ]


class LookalikeRecord(models.Model):
    """A record in a look-alike set: more than 50 records sharing a name, date of birth and
    address (``wholestory.identity.lookalikes``). Such a set is not scored pair by pair;
    the review queue shows it as one item. Replaced whole by each linking run."""

    key = models.TextField(unique=True, help_text="AGENCY:PERSON_ID")
    set_id = models.CharField(max_length=16, help_text="A hash of the shared details.")

    class Meta:
        db_table = "ws_lookalike"
        indexes = [models.Index(fields=["set_id"], name="ws_lookalike_set")]


class LinkDecision(Decision):
    """A person's decision that two source persons are the same or different. It always wins."""

    key_l = models.TextField()
    key_r = models.TextField()
    decision = models.CharField(max_length=9)

    class Meta:
        db_table = "ws_link_decision"
        constraints = [
            models.UniqueConstraint(fields=["key_l", "key_r"], name="ws_link_decision_key")
        ]


class HouseholdLink(models.Model):
    """Evidence that two source persons lived together or shared an event, and when."""

    key_a = models.TextField()
    key_b = models.TextField()
    basis = models.CharField(max_length=16, help_text="relationship, address or event")
    detail = models.TextField()
    first_date = models.CharField(max_length=10, null=True)
    last_date = models.CharField(max_length=10, null=True)

    class Meta:
        db_table = "ws_household_link"
        constraints = [
            models.UniqueConstraint(
                fields=["key_a", "key_b", "basis", "detail"], name="ws_household_link_key"
            )
        ]
        indexes = [models.Index(fields=["key_b"], name="ws_household_link_b")]


class DataChange(models.Model):
    """How often a kind of data that kept results are read from has changed (store/changes.py)."""

    topic = models.CharField(
        max_length=32, primary_key=True, help_text="What changed, e.g. household_links"
    )
    version = models.BigIntegerField(help_text="How many times it has changed")
    changed_at = models.DateTimeField()

    class Meta:
        db_table = "ws_change"


# The chronology, alert, assurance, audit log, domestic abuse, engagement and THRIVE tables
# live in their own modules; imported here so Django finds them.
from wholestory.web.schema.alerts import AlertRecipient, AlertRecord, FlagRaised  # noqa: E402
from wholestory.web.schema.assurance import (  # noqa: E402
    AuditAction,
    AuditAnswer,
    AuditCase,
    AuditProgramme,
    CaseAuditor,
    LearningPoint,
    MeasureMonth,
    Moderation,
)
from wholestory.web.schema.audit import AuditEntry, AuditHead  # noqa: E402
from wholestory.web.schema.chronology import ChronologyRecord, FlagRecord  # noqa: E402
from wholestory.web.schema.domestic_abuse import (  # noqa: E402
    DashChecklist,
    EncompassNotice,
    MaracAction,
    MaracCase,
    MaracCasePerson,
    MaracDecision,
    MaracListKept,
    MaracMeeting,
    MaracResearch,
    MaracResearchFact,
)
from wholestory.web.schema.engagement import LeadProfessional, NeedRecord  # noqa: E402
from wholestory.web.schema.reviews import (  # noqa: E402
    ActionAssurance,
    ActionEvidence,
    ActionUpdate,
    BoardPack,
    Recommendation,
    RecommendationAction,
    ReviewCase,
    ReviewDecision,
    ReviewNarrative,
    YearlyReport,
)
from wholestory.web.schema.thrive import (  # noqa: E402
    ThriveCurrentView,
    ThriveGrouping,
    ThriveImplementationScore,
    ThrivePdsaCycle,
)

__all__ = [
    "ActionAssurance",
    "ActionEvidence",
    "ActionUpdate",
    "AlertRecipient",
    "AlertRecord",
    "AuditAction",
    "AuditAnswer",
    "AuditCase",
    "AuditEntry",
    "AuditHead",
    "AuditProgramme",
    "BoardPack",
    "CaseAuditor",
    "ChronologyRecord",
    "DashChecklist",
    "EncompassNotice",
    "FlagRaised",
    "FlagRecord",
    "LeadProfessional",
    "LearningPoint",
    "MaracAction",
    "MaracCase",
    "MaracCasePerson",
    "MaracDecision",
    "MaracListKept",
    "MaracMeeting",
    "MaracResearch",
    "MaracResearchFact",
    "MeasureMonth",
    "Moderation",
    "NeedRecord",
    "Recommendation",
    "RecommendationAction",
    "ReviewCase",
    "ReviewDecision",
    "ReviewNarrative",
    "ThriveCurrentView",
    "ThriveGrouping",
    "ThriveImplementationScore",
    "ThrivePdsaCycle",
    "YearlyReport",
]
