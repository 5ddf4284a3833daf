"""DAGs, their versions, diffs and definition validation."""
