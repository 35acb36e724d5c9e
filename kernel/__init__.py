"""The kernel every layer stands on: the errors a user can act on (`kernel.errors`), the
SQLite helper for files several processes write (`kernel.database`), and the loader that
keeps package imports cheap (`kernel.exports`).

Import from the modules; this package imports none of the project's other packages.
"""
