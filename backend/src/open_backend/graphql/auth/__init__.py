"""Signing up, in and out, and refreshing access tokens."""
