"""The Terraform module and its example environment: every file parses as HCL2 (python-hcl2);
every `var.`, `local.` and `module.` reference is declared; every module input is a variable of
the module and every required one is given; every argument and nested block of a provider,
resource or data source is one its provider documents (as an argument or as a block, whichever
the provider's schema says), and every attribute read from one exists; formatting matches
`terraform fmt` / `tofu fmt` wherever one of them is installed. (`terraform validate` needs the
providers downloaded from a registry, which this machine cannot reach; the allow-lists below
stand in for the providers' schemas.)"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import hcl2
import pytest

ROOT = Path(__file__).resolve().parents[2]
TERRAFORM = ROOT / "terraform"
CONFIGURATIONS = [TERRAFORM / "modules" / "open", TERRAFORM / "examples" / "self-hosted"]
#: Arguments of a module block that are not inputs of the module.
META_ARGUMENTS = {"source", "version", "providers", "depends_on", "count", "for_each", "__is_block__"}


def unquote(name: str) -> str:
    return name.strip('"')


def parse(directory: Path) -> dict[str, list[dict[str, Any]]]:
    """Every top-level block of the directory's .tf files, by block type."""
    merged: dict[str, list[dict[str, Any]]] = {}
    for path in sorted(directory.glob("*.tf")):
        with path.open(encoding="utf-8") as handle:
            for block_type, blocks in hcl2.load(handle).items():
                merged.setdefault(block_type, []).extend(blocks)
    return merged


def names(blocks: list[dict[str, Any]]) -> set[str]:
    return {unquote(name) for block in blocks for name in block}


def source_text(directory: Path) -> str:
    return "\n".join(path.read_text(encoding="utf-8") for path in sorted(directory.glob("*.tf")))


@pytest.mark.parametrize("directory", CONFIGURATIONS, ids=lambda p: p.name)
def test_every_reference_is_declared(directory: Path) -> None:
    parsed = parse(directory)
    text = source_text(directory)
    variables = names(parsed.get("variable", []))
    locals_ = {
        unquote(name) for block in parsed.get("locals", []) for name in block if name != "__is_block__"
    }
    modules = names(parsed.get("module", []))
    assert set(re.findall(r"\bvar\.([A-Za-z_][\w-]*)", text)) - variables == set()
    assert set(re.findall(r"\blocal\.([A-Za-z_][\w-]*)", text)) - locals_ == set()
    assert set(re.findall(r"\bmodule\.([A-Za-z_][\w-]*)", text)) - modules == set()
    for block in parsed.get("variable", []):
        for name, body in block.items():
            assert unquote(body.get("description", "")), f"variable {unquote(name)} has no description"
    for block in parsed.get("output", []):
        for name, body in block.items():
            assert unquote(body.get("description", "")), f"output {unquote(name)} has no description"


def test_every_module_input_exists_and_every_required_one_is_given() -> None:
    for directory in CONFIGURATIONS:
        for block in parse(directory).get("module", []):
            for name, body in block.items():
                module_dir = (directory / unquote(body["source"])).resolve()
                assert module_dir.is_dir(), f"module {unquote(name)}: no folder {module_dir}"
                module = parse(module_dir)
                declared = {
                    unquote(var): spec
                    for var_block in module.get("variable", [])
                    for var, spec in var_block.items()
                }
                given = set(body) - META_ARGUMENTS
                assert given - set(declared) == set(), f"module {unquote(name)}: unknown inputs"
                required = {var for var, spec in declared.items() if "default" not in spec}
                assert required - given == set(), f"module {unquote(name)}: required inputs missing"
                outputs = names(module.get("output", []))
                used = set(re.findall(rf"\bmodule\.{unquote(name)}\.(\w+)", source_text(directory)))
                assert used - outputs == set(), f"module {unquote(name)}: unknown outputs"


def test_the_module_deploys_an_overlay_that_exists() -> None:
    variables = {
        unquote(var): spec for block in parse(CONFIGURATIONS[0])["variable"] for var, spec in block.items()
    }
    assert "staging" in variables["environment"]["validation"][0]["condition"]
    for overlay in ("staging", "production"):
        assert (ROOT / "infra" / "k8s" / "overlays" / overlay / "kustomization.yaml").is_file()


