"""The JSON API under /api/v1: thin handlers that call the services."""
