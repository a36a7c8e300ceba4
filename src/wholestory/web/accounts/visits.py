"""When a user last visited before this visit, so their home page can say what is new since.

Django keeps ``last_login``, but sets it to now as the user signs in (its own receiver of
``user_logged_in``), so by the time the home page asks, "the last visit" is this one.
Before that receiver runs, this module's copies the old value to
``Membership.previous_visit``: "since your last visit" is then the visit before this one.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in


def keep_previous_visit(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    """Copy the sign-in before this one (``last_login``, not yet updated) to the membership."""
    from wholestory.web.accounts.models import Membership

    Membership.objects.filter(user_id=user.pk).update(previous_visit=user.last_login)


def connect() -> None:
    """Receive ``user_logged_in`` before Django's ``update_last_login`` does.

    Receivers run in the order they were connected, and the auth app connects its own
    first, so it is taken off and connected again after this module's.
    """
    from django.contrib.auth.models import update_last_login

    user_logged_in.disconnect(update_last_login, dispatch_uid="update_last_login")
    user_logged_in.connect(keep_previous_visit, dispatch_uid="wholestory_previous_visit")
    user_logged_in.connect(update_last_login, dispatch_uid="update_last_login")
