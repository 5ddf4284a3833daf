"""Facts about the machine and the code a benchmark run measured, for the report header."""

from __future__ import annotations

import os
import platform
import subprocess
from pathlib import Path

import core_engine
from benchmarks.isolate import ROOT


def cpu_model() -> str:
    """The CPU model name from ``/proc/cpuinfo`` (Linux), else what ``platform`` knows."""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text(encoding="utf-8", errors="replace").splitlines():
            key, _, value = line.partition(":")
            if key.strip() == "model name" and value.strip():
                return value.strip()
    return platform.processor() or platform.machine() or "unknown"


def memory_total() -> str:
    """Total RAM as ``"23.4 GiB"`` from ``/proc/meminfo`` (Linux), else ``"unknown"``."""
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        for line in meminfo.read_text(encoding="utf-8").splitlines():
            if line.startswith("MemTotal:"):
                kib = int(line.split()[1])
                return f"{kib / 1024**2:.1f} GiB"
    return "unknown"


def git_revision() -> str:
    """Short commit of the checkout, with ``+ local changes`` when the tree is dirty (read-only)."""
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain"], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return f"{head} + local changes" if dirty else head


def facts() -> dict[str, str]:
    """CPU model, cores, memory, OS, Python, core_engine version and load, in display order."""
    return {
        "CPU": cpu_model(),
        "Cores": str(os.cpu_count() or "unknown"),
        "Memory": memory_total(),
        "OS": platform.platform(),
        "Python": f"{platform.python_implementation()} {platform.python_version()}",
        "core_engine": f"{core_engine.__version__} (commit {git_revision()})",
        "Load average at start (1/5/15 min)": load_average(),
    }


def load_average() -> str:
    """The system load averages, ``"0.69 / 0.57 / 0.28"``: other work skews timings."""
    try:
        one, five, fifteen = os.getloadavg()
    except OSError:
        return "unknown"
    return f"{one:.2f} / {five:.2f} / {fifteen:.2f}"
