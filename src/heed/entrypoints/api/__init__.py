"""The REST API (CONTRACT.md) and the Twilio webhook."""
