"""Versioned data files the domain reads (word lists, each with its source)."""
