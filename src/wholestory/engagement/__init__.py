"""Engagement and reasonable adjustments (issue 14): how to work with each person.

A person's communication, information and engagement needs follow the Accessible
Information Standard's stages (identify, record, flag, share, meet, review;
``shared/spec/assurance.md``). Agencies send them in the ``needs`` table or record them
in the app; every view of the person shows them first (:mod:`.needs`), with who
recorded each, when, at which agency, and when it is due for review. Words are
:mod:`.words`'s. Nothing here imports Django.
"""
