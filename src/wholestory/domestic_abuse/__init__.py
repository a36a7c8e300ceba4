"""Domestic abuse, with the victim and the children at the centre (issue 13).

Police incidents with every child of the household (``incidents``); the Marac
referral list, decisions and its measure against ground truth (``marac*``); Operation
Encompass notices and the school calendar they fall due by (``encompass``,
``school_days``); the figures for the strategy and the board (``figures``); the Dash
risk identification checklist as data (``dash``, ``dash_words``), imported from an
agency's ``dash`` table (``wholestory.ingest.dash_rows``). Safe addresses are kept
by the store (``wholestory.store.confidential``). Words are in ``*_words``.
"""
