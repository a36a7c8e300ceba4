"""Abstract models: columns that several tables share because they mean the same thing.

Django copies an abstract model's fields into each table that inherits it, so each
table's columns are as if it declared them itself (``makemigrations --check``: no
changes). Columns that only happen to have the same name stay in their own tables.
"""

from __future__ import annotations

from django.db import models


class PersonDetails(models.Model):
    """What identifies a person beyond their name, in the template's words: a record states
    them, and a source person keeps the latest of each for linking to compare."""

    other_names = models.TextField(null=True)
    date_of_birth = models.CharField(max_length=10, null=True)
    sex = models.TextField(null=True)
    nhs_number = models.CharField(max_length=10, null=True)
    upn = models.CharField(max_length=13, null=True)
    postcode = models.CharField(max_length=8, null=True)
    address = models.TextField(null=True)

    class Meta:
        abstract = True


class Decision(models.Model):
    """A person's decision (two source persons the same or not, a Marac candidate accepted
    or not): why, by whom and when."""

    reason = models.TextField()
    decided_by = models.TextField()
    decided_at = models.DateTimeField()

    class Meta:
        abstract = True


class ReplaceableRecord(models.Model):
    """An agency's record that a later file may replace (``wholestory.store.replacing``):
    its row in the file, the hash that tells a change, its import and when it was kept."""

    source_row = models.IntegerField()
    row_hash = models.CharField(max_length=32)
    import_run = models.ForeignKey(
        "store.ImportRun",
        on_delete=models.PROTECT,
        db_column="import_id",
        db_index=False,
        null=True,
    )
    recorded_at = models.DateTimeField()

    class Meta:
        abstract = True
