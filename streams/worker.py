"""Start the Faust worker with every agent registered."""

from __future__ import annotations

import faust


def run_worker(loglevel: str = "info") -> None:
    """Run until SIGINT/SIGTERM; Faust then drains, commits and stops cleanly."""
    from streams.agents import finish, ingest  # noqa: F401  (registers the agents)
    from streams.app import app

    faust.Worker(app, loglevel=loglevel, quiet=True).execute_from_commandline()
