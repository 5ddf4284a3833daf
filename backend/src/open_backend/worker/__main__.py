"""``python -m open_backend.worker``: run one worker process (settings from the environment)."""

from __future__ import annotations

import asyncio
import sys

from pydantic import ValidationError

from open_backend.db.migrate import MigrationsNotCurrentError
from open_backend.observability.logging import configure_logging
from open_backend.settings import get_settings
from open_backend.worker.service import serve


def main() -> int:
    """Run the worker; exit code 0 after a drain, 2 on bad settings or an unmigrated database."""
    try:
        settings = get_settings()
        configure_logging(settings.log_format, settings.log_level)
        asyncio.run(serve(settings))
    except ValidationError as exc:
        print(f"error: invalid settings:\n{exc}", file=sys.stderr)
        return 2
    except (ValueError, MigrationsNotCurrentError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
