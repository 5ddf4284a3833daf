"""Authentication (who is calling) and the principal a request acts as."""
