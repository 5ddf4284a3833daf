"""API keys of the active organization."""
