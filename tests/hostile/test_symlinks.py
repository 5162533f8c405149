"""Item 3: only the repository is read. A symbolic link in a data folder or
in docs/ is refused by name, without being followed: the secret it points
to is never printed nor published, and neither is the link's target."""

from __future__ import annotations

import os

import pytest
from conftest import SEGRETO, Scratch

CASES = {
    "plan": "plan/2022.yml",
    "measurements": "measurements/2021-09-30.yml",
    "premi": "premi/2021.yml",
    "docs": "docs/segreto.md",
    "docs-folder": "docs/guida/altro",
    "overrides": "overrides/segreto.html",
    "relazione": "relazione/2021/contesto.md",
    "relazione-folder": "relazione/2021",
}


def _refused(scratch: Scratch, rel: str, command: str) -> None:
    result = scratch.run(command)
    assert result.rc == 1, result.text
    assert f"«{rel}» è un collegamento simbolico: si leggono solo file e cartelle del repository" in result.text
    assert SEGRETO not in result.text
    assert str(scratch.segreto.parent) not in result.text  # the target is never printed
    assert result.outside == []
    assert not (scratch.root / "site").exists()


@pytest.mark.parametrize("rel", CASES.values(), ids=CASES.keys())
def test_symlink_out_of_the_repository_is_refused_by_validate(scratch: Scratch, rel: str) -> None:
    scratch.file(rel).parent.mkdir(parents=True, exist_ok=True)
    target = scratch.segreto.parent if rel.endswith(("altro", "2021")) else scratch.segreto
    os.symlink(target, scratch.file(rel))
    _refused(scratch, rel, "validate")


def test_symlink_in_docs_is_never_published_by_build(scratch: Scratch) -> None:
    os.symlink(scratch.segreto, scratch.file("docs/segreto.md"))
    _refused(scratch, "docs/segreto.md", "build")


def test_data_folder_that_is_a_symlink_is_refused(scratch: Scratch) -> None:
    (scratch.segreto.parent / "2021-12-31.yml").write_text(scratch.file("measurements/2021-12-31.yml").read_text())
    os.rename(scratch.file("measurements"), scratch.root / "vecchie")
    os.symlink(scratch.segreto.parent, scratch.file("measurements"))
    _refused(scratch, "measurements", "validate")


def test_fifo_named_like_a_measurement_does_not_block(scratch: Scratch) -> None:
    os.mkfifo(scratch.file("measurements/2021-09-30.yml"))
    result = scratch.run("validate", timeout=60)
    assert result.rc == 1
    assert "«measurements/2021-09-30.yml» non è un file normale" in result.text
