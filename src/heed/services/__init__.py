"""Services: the verbs of heed, each one transaction over a unit of work."""
