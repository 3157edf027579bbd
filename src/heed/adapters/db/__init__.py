"""Storage: tables, the unit of work and its repositories."""
