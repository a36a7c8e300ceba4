"""Quality assurance (issue 15): multi-agency case file audits, and measures of practice.

Audit tools (``tools.py``) are the domains, questions and grading scale an audit asks;
an audit programme (``programmes.py``) is a themed audit whose cases are a reproducible
random sample of the children its criteria choose (``selection.py``). The practice-quality
measures (``measures.py``) need no audit: they read the records and WholeStory's own audit
log, month by month. Their words are in ``words.py``.
"""
