"""Entrypoints: the REST API, the staff web UI and the command line."""
