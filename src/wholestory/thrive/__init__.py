"""i-THRIVE for children's mental health (issue 16): the five needs-based groupings, the
Current View tool, and (to come) suggestions, the population view and quality improvement.

Core library: no web imports. The vocabulary is THRIVE's own words
(``../shared/spec/thrive.md``); the checks are THRIVE's principles made into rules.
"""
