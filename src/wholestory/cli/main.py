"""The ``wholestory`` command: a thin layer over the core library.

Each command opens the store, calls one core function and prints the result,
for people (Rich) or for programs (``--json``).
"""

from __future__ import annotations

import typer

from wholestory.cli import demo, ingest, synth

app = typer.Typer(
    name="wholestory",
    help="WholeStory: one child's whole story, joined up across a safeguarding partnership.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

app.command("ingest")(ingest.ingest_command)
app.command("quarantine")(ingest.quarantine_command)
app.command("synth")(synth.synth_command)
app.command("demo")(demo.demo_command)


if __name__ == "__main__":  # pragma: no cover
    app()
