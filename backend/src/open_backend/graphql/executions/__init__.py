"""The executions domain of the API."""
