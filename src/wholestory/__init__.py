"""WholeStory: one analytical chronology per child, joined up across agencies.

The core library (everything outside :mod:`wholestory.web` and :mod:`wholestory.cli`)
is plain Python over data frames and SQL. It never imports Django, so the CLI,
the web app and the tests all call the same functions.
"""

__version__ = "0.1.0"
