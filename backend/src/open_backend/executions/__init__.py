"""Executions: the event log and its projections, the runner, and the in-process executor."""
