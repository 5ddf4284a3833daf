"""Organizations, members and roles."""
