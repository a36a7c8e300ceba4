"""Domestic abuse, with the victim and the children at the centre (issue 13).

What is here so far: the Dash risk identification checklist as data (``dash``: its
forms, answers, score and what it means for a Marac referral; ``dash_words``: the
questions' short labels, and the partnership's own wording), and the school-day
calendar that Operation Encompass notices fall due by (``school_days``). Marac,
the Encompass notices themselves and safe addresses are still to come.
"""
