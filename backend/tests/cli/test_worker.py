"""``openctl worker`` as a real process: it refuses to start without Redis, and a worker on real
PostgreSQL and Redis takes jobs until SIGTERM, then drains and exits 0."""

from __future__ import annotations

import os
import signal
import subprocess
import time
import uuid

from redis import Redis

from ._processes import openctl, process_env

REDIS_URL = os.environ.get("OPEN_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def test_a_worker_without_redis_url_exits_2_with_one_line() -> None:
    done = subprocess.run(
        [openctl(), "worker"], env=process_env(), capture_output=True, timeout=60, check=False
    )
    assert done.returncode == 2
    assert done.stderr.decode().startswith("error: a worker needs REDIS_URL")


def test_a_worker_polls_its_queue_until_sigterm_then_exits_0(own_postgres_url: str) -> None:
    queue = f"open-test-cli:{uuid.uuid4().hex[:12]}"
    process = subprocess.Popen(
        [openctl(), "worker"],
        env=process_env(DATABASE_URL=own_postgres_url, REDIS_URL=REDIS_URL, OPEN_QUEUE_NAME=queue),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    redis = Redis.from_url(REDIS_URL)
    try:
        end = time.monotonic() + 60
        while not redis.keys(f"{queue}:health-check:*"):  # arq records its health as it polls
            assert process.poll() is None, process.communicate()[1].decode()
            assert time.monotonic() < end, "the worker never polled its queue"
            time.sleep(0.05)
    finally:
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=60)
        for key in redis.keys(f"{queue}*"):
            redis.delete(key)
        redis.close()
    assert process.returncode == 0, stderr.decode()
    assert " stopped" in stderr.decode()
