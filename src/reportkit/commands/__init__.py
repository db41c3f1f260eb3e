"""The ``reportkit`` commands, a module per group (:mod:`reportkit.cli` puts them in order on the app):
:mod:`.common` holds the Typer app, messages on stderr, errors to exit codes and the progress bar."""
