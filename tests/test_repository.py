"""The project's own hygiene: dependencies in step, notebooks stripped and thin."""

from __future__ import annotations

import ast
import re
import tomllib
from pathlib import Path

import nbformat
import pytest
import yaml

from safer_analysis.pipeline import notebooks
from safer_analysis.reports.registry import PRODUCTS

from .conftest import ROOT

#: The package's notebook templates and the repository project's copies of them.
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb")) + [
    notebooks.template_path(n) for n in notebooks.template_names()
]


def _name_and_spec(requirement: str) -> tuple[str, str]:
    match = re.match(r"^\s*([A-Za-z0-9_.\-]+)\s*(.*)$", requirement)
    assert match, requirement
    return match.group(1).lower().replace("_", "-"), match.group(2).replace(" ", "")


def test_environment_yml_lists_the_same_dependencies_as_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = dict(_name_and_spec(r) for r in project["dependencies"])
    for extra in ("lab", "dev"):  # the conda environment is the analyst's: everything, in one
        wanted.update(_name_and_spec(r) for r in project["optional-dependencies"][extra] if "[" not in r)
    wanted["python"] = project["requires-python"]
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    conda = dict(_name_and_spec(d) for d in env["dependencies"] if isinstance(d, str) and d != "pip")
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    conda.update(_name_and_spec(d) for d in pip if not d.startswith("-"))
    assert conda == wanted


def test_the_locks_pin_the_same_version_of_every_package_they_share():
    """The build's and the lab's locks are made against the development lock: one version each
    (for each set of platform markers, as a universal lock may pin another for a newer Python)."""
    pins = {}
    for lock in ("requirements.lock", "requirements-lab.lock", "requirements-dev.lock"):
        for line in (ROOT / lock).read_text().splitlines():
            match = re.match(r"^([A-Za-z0-9_.\-]+)==(\S+)(.*)$", line)
            if match:
                key = (match.group(1).lower(), match.group(3).strip())
                pins.setdefault(key, set()).add(match.group(2))
    assert {name: versions for name, versions in pins.items() if len(versions) > 1} == {}


def test_the_build_lock_holds_no_development_or_lab_tools():
    """A first `make build` installs what a build uses, not JupyterLab, the tests or the linters."""
    names = {
        re.match(r"^([A-Za-z0-9_.\-]+)==", line).group(1).lower()
        for line in (ROOT / "requirements.lock").read_text().splitlines()
        if re.match(r"^[A-Za-z0-9]", line)
    }
    assert names.isdisjoint({"jupyterlab", "pytest", "ruff", "playwright", "pre-commit", "uv", "itables"})
    assert {"pandas", "papermill", "nbconvert", "gptables", "pyarrow"} <= names


def _package_modules() -> dict[str, Path]:
    """Every module of the package by its dotted name (a package by its ``__init__``)."""
    out = {}
    for path in sorted((ROOT / "safer_analysis").rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        out[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return out


def _imports(path: Path, modules: dict[str, Path]) -> set[str]:
    """The package's modules that a module imports, anywhere in it (inside functions too)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            submodules = [f"{node.module}.{a.name}" for a in node.names if f"{node.module}.{a.name}" in modules]
            names = submodules + ([node.module] if len(submodules) < len(node.names) else [])
        else:
            continue
        found |= {n for n in names if n in modules}
    return found


def test_no_module_of_the_package_is_over_about_600_lines():
    """Modules of one purpose: a module grown past this is several modules in one."""
    long = {
        name: n
        for name, path in _package_modules().items()
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > 620
    }
    assert long == {}


def test_no_two_modules_of_the_package_import_each_other():
    modules = _package_modules()
    graph = {name: _imports(path, modules) - {name} for name, path in modules.items()}
    mutual = sorted((a, b) for a, targets in graph.items() for b in targets if a < b and a in graph.get(b, set()))
    assert mutual == []


def test_every_product_has_a_notebook():
    assert {p.stem for p in NOTEBOOKS} >= set(PRODUCTS)


def test_the_repository_notebooks_are_in_step_with_the_package():
    """The repository is a project like any other: its copies must match the shipped templates."""
    states = notebooks.compare_copies(ROOT / "notebooks")
    assert [s.notebook for s in states if s.state != "in step"] == [], (
        "edit safer_analysis/templates/notebooks/ and run `safer-analysis notebooks --update`"
    )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: str(p.relative_to(ROOT)))
def test_notebook_is_committed_without_outputs(path):
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, f"{path.name}: outputs"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: str(p.relative_to(ROOT)))
def test_notebook_is_thin(path):
    """A tagged parameters cell first, and no function or class definitions anywhere."""
    nb = nbformat.read(path, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert "parameters" in code[0].metadata.get("tags", []), f"{path.name}: first code cell"
    for cell in code:
        tree = ast.parse(cell.source)
        defs = [
            n
            for n in ast.walk(tree)
            if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda))
        ]
        assert not defs, f"{path.name}: define functions in safer_analysis, not in notebooks"


def test_readme_opens_with_the_build_and_test_commands():
    readme = (ROOT / "README.md").read_text()
    blocks = re.findall(r"```(?:sh|bash|console)?\n(.*?)```", readme, flags=re.S)
    assert "make build" in blocks[0] and "make test" in blocks[0]
    ci = (ROOT / ".ci" / "run").read_text()
    assert "make test" in ci
