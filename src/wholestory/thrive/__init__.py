"""i-THRIVE for children's mental health (issue 16): the five needs-based groupings, the
Current View tool, the complexity factors the records evidence, and the suggested
grouping with its reasons; the population view and quality improvement are to come.

Core library: no web imports. The vocabulary is THRIVE's own words
(``../shared/spec/thrive.md``, ``vocabulary.py``); the checks are THRIVE's principles made
into rules (``groupings.py``, ``current_view.py``), the same for the web form and an
agency's file (``ingest/thrive_rows.py``). A child's groupings and Current Views are kept
and read back from every agency and the app in ``records.py`` (tables in
``store/thrive.py``); the complexity factors the records evidence are proposed, never
filled, by ``evidence.py``.
"""
