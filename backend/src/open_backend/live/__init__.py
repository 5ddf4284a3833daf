"""Live updates: execution events and status changes fanned out to subscribers.

Publishers (the event log writer, the execution mutations) call :mod:`.publish` on an
:class:`~.bus.EventBus`: a :class:`~.redis_bus.RedisEventBus` with ``REDIS_URL`` (across
processes), else a :class:`~.local_bus.LocalEventBus` (in-process). Subscribers (the GraphQL
subscriptions) follow an execution with :mod:`.follow`: subscribe first, read the stored log,
then the bus. The bus is at-most-once: the log in the database fills every gap.
"""
