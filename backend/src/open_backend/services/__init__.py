"""Services: the backend's operations, called by the GraphQL resolvers and the auth routes.

Each function takes an ``AsyncSession`` and, for operations inside an organization, the
:class:`~open_backend.auth.principal.Principal` whose organization scopes every query. Services
flush but do not commit unless their docstring says so; the caller commits once per operation.
Timestamps are passed in as ``now`` (aware UTC). Errors are :class:`~open_backend.errors.AppError`
subclasses.
"""
