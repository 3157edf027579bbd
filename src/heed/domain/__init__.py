"""heed's domain: plain Python rules for contacts, preferences, consent and sending."""
