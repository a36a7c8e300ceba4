"""Who a rate limit counts: the connection's address, or the one trusted proxies forwarded."""

from __future__ import annotations

import pytest

from wholestory.web.bootstrap import setup_django


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "203.0.113.9", "10.0.0.1"),  # no proxy trusted: the header is not believed
        (1, "203.0.113.9", "203.0.113.9"),
        (1, "198.51.100.7, 203.0.113.9", "203.0.113.9"),  # the client cannot choose its own
        (2, "198.51.100.7, 203.0.113.9", "198.51.100.7"),
        (2, "203.0.113.9", "10.0.0.1"),  # fewer hops than proxies: not trusted
    ],
)
def test_client_address(
    monkeypatch: pytest.MonkeyPatch, proxies: int, forwarded: str, expected: str
) -> None:
    setup_django()
    from django.conf import settings
    from django.test import RequestFactory

    from wholestory.web.pages.limits import client_address

    monkeypatch.setattr(settings, "TRUSTED_PROXIES", proxies)
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_address(request) == expected
