"""The ``wholestory`` command: a thin layer over the core library.

Each command opens the store, calls one core function and prints the result,
for people (Rich) or for programs (``--json``).
"""

from __future__ import annotations

import os
import sys

import typer

from wholestory.cli import (
    actions,
    agencies,
    alerts,
    assurance,
    audit_themes,
    board,
    chronology,
    crosscheck,
    demo,
    encompass,
    identity,
    ingest,
    leads,
    marac,
    needs,
    review_narrative,
    reviews,
    serve,
    sharing,
    spc,
    synth,
    thrive,
    users,
)
from wholestory.cli import (
    audit as audit_cli,
)
from wholestory.cli.errors import err_console

app = typer.Typer(
    name="wholestory",
    help="WholeStory: one child's whole story, joined up across a safeguarding partnership.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

app.command("ingest")(ingest.ingest_command)
app.command("quarantine")(ingest.quarantine_command)
app.command("warnings")(ingest.warnings_command)
app.command("link")(identity.link_command)
app.add_typer(identity.review_app, name="review")
app.command("person")(identity.person_command)
app.add_typer(identity.people_app, name="people")
app.command("link-eval")(identity.link_eval_command)
app.command("duplicates")(agencies.duplicates_command)
app.add_typer(agencies.link_model_app, name="link-model")
app.command("chronology")(chronology.chronology_command)
app.command("chronologies")(chronology.chronologies_command)
app.command("flags")(chronology.flags_command)
app.command("review-pack")(chronology.review_pack_command)
app.command("chronology-eval")(chronology.chronology_eval_command)
app.command("synth")(synth.synth_command)
app.command("synth-crosscheck")(crosscheck.synth_crosscheck_command)
app.command("demo")(demo.demo_command)
app.command("serve")(serve.serve_command)
app.add_typer(users.user_app, name="user")
app.add_typer(audit_cli.audit_app, name="audit")
app.add_typer(sharing.sharing_app, name="sharing")
app.add_typer(marac.marac_app, name="marac")
app.command("encompass")(encompass.encompass_command)
app.command("needs")(needs.needs_command)
app.command("lead")(leads.lead_command)
app.command("alerts")(alerts.alerts_command)
app.add_typer(assurance.programme_app, name="audit-programme")
app.command("practice-measures")(assurance.practice_measures_command)
app.command("audit-themes")(audit_themes.audit_themes_command)
app.add_typer(reviews.review_case_app, name="review-case")
app.add_typer(review_narrative.review_narrative_app, name="review-narrative")
app.command("actions")(actions.actions_command)
app.command("board-pack")(board.board_pack_command)
app.command("spc")(spc.spc_command)
app.add_typer(thrive.thrive_app, name="thrive")


def main() -> None:
    """The entry point: the app, with one plain sentence instead of a traceback.

    Bad input is reported by each command itself. Anything else that goes
    wrong (a database that is locked or full, a bug) still deserves a message
    a person can act on; ``WHOLESTORY_DEBUG=1`` shows the traceback for
    whoever has to fix it.
    """
    try:
        app()
    except Exception as error:
        if os.environ.get("WHOLESTORY_DEBUG") == "1":
            raise
        detail = str(error).strip().splitlines()[0] if str(error).strip() else ""
        err_console.print(
            f"[bold red]Error:[/] something went wrong that WholeStory did not expect "
            f"({type(error).__name__}{': ' + detail if detail else ''}). Anything being "
            "imported was rolled back. Run again with WHOLESTORY_DEBUG=1 for the details.",
            markup=True,
        )
        sys.exit(1)


if __name__ == "__main__":  # pragma: no cover
    main()
