"""The four examples deployed to a real OPEN server and run there through the SDK.

A real ``openctl server`` process (embedded SQLite in a temporary folder, in-process executor,
``OPEN_ALLOWED_CALLABLE_MODULES=open_examples``); the examples are pushed with
``open_sdk.Client.deploy`` and executed with small parameters; results are checked against
what the examples promise (makespan >= critical path, the C and Python counts agree, the
grid's best score is the maximum).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from open_examples import ml_search, native_primes, wfcommons, wine_pipeline
from open_sdk import Client, ExecutionStatus

OPENCTL = Path(sys.executable).with_name("openctl")
PASSWORD = "examples-on-the-platform"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Client]:
    """An SDK client signed in on a fresh ``openctl server`` that may run ``open_examples``."""
    folder = tmp_path_factory.mktemp("platform")
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPEN_", "DATABASE_URL", "REDIS_URL"))}
    env |= {
        "OPEN_DATA_DIR": str(folder / "data"),
        "OPEN_ALLOWED_CALLABLE_MODULES": "open_examples",
        "OPEN_ARTIFACT_DIR": str(folder / "artifacts"),
        "OPEN_EXAMPLES_BUILD_DIR": str(folder / "build"),
    }
    server = subprocess.Popen(
        [str(OPENCTL), "server", "--port", str(port), "--log-level", "warning"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert server.poll() is None, (
                f"the server exited: {server.stderr.read() if server.stderr else ''}"
            )
            try:
                if httpx.get(f"{url}/readyz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, "the server did not get ready within 60 s"
            time.sleep(0.1)
        signed_up = httpx.post(
            f"{url}/graphql",
            json={
                "query": "mutation($i: SignUpInput!) { signUp(input: $i) { accessToken } }",
                "variables": {
                    "i": {"email": "examples@example.com", "password": PASSWORD, "name": "Examples"}
                },
            },
            timeout=30,
        ).json()
        with Client(url, token=signed_up["data"]["signUp"]["accessToken"]) as sdk:
            yield sdk
    finally:
        server.terminate()
        server.wait(30)
        if server.stderr is not None:
            server.stderr.close()


def run(client: Client, dag: object, **params: object) -> dict[str, object]:
    deployed = client.deploy(dag, activate=True)  # type: ignore[arg-type]
    execution = client.execute(deployed.dag.name, params=params)
    ended = client.wait(execution.id, timeout=180)
    assert ended.status is ExecutionStatus.SUCCEEDED, [(n.node_id, n.error) for n in ended.nodes if n.error]
    return ended.results


def test_the_wfcommons_replay_reports_makespans_no_shorter_than_critical_paths(client: Client) -> None:
    results = run(
        client,
        wfcommons.dag,
        names=["helloworld-forkjoin-10-chameleon", "epigenomics-chameleon-hep-1seq-100k-001"],
        critical_path_seconds=0.5,
    )
    summary, measurements = results["summarize"], results["replay"]
    assert isinstance(summary, dict) and isinstance(measurements, list)
    assert summary["instances"] == len(measurements) == 2
    assert summary["within_bound"] is True
    for m in measurements:  # each replay ran the whole instance, no faster than its critical path
        assert m["critical_path"] == pytest.approx(0.5, rel=1e-6)
        assert m["makespan"] >= m["critical_path"] - 1e-3
        assert m["ratio"] == pytest.approx(m["makespan"] / m["critical_path"])
    assert summary["worst_ratio"] == pytest.approx(max(m["ratio"] for m in measurements))


def test_the_wine_pipeline_writes_its_report(client: Client) -> None:
    results = run(client, wine_pipeline.dag)
    report = results["report"]
    assert isinstance(report, dict)
    text = Path(str(report["report"])).read_text()
    assert report["summary"]["rows"] == 178  # type: ignore[index]
    assert "class_0" in text


def test_the_native_worker_agrees_with_its_python_baseline(client: Client) -> None:
    results = run(client, native_primes.dag, limit=200_000, chunks=4)
    compared = results["compare"]
    assert isinstance(compared, dict)
    assert compared["equal"] is True
    assert compared["count"] == 17_984  # primes below 200,000 (pi(2e5), a published value)


def test_the_grid_search_picks_the_best_point(client: Client) -> None:
    results = run(client, ml_search.dag)
    best = results["pick_best"]
    assert isinstance(best, dict), best
    scores = [row["mean"] for row in best["ranked"]]  # type: ignore[index]
    assert len(scores) == 12  # every grid point trained
    assert best["best"]["mean"] == max(scores) > 0.9  # type: ignore[index]
