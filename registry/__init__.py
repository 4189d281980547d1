"""Reuse Registry: a registry of reusable technology for health and public services."""