def test_the_checks_catch_an_undeclared_variable(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text('output "x" {\n  description = "x"\n  value = var.missing\n}\n')
    with pytest.raises(AssertionError):
        test_every_reference_is_declared(tmp_path)


def test_the_files_are_formatted() -> None:
    tool = shutil.which("tofu") or shutil.which("terraform")
    files = sorted(TERRAFORM.rglob("*.tf"))
    assert files
    if tool is None:
        # Without either tool, hold the files to the two rules of `fmt` that text can show.
        for path in files:
            text = path.read_text(encoding="utf-8")
            assert "\t" not in text, f"{path}: tabs"
            assert text.endswith("\n") and not text.endswith("\n\n"), f"{path}: trailing lines"
        return
    result = subprocess.run(
        [tool, "fmt", "-check", "-recursive", "-diff", str(TERRAFORM)],
        capture_output=True,
        text=True,
        check=False,
        env=os.environ | {"TF_CLI_CONFIG_FILE": os.devnull, "CHECKPOINT_DISABLE": "1"},
    )
    assert result.returncode == 0, result.stdout + result.stderr


@dataclass(frozen=True)
class Schema:
    """What a provider documents for one block: arguments (`name = value`), nested blocks
    (`name { ... }`) and read-only attributes (readable, never set)."""

    arguments: frozenset[str]
    blocks: Mapping[str, Schema] = field(default_factory=dict)
    read_only: frozenset[str] = frozenset()


def schema(arguments: str, blocks: Mapping[str, Schema] | None = None, read_only: str = "") -> Schema:
    return Schema(frozenset(arguments.split()), blocks or {}, frozenset(read_only.split()))


_GENERATOR_OPTIONS = schema("labels annotations disable_name_suffix_hash")
_EXEC = schema("api_version command args env")

#: The documented arguments of every provider, resource and data source the configurations use,
#: by (block type, type name).
PROVIDER_SCHEMAS: dict[tuple[str, str], Schema] = {
    # hashicorp/terraform-provider-kubernetes docs/index.md ("Argument Reference", v2.x line,
    # commit 1e9b0d0d0e8a8a7b8e01cc26913bf0f78658b92b).
    ("provider", "kubernetes"): schema(
        "host username password insecure tls_server_name client_certificate client_key"
        " cluster_ca_certificate config_path config_paths config_context"
        " config_context_auth_info config_context_cluster token proxy_url"
        " ignore_annotations ignore_labels",
        {"exec": _EXEC},
    ),
    # hashicorp/terraform-provider-kubernetes docs/resources/secret_v1.md
    # (commit 2b6093a3c2b2057e5c74023421a7306da2c62dab).
    ("resource", "kubernetes_secret_v1"): schema(
        "data binary_data type immutable wait_for_service_account_token",
        {
            "metadata": schema(
                "annotations generate_name labels name namespace",
                read_only="generation resource_version uid",
            ),
            "timeouts": schema("create"),
        },
        read_only="id",
    ),
    # kbst/terraform-provider-kustomization docs/index.md, v0.9.0 (commit
    # f714b19957ea5ed18e163dcf0846d2f27bbe3b55); legacy_id_format was removed in 0.9.0.
    ("provider", "kustomization"): schema(
        "kubeconfig_path kubeconfig_raw kubeconfig_incluster context gzip_last_applied_config",
        {"exec": _EXEC},
    ),
    # kbst/terraform-provider-kustomization docs/resources/resource.md (commit
    # 44c70831579fd6505dad1e2cc35c34696388a5fe): manifest, wait, timeouts.
    ("resource", "kustomization_resource"): schema(
        "manifest wait", {"timeouts": schema("create update delete")}, read_only="id"
    ),
    # kbst/terraform-provider-kustomization kustomize/data_source_kustomization_overlay_schemata.go,
    # dataSourceKustomizationOverlaySchemaV1 (commit 145c820c48e2eec04a906ce978b63dc37732813c):
    # the schema since v0.8.0 (plugin SDK v2). It made `target`, `obj_ref`, `field_ref` and
    # `kustomize_options` blocks; docs/data-sources/overlay.md still shows them as maps
    # (`target = {...}`), which 0.8.0 and later reject (kbst/terraform-provider-kustomization#184).
    ("data", "kustomization_overlay"): schema(
        "common_annotations common_labels components crds generators name_prefix namespace"
        " name_suffix resources transformers",
        {
            "config_map_generator": schema(
                "name namespace behavior envs files literals", {"options": _GENERATOR_OPTIONS}
            ),
            "secret_generator": schema(
                "name namespace behavior type envs files literals", {"options": _GENERATOR_OPTIONS}
            ),
            "generator_options": _GENERATOR_OPTIONS,
            "images": schema("name new_name new_tag digest"),
            "patches": schema(
                "path patch",
                {
                    "target": schema("group version kind name namespace label_selector annotation_selector"),
                    "options": schema("allow_kind_change allow_name_change"),
                },
            ),
            "replicas": schema("name count"),
            "helm_globals": schema("chart_home config_home"),
            "helm_charts": schema(
                "name version repo release_name namespace include_crds values_merge values_file values_inline"
            ),
            "vars": schema(
                "name",
                {
                    "obj_ref": schema("api_version group version kind name namespace"),
                    "field_ref": schema("field_path"),
                },
            ),
            "kustomize_options": schema("load_restrictor enable_helm helm_path"),
        },
        read_only="id ids ids_prio manifests",
    ),
    # hashicorp/terraform-provider-random docs/resources/password.md, v3.x (commit
    # f1c7ffa14a0c473fd46f2fece8343ed975593d22).
    ("resource", "random_password"): schema(
        "length keepers lower min_lower min_numeric min_special min_upper number numeric"
        " override_special special upper",
        read_only="bcrypt_hash id result",
    ),
}
#: Terraform's own arguments and blocks (meta-arguments), valid in every block of the kind.
_CHECK = schema("condition error_message")
_LIFECYCLE = schema(
    "create_before_destroy prevent_destroy ignore_changes replace_triggered_by",
    {"precondition": _CHECK, "postcondition": _CHECK},
)
META = {
    "provider": schema("alias version"),
    "resource": schema("count for_each depends_on provider", {"lifecycle": _LIFECYCLE}),
    "data": schema("count for_each depends_on provider", {"lifecycle": _LIFECYCLE}),
}
DYNAMIC_ARGUMENTS = {"for_each", "iterator", "labels", "content", "__is_block__"}


def is_block(value: Any) -> bool:
    """Whether python-hcl2 parsed the value from `name { ... }` rather than `name = ...`."""
    return (
        isinstance(value, list)
        and bool(value)
        and all(isinstance(item, dict) and item.get("__is_block__") for item in value)
    )


def argument_errors(body: dict[str, Any], spec: Schema, where: str) -> list[str]:
    """Every argument or block of `body` that `spec` does not document, or documents in the
    other form (a block written as `name = {...}`, or an argument written as a block)."""
    errors: list[str] = []
    for name, value in body.items():
        if name == "__is_block__":
            continue
        if name == "dynamic":
            for dynamic in value:
                for label, dynamic_body in dynamic.items():
                    block = unquote(label)
                    if block not in spec.blocks:
                        errors.append(f"{where}: dynamic {block!r} is not a documented block")
                        continue
                    unknown = set(dynamic_body) - DYNAMIC_ARGUMENTS
                    errors += [f"{where}.dynamic.{block}: unknown {key!r}" for key in sorted(unknown)]
                    for content in dynamic_body.get("content", []):
                        errors += argument_errors(content, spec.blocks[block], f"{where}.{block}")
        elif name in spec.blocks:
            if not is_block(value):
                errors.append(f"{where}.{name} is a block: write `{name} {{ ... }}`, not `{name} = ...`")
                continue
            for item in value:
                errors += argument_errors(item, spec.blocks[name], f"{where}.{name}")
        elif name in spec.arguments:
            if is_block(value):
                errors.append(f"{where}.{name} is an argument: write `{name} = ...`, not a block")
        else:
            errors.append(f"{where}.{name} is not a documented argument or block")
    return errors


def provider_blocks(directory: Path) -> list[tuple[str, str, str, dict[str, Any]]]:
    """(block type, type name, name, body) of every provider, resource and data block."""
    found: list[tuple[str, str, str, dict[str, Any]]] = []
    parsed = parse(directory)
    for block in parsed.get("provider", []):
        found += [("provider", unquote(kind), "", body) for kind, body in block.items()]
    for block_type in ("resource", "data"):
        for block in parsed.get(block_type, []):
            for kind, named in block.items():
                found += [(block_type, unquote(kind), unquote(n), body) for n, body in named.items()]
    return found


def argument_errors_of(directory: Path) -> list[str]:
    errors: list[str] = []
    for block_type, kind, name, body in provider_blocks(directory):
        spec = PROVIDER_SCHEMAS.get((block_type, kind))
        if spec is None:
            errors.append(f"{block_type} {kind}: no documented schema in PROVIDER_SCHEMAS")
            continue
        meta = META[block_type]
        merged = Schema(spec.arguments | meta.arguments, {**spec.blocks, **meta.blocks}, spec.read_only)
        errors += argument_errors(body, merged, f"{block_type}.{kind}.{name}".rstrip("."))
    return errors


@pytest.mark.parametrize("directory", CONFIGURATIONS, ids=lambda p: p.name)
def test_every_argument_and_block_is_documented_by_its_provider(directory: Path) -> None:
    assert provider_blocks(directory), f"{directory}: no provider, resource or data block"
    assert argument_errors_of(directory) == []


@pytest.mark.parametrize("directory", CONFIGURATIONS, ids=lambda p: p.name)
def test_every_provider_used_is_required(directory: Path) -> None:
    required = {
        unquote(name)
        for block in parse(directory).get("terraform", [])
        for providers in block.get("required_providers", [])
        for name in providers
        if name != "__is_block__"
    }
    used = {kind.split("_")[0] for _, kind, _, _ in provider_blocks(directory)}
    assert used - required == set()


@pytest.mark.parametrize("directory", CONFIGURATIONS, ids=lambda p: p.name)
def test_every_attribute_read_from_a_resource_is_documented(directory: Path) -> None:
    reference = re.compile(r"(?<![\w.])(data\.)?([a-z][a-z0-9_]*)\.([\w-]+)\.(\w+)(?:\[\d+\]\.(\w+))?")
    checked = 0
    for data, kind, _, attribute, nested in reference.findall(source_text(directory)):
        spec = PROVIDER_SCHEMAS.get(("data" if data else "resource", kind))
        if spec is None:
            continue
        checked += 1
        readable = spec.arguments | set(spec.blocks) | spec.read_only
        assert attribute in readable, f"{data}{kind}: no attribute {attribute!r}"
        if nested and attribute in spec.blocks:
            block = spec.blocks[attribute]
            assert nested in block.arguments | block.read_only, f"{kind}.{attribute}: no {nested!r}"
    if directory == CONFIGURATIONS[0]:
        assert checked, "the module reads no resource attribute: the pattern is broken"


def test_the_argument_check_catches_a_map_for_a_block_and_an_unknown_argument(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(
        'data "kustomization_overlay" "x" {\n'
        '  patches {\n    target = { kind = "Ingress" }\n    patch  = "[]"\n  }\n'
        '  kustomize_options = { load_restrictor = "none" }\n'
        "}\n"
        'resource "random_password" "x" {\n  length = 8\n  size   = 3\n}\n'
        'resource "kubernetes_secret_v1" "x" {\n  metadata {\n    title = "x"\n  }\n}\n'
    )
    errors = argument_errors_of(tmp_path)
    assert any("patches.target is a block" in error for error in errors)
    assert any("kustomize_options is a block" in error for error in errors)
    assert any("random_password.x.size is not" in error for error in errors)
    assert any("metadata.title is not" in error for error in errors)
    assert len(errors) == 4
