"""The store's tables. Django owns the schema and its migrations.

The core library reads and writes these tables with plain SQL (it must not
import Django), so every table has an explicit ``db_table`` and the core's
column lists are checked against these models by a test.
"""

from __future__ import annotations

from django.db import models


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

    class Meta:
        db_table = "ws_import"


class Record(models.Model):
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
    other_names = models.TextField(null=True)
    date_of_birth = models.CharField(max_length=10, null=True)
    sex = models.TextField(null=True)
    nhs_number = models.CharField(max_length=10, null=True)
    upn = models.CharField(max_length=13, null=True)
    postcode = models.CharField(max_length=8, null=True)
    address = models.TextField(null=True)
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
        ]


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
