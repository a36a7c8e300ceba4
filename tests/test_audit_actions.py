"""Every audit action is typed and has the words people read: no entry reaches a page as a
bare code, and nothing untyped is recorded."""

from __future__ import annotations

import pytest

from wholestory import audit
from wholestory.store import Store


@pytest.mark.parametrize("action", list(audit.Action), ids=str)
def test_every_action_has_words_people_read(action: audit.Action) -> None:
    """Pages show the log to people: no action may reach them as a bare code."""
    assert action.words.strip(), f"{action.value} has no words"
    assert action.words != action.value
    assert audit.words(action.value) == action.words


def test_the_actions_are_plain_strings_in_one_list() -> None:
    """Callers check and list actions as strings; the set and the enum must agree."""
    assert {action.value for action in audit.Action} == audit.ACTIONS
    assert all(type(action) is str for action in audit.ACTIONS)
    assert audit.words("no_such_action") == "No such action"


def test_an_unknown_action_is_refused() -> None:
    """Only a typed action is recorded, so every entry has words to show."""
    with pytest.raises(ValueError, match="unknown audit action"):
        audit.append(Store.__new__(Store), audit.Event(actor="a", action="no_such_action"))


def test_every_action_fits_the_logs_column() -> None:
    """PostgreSQL refuses a value longer than its column (SQLite does not), and a refused
    audit entry refuses the page: an action's code must fit ``ws_audit.action``."""
    from wholestory.web.bootstrap import setup_django

    setup_django()
    from wholestory.web.schema.models import AuditEntry

    width = AuditEntry._meta.get_field("action").max_length
    assert width
    assert [a.value for a in audit.Action if len(a.value) > width] == []
