"""Compiling the native worker ``primes.c`` with the system C compiler, once per source version.

The program lands in :func:`~open_examples.locations.build_dir` as ``primes-<hash>``, where
``<hash>`` is the first 12 hex digits of the SHA-256 of the source and the compiler flags: a
changed source gets a new program, and an unchanged one is not compiled again. The compiler is
``$CC`` (default ``cc``) with :data:`CFLAGS`. It writes to a temporary name and renames, so runs
building at the same time never see half a program.
"""

from __future__ import annotations

import hashlib
import importlib.resources
import os
import shlex
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any, Final

from core_engine import task
from open_examples import locations

#: Flags passed to the compiler, before ``-o``.
CFLAGS: Final = ("-O2", "-std=c11", "-Wall", "-Wextra")

#: The environment variable naming the C compiler (one word or a command line).
CC_ENV: Final = "CC"

#: The source file, inside this package.
SOURCE_NAME: Final = "primes.c"

#: Most seconds one compilation may take.
COMPILE_TIMEOUT_S: Final = 120.0


class BuildError(RuntimeError):
    """The C compiler is missing or rejected the source; the message holds its output."""


def source() -> bytes:
    """The bytes of ``primes.c``."""
    return importlib.resources.files(__package__ or "open_examples.native").joinpath(SOURCE_NAME).read_bytes()


def compiler() -> list[str]:
    """The compiler's command line: ``$CC`` split like a shell would, or ``["cc"]``."""
    return shlex.split(os.environ.get(CC_ENV, "")) or ["cc"]


def binary_path() -> Path:
    """Where the program for the current source and flags is (or will be) built."""
    digest = hashlib.sha256(source() + "\0".join(CFLAGS).encode()).hexdigest()[:12]
    return locations.build_dir() / f"primes-{digest}"


def ensure_built() -> tuple[Path, bool]:
    """Compile the program unless it is there already; return ``(path, compiled_now)``.

    Raises:
        BuildError: the compiler cannot be run, fails or times out (with its output).
    """
    target = binary_path()
    if target.is_file() and os.access(target, os.X_OK):
        return target, False
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent, prefix=".build-") as work:
        src = Path(work, SOURCE_NAME)
        src.write_bytes(source())
        out = Path(work, "primes")
        argv = [*compiler(), *CFLAGS, "-o", str(out), str(src)]
        try:
            done = subprocess.run(  # noqa: S603 - runs the compiler $CC names, without a shell
                argv, capture_output=True, text=True, timeout=COMPILE_TIMEOUT_S, check=False
            )
        except FileNotFoundError:
            raise BuildError(
                f"cannot compile {SOURCE_NAME}: no C compiler {argv[0]!r} on PATH (set ${CC_ENV})"
            ) from None
        except subprocess.TimeoutExpired:
            raise BuildError(f"compiling {SOURCE_NAME} took more than {COMPILE_TIMEOUT_S:g} s") from None
        if done.returncode != 0:
            raise BuildError(
                f"{shlex.join(argv)} exited with status {done.returncode}:\n{done.stderr.strip()}"
            )
        out.replace(target)
    return target, True


@task
def build() -> dict[str, Any]:
    """Compile ``primes.c`` on the machine running the node, if not done already.

    Returns:
        ``{"binary": str, "compiled": bool, "seconds": float, "compiler": str}``.

    Raises:
        BuildError: see :func:`ensure_built`.
    """
    t0 = time.perf_counter()
    path, compiled = ensure_built()
    return {
        "binary": str(path),
        "compiled": compiled,
        "seconds": time.perf_counter() - t0,
        "compiler": shlex.join([*compiler(), *CFLAGS]),
    }
