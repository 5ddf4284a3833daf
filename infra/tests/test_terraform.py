"""The Terraform module and its example environment: every file parses as HCL2 (python-hcl2);
every `var.`, `local.` and `module.` reference is declared; every module input is a variable of
the module and every required one is given; formatting matches `terraform fmt` / `tofu fmt`
wherever one of them is installed. (`terraform validate` needs the providers downloaded from a
registry, which this machine cannot reach.)"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
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
