"""The Kubernetes overlays: each renders with kustomize (`kustomize build`, or the one built into
kubectl), and every manifest it gives is valid against the Kubernetes schemas
(kubernetes-validate, strict: unknown fields are errors); the pieces OPEN needs are there."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
OVERLAYS = ROOT / "infra" / "k8s" / "overlays"
#: The Kubernetes release the manifests are checked against (kubernetes-validate ships its schemas).
KUBERNETES_VERSION = "1.33"


def kustomize_command() -> list[str]:
    """`kustomize build` when installed, else `kubectl kustomize` (kustomize is built into kubectl)."""
    if shutil.which("kustomize"):
        return ["kustomize", "build"]
    if shutil.which("kubectl"):
        return ["kubectl", "kustomize"]
    raise AssertionError(
        "rendering the overlays needs kustomize or kubectl on PATH "
        "(Debian: apt-get install kubernetes-client; or a kustomize release binary)"
    )


def render(path: Path) -> list[dict[str, Any]]:
    result = subprocess.run([*kustomize_command(), str(path)], capture_output=True, text=True, check=False)
    assert result.returncode == 0, f"kustomize failed on {path}: {result.stderr}"
    return [doc for doc in yaml.safe_load_all(result.stdout) if doc]


@pytest.fixture(scope="module", params=["staging", "production"])
def rendered(request: pytest.FixtureRequest) -> tuple[str, list[dict[str, Any]]]:
    return request.param, render(OVERLAYS / request.param)


def by_kind(docs: list[dict[str, Any]], kind: str) -> dict[str, dict[str, Any]]:
    return {doc["metadata"]["name"]: doc for doc in docs if doc["kind"] == kind}


def test_every_manifest_is_valid_against_the_kubernetes_schemas(
    rendered: tuple[str, list[dict[str, Any]]],
) -> None:
    _, docs = rendered
    problems = []
    for doc in docs:
        try:
            kubernetes_validate.validate(doc, KUBERNETES_VERSION, strict=True)
        except kubernetes_validate.ValidationError as error:
            problems.append(f"{doc['kind']}/{doc['metadata']['name']}: {error.message}")
    assert problems == []


def test_the_validator_rejects_an_unknown_field() -> None:
    service = {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": "x"},
        "spec": {"ports": [{"port": 80}], "selectr": {}},
    }
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(service, KUBERNETES_VERSION, strict=True)


def test_each_overlay_has_its_own_namespace_for_every_namespaced_object(
    rendered: tuple[str, list[dict[str, Any]]],
) -> None:
    name, docs = rendered
    expected = {"staging": "open-staging", "production": "open"}[name]
    assert set(by_kind(docs, "Namespace")) == {expected}
    assert {doc["metadata"].get("namespace") for doc in docs if doc["kind"] != "Namespace"} == {expected}


def test_the_platform_deployments_probe_health_and_set_resources(
    rendered: tuple[str, list[dict[str, Any]]],
) -> None:
    _, docs = rendered
    deployments = by_kind(docs, "Deployment")
    assert set(deployments) == {"open-gateway", "open-worker", "open-spa"}
    gateway = deployments["open-gateway"]["spec"]["template"]["spec"]["containers"][0]
    assert gateway["livenessProbe"]["httpGet"]["path"] == "/healthz"
    assert gateway["readinessProbe"]["httpGet"]["path"] == "/readyz"
    assert gateway["args"][0] == "server"
    worker = deployments["open-worker"]["spec"]["template"]["spec"]["containers"][0]
    assert worker["args"] == ["worker"]
    for deployment in deployments.values():
        pod = deployment["spec"]["template"]["spec"]
        assert pod["securityContext"]["runAsNonRoot"] is True
        for container in pod["containers"]:
            assert {"cpu", "memory"} <= set(container["resources"]["requests"])
            assert {"cpu", "memory"} <= set(container["resources"]["limits"])
            assert "livenessProbe" in container and "readinessProbe" in container
            assert ":" in container["image"], "the overlay pins the image tag"


def test_the_platform_reads_its_settings_from_the_configmap_and_the_secret(
    rendered: tuple[str, list[dict[str, Any]]],
) -> None:
    _, docs = rendered
    config_maps = by_kind(docs, "ConfigMap")
    for workload in [*by_kind(docs, "Deployment").values(), *by_kind(docs, "Job").values()]:
        pod = workload["spec"]["template"]["spec"]
        for container in pod["containers"]:
            if container["name"] == "spa":
                continue
            sources = container["envFrom"]
            assert {"secretRef": {"name": "open-secrets"}} in sources
            (config_name,) = [s["configMapRef"]["name"] for s in sources if "configMapRef" in s]
            assert config_name in config_maps, "the generated ConfigMap name (with its hash) is referenced"
            assert config_maps[config_name]["data"]["OPEN_ENV"] == "production"


def test_the_migration_runs_as_a_job(rendered: tuple[str, list[dict[str, Any]]]) -> None:
    _, docs = rendered
    job = by_kind(docs, "Job")["open-migrate"]
    assert job["spec"]["template"]["spec"]["containers"][0]["args"] == ["migrate"]


def test_workers_autoscale_and_disruptions_are_budgeted(rendered: tuple[str, list[dict[str, Any]]]) -> None:
    name, docs = rendered
    hpa = by_kind(docs, "HorizontalPodAutoscaler")["open-worker"]
    assert hpa["spec"]["scaleTargetRef"]["name"] == "open-worker"
    kinds = [metric["type"] for metric in hpa["spec"]["metrics"]]
    assert kinds == (["Resource", "External"] if name == "production" else ["Resource"])
    assert set(by_kind(docs, "PodDisruptionBudget")) == {"open-gateway", "open-worker", "open-spa"}


def test_ingress_routes_the_api_to_the_gateway_and_the_rest_to_the_web_app(
    rendered: tuple[str, list[dict[str, Any]]],
) -> None:
    name, docs = rendered
    (ingress,) = by_kind(docs, "Ingress").values()
    rule = ingress["spec"]["rules"][0]
    assert rule["host"] == {"staging": "open.staging.example.com", "production": "open.example.com"}[name]
    routes = {path["path"]: path["backend"]["service"]["name"] for path in rule["http"]["paths"]}
    assert routes == {"/graphql": "open-gateway", "/auth": "open-gateway", "/": "open-spa"}


def test_network_policies_deny_ingress_by_default(rendered: tuple[str, list[dict[str, Any]]]) -> None:
    _, docs = rendered
    policies = by_kind(docs, "NetworkPolicy")
    deny = policies["open-default-deny-ingress"]["spec"]
    assert deny["policyTypes"] == ["Ingress"] and "ingress" not in deny
    assert {"open-gateway-ingress", "open-spa-ingress", "open-worker-metrics"} <= set(policies)


def test_the_alert_rules_and_dashboard_ship_as_configmaps(rendered: tuple[str, list[dict[str, Any]]]) -> None:
    _, docs = rendered
    config_maps = by_kind(docs, "ConfigMap")
    rules = config_maps["open-prometheus-rules"]["data"]["open.rules.yml"]
    assert rules == (ROOT / "infra/prometheus/rules/open.rules.yml").read_text(encoding="utf-8")
    dashboard = config_maps["open-grafana-dashboard"]
    assert dashboard["metadata"]["labels"]["grafana_dashboard"] == "1"
    assert dashboard["data"]["open.json"] == (ROOT / "infra/grafana/dashboards/open.json").read_text(
        encoding="utf-8"
    )
