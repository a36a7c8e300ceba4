"""What an agency record is, shared by ingest, identity, the chronology and synth.

``template`` is the standard agency input (the contract in
``shared/spec/agency-template.md``): its columns, event types, roles and codes.
``dates`` and ``identifiers`` read and check the values those columns hold
(dates of every precision; NHS numbers, UPNs and postcodes). ``csv_files``
writes a folder of CSV files side by side, as both synthetic generators do.
"""
