"""The stored chronologies and their flags: what pages and partnership-wide lists read
rather than rebuild a child's story (``wholestory.chronology.stored``).

Kept apart from ``models.py``, which imports them so that Django registers them with
the ``store`` app.
"""

from __future__ import annotations

from django.db import models


class ChronologyRecord(models.Model):
    """A person's built chronology, stored so that pages read it rather than rebuild it.

    ``content`` is the chronology's JSON (the contract of ``wholestory chronology
    --format json``), compressed: a child's story is read whole or not at all.
    """

    ws_person = models.CharField(max_length=200, primary_key=True, db_column="ws_person_id")
    as_of = models.CharField(max_length=10)
    built_at = models.DateTimeField()
    display_name = models.TextField(help_text="The name most agencies recorded.")
    date_of_birth = models.CharField(max_length=10, null=True)
    is_child = models.BooleanField()  # under 18 on the as-of date
    date_of_death = models.CharField(
        max_length=10, null=True, help_text="The chronology is as of this day when set."
    )
    entry_count = models.IntegerField()
    flag_count = models.IntegerField()
    top_severity = models.CharField(max_length=8, null=True)
    open_plan = models.BooleanField(help_text="A plan was open on the as-of date.")
    content = models.BinaryField(help_text="The chronology JSON, zlib-compressed.")

    class Meta:
        db_table = "ws_chronology"


class FlagRecord(models.Model):
    """One flag raised on a stored chronology, for partnership-wide lists."""

    ws_person = models.CharField(max_length=200, db_column="ws_person_id")
    code = models.CharField(max_length=32)
    title = models.TextField()
    severity = models.CharField(max_length=8)
    first_date = models.CharField(max_length=10)
    last_date = models.CharField(max_length=10)
    explanation = models.TextField()
    evidence = models.TextField(help_text="JSON list of {agency, record_id}.")
    open_plan = models.BooleanField()
    built_at = models.DateTimeField()

    class Meta:
        db_table = "ws_flag"
        indexes = [
            models.Index(fields=["ws_person"], name="ws_flag_person"),
            models.Index(fields=["code"], name="ws_flag_code"),
        ]
