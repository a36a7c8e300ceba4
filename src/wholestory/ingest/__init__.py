"""Ingest: agency files in, every row accounted for."""

from wholestory.ingest.accounting import FileResult, IngestResult
from wholestory.ingest.pipeline import ingest_file, ingest_paths

__all__ = ["FileResult", "IngestResult", "ingest_file", "ingest_paths"]
