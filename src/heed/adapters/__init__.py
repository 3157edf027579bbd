"""Adapters: the database, providers and transports."""
