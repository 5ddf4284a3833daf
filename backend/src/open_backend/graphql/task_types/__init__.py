"""The task types workers can run."""
