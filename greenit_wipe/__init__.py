"""greenit-wipe: the wipe-station agent.

Runs on a minimal live Linux with the standard library only: lists drives, refuses the ones
that must not be touched, overwrites (and verifies) or purges the others, and sends a record
of each wipe to the greenit server, keeping it in a local spool until the server has it."""

__version__ = "0.1.0"
