"""The execution worker: ``python -m open_backend.worker`` (or ``openctl worker``).

Any number of worker processes on any number of machines read one arq queue on Redis
(``OPEN_QUEUE_NAME``) and run the executions its jobs name, with leases in PostgreSQL
(:mod:`open_backend.executions.lease`): :mod:`.runtime` holds what a process shares,
:mod:`.service` wires it to arq and to the process's signals.
"""
