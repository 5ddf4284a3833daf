"""docker-compose.yml: valid against the compose specification (and `docker compose config`
where the compose plugin is installed), and consistent: every file it mounts or builds from
exists, the migration gates the platform, healthchecks are declared."""

from __future__ import annotations

import importlib.resources
import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]

COMPOSE_FILE = ROOT / "docker-compose.yml"
ENV = {"OPEN_SECRET_KEY": "x" * 48}


def compose_schema() -> dict[str, Any]:
    """The compose-spec JSON schema vendored by check-jsonschema (the one docker compose uses)."""
    files = importlib.resources.files("check_jsonschema.builtin_schemas.vendor")
    schema: dict[str, Any] = json.loads((files / "compose-spec.json").read_text(encoding="utf-8"))
    return schema


def compose_plugin_available() -> bool:
    if shutil.which("docker") is None:
        return False
    probe = subprocess.run(["docker", "compose", "version"], capture_output=True, text=True, check=False)
    return probe.returncode == 0


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(COMPOSE_FILE.read_text(encoding="utf-8"))
    return loaded


def test_the_compose_file_is_valid_against_the_compose_specification(compose: dict[str, Any]) -> None:
    errors = [
        f"{'/'.join(map(str, error.absolute_path))}: {error.message}"
        for error in jsonschema.Draft202012Validator(compose_schema()).iter_errors(compose)
    ]
    assert errors == []
    if compose_plugin_available():  # the real thing too, where it is installed
        result = subprocess.run(
            ["docker", "compose", "-f", str(COMPOSE_FILE), "config", "--quiet"],
            capture_output=True,
            text=True,
            env=os.environ | ENV,
            check=False,
        )
        assert result.returncode == 0, result.stderr


def test_the_schema_check_rejects_a_broken_service(compose: dict[str, Any]) -> None:
    broken = dict(compose, services=dict(compose["services"]))
    broken["services"]["gateway"] = dict(
        compose["services"]["gateway"], depends_on={"migrate": {"condition": "done"}}
    )
    validator = jsonschema.Draft202012Validator(compose_schema())
    assert not validator.is_valid(broken)


def test_the_stack_has_every_service_of_a_self_hosted_open(compose: dict[str, Any]) -> None:
    assert set(compose["services"]) == {
        "postgres",
        "redis",
        "migrate",
        "gateway",
        "worker",
        "spa",
        "otel-collector",
        "prometheus",
        "grafana",
        "loki",
    }


def test_the_gateway_and_workers_start_only_after_a_successful_migration(compose: dict[str, Any]) -> None:
    services = compose["services"]
    assert services["migrate"]["command"] == ["migrate"]
    assert services["migrate"]["restart"] == "no"
    for name in ("gateway", "worker"):
        assert services[name]["depends_on"]["migrate"] == {"condition": "service_completed_successfully"}
    assert services["gateway"]["command"][0] == "server"
    assert services["worker"]["command"] == ["worker"]
    # one image for the three platform services
    assert {services[n]["image"] for n in ("migrate", "gateway", "worker")} == {
        "open-platform:${OPEN_IMAGE_TAG:-local}"
    }


def test_workers_can_be_scaled(compose: dict[str, Any]) -> None:
    worker = compose["services"]["worker"]
    assert "container_name" not in worker
    assert "ports" not in worker


def test_long_running_services_declare_healthchecks(compose: dict[str, Any]) -> None:
    without_check = {"migrate", "worker", "otel-collector"}  # one-shot, no HTTP, distroless image
    for name, service in compose["services"].items():
        if name not in without_check:
            assert "test" in service["healthcheck"], name


def test_every_mounted_file_and_build_file_exists(compose: dict[str, Any]) -> None:
    for name, service in compose["services"].items():
        for volume in service.get("volumes", []):
            source = volume.split(":", 1)[0]
            if source.startswith("./"):
                if source == "./backups":
                    continue  # made by the first dump
                assert (ROOT / source).exists(), f"{name} mounts missing {source}"
        build = service.get("build")
        if build is not None:
            assert (ROOT / build["context"] / build["dockerfile"]).is_file(), name


def test_prometheus_scrapes_the_platform_and_loads_the_rules() -> None:
    config = yaml.safe_load((ROOT / "infra/prometheus/prometheus.yml").read_text(encoding="utf-8"))
    jobs = {job["job_name"]: job for job in config["scrape_configs"]}
    assert jobs["open-gateway"]["static_configs"][0]["targets"] == ["gateway:8000"]
    assert jobs["open-worker"]["dns_sd_configs"][0]["names"] == ["worker"]
    assert config["rule_files"] == ["/etc/prometheus/rules/*.yml"]


def test_the_collector_pipelines_use_only_declared_components() -> None:
    config = yaml.safe_load((ROOT / "infra/otel/collector.yaml").read_text(encoding="utf-8"))
    for signal, pipeline in config["service"]["pipelines"].items():
        for kind in ("receivers", "processors", "exporters"):
            for component in pipeline.get(kind, []):
                assert component in config[kind], f"{signal}: {kind[:-1]} {component} is not declared"
    assert "otlp" in config["service"]["pipelines"]["traces"]["receivers"]
