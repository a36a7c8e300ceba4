"""``wholestory serve``: the web app and the API under gunicorn, static files by whitenoise.

Before the server starts, the store's schema is brought up to date and the
static files are collected, with hashed names, into ``STATIC_ROOT`` (so
browsers may cache them for a year). Each worker process then loads Django
on its own; threads share a worker's memory, which suits a small box.
"""

from __future__ import annotations

import io
import os
import secrets
import socket
from typing import Annotated, Any, Final

import typer
from rich.console import Console

from wholestory.cli.errors import fail
from wholestory.cli.store import ready_store
from wholestory.words import count_words

console = Console(highlight=False, soft_wrap=True)

#: The shortest secret key served outside demo mode (as Django's own deploy check asks).
MIN_SECRET_KEY_CHARS: Final = 50


def _server(options: dict[str, Any]) -> Any:
    """A gunicorn application serving the Django WSGI app with ``options``."""
    from gunicorn.app.base import BaseApplication

    class WholeStoryServer(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            for key, value in options.items():
                self.cfg.set(key, value)

        def load(self) -> Any:
            from wholestory.web.wsgi import application

            return application

    return WholeStoryServer()


def _check_port(host: str, port: int) -> None:
    """Fail in one line if the address cannot be listened on (gunicorn would retry, then die)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    try:
        with socket.socket(family, socket.SOCK_STREAM) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind((host, port))
    except OSError as error:
        fail(f"cannot listen on {host}:{port}: {error.strerror or error}")


def _loopback(host: str) -> bool:
    """Whether ``host`` is this machine only (127.0.0.0/8, ::1 or localhost)."""
    import ipaddress

    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def prepare(host: str, port: int) -> None:
    """Settings for serving, the schema and the static files; before Django loads anything."""
    demo = os.environ.get("WHOLESTORY_DEMO") == "1"
    if demo and not _loopback(host):
        fail(
            f"demo mode serves plain HTTP with demo passwords: only on this machine "
            f"(--host 127.0.0.1), not on {host}."
        )
    if not os.environ.get("WHOLESTORY_SECRET_KEY"):
        if not demo:
            fail(
                "WHOLESTORY_SECRET_KEY is not set. Set it to a long random value kept out of the "
                "repository (python3 -c 'import secrets; print(secrets.token_urlsafe(50))'), "
                "or run in demo mode with WHOLESTORY_DEMO=1."
            )
        # One key for every worker, so a session signed by one is valid in another.
        os.environ["WHOLESTORY_SECRET_KEY"] = secrets.token_urlsafe(50)
    key = os.environ["WHOLESTORY_SECRET_KEY"]
    if not demo and len(key) < MIN_SECRET_KEY_CHARS:
        fail(
            f"WHOLESTORY_SECRET_KEY is too short ({len(key)} characters): it signs everyone's "
            f"sessions, so it must be at least {MIN_SECRET_KEY_CHARS} random characters "
            "(python3 -c 'import secrets; print(secrets.token_urlsafe(50))')."
        )
    from wholestory import audit

    try:  # in demo mode without a key: the fixed demo key (not secret; verify says so)
        audit.audit_keys()
    except audit.AuditKeyError as error:
        fail(str(error))
    _check_port(host, port)
    os.environ["WHOLESTORY_STATIC_MANIFEST"] = "1"
    from django.apps import apps

    if apps.ready:
        from django.conf import settings

        if not settings.STATIC_MANIFEST:  # pragma: no cover (only when called in a test process)
            fail("wholestory serve must start in a fresh process.")
    ready_store().close()
    from django.conf import settings
    from django.core.management import call_command

    try:
        call_command("collectstatic", interactive=False, verbosity=0, stdout=io.StringIO())
    except Exception as error:
        fail(f"the static files could not be collected into {settings.STATIC_ROOT}: {error}")
    from django.db import connections

    connections.close_all()  # each worker opens its own


def serve_command(
    host: Annotated[str, typer.Option("--host", help="The address to listen on.")] = "127.0.0.1",
    port: Annotated[
        int, typer.Option("--port", min=1, max=65535, help="The port to listen on.")
    ] = 8000,
    workers: Annotated[
        int, typer.Option("--workers", min=1, help="Worker processes (one or two per core).")
    ] = 2,
    threads: Annotated[
        int, typer.Option("--threads", min=1, help="Threads per worker process.")
    ] = 4,
) -> None:
    """Serve the web app and the API (gunicorn; static files served by the app).

    Needs WHOLESTORY_SECRET_KEY and WHOLESTORY_AUDIT_KEY, except in demo mode
    (WHOLESTORY_DEMO=1, where the audit log uses a demo key that is not secret). Outside
    demo mode it expects HTTPS from a proxy in front of it: plain HTTP requests
    are redirected to HTTPS unless WHOLESTORY_SSL_REDIRECT=0.
    """
    prepare(host, port)
    from django.conf import settings

    bind = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    options: dict[str, Any] = {
        "bind": [bind],
        "workers": workers,
        "threads": threads,
        "worker_class": "gthread",
        "timeout": 120,  # a large PDF download may take a while
        "graceful_timeout": 10,
        "accesslog": None,  # query strings hold searched names: the audit log records requests
        "errorlog": "-",
        "loglevel": "warning",
        "proc_name": "wholestory",
        "control_socket_disable": True,
    }
    console.print(
        f"WholeStory is serving at http://{bind}/ ({count_words(workers, 'worker')}"
        f" × {threads} threads). Stop it with Ctrl+C."
    )
    if settings.DEMO and not os.environ.get("WHOLESTORY_AUDIT_KEY"):
        console.print(
            "Demo mode: the audit log is chained with the demo key, which is not secret "
            "(set WHOLESTORY_AUDIT_KEY for a real one)."
        )
    if host not in settings.ALLOWED_HOSTS:
        console.print(
            f"Requests are answered only for the host names in WHOLESTORY_ALLOWED_HOSTS "
            f"({', '.join(settings.ALLOWED_HOSTS)}): add the name people will use."
        )
    if settings.SECURE_SSL_REDIRECT:
        console.print(
            "Plain HTTP is redirected to HTTPS: put a TLS proxy in front "
            "(or set WHOLESTORY_SSL_REDIRECT=0 for a trial on loopback)."
        )
    _server(options).run()
