"""Users and the ``me`` query."""
