"""The thesis repository's workflow (.github/workflows/thesis.yml): valid against the GitHub
Actions schema (check-jsonschema's vendored copy, offline), doing what the release needs,
and the build's diagnostics as annotations on repo-relative files."""

from __future__ import annotations

import importlib.util
import subprocess
import sys

import pytest
import yaml

from helpers import REPO, copy_project
from thesis.cli import main

WORKFLOW = REPO / ".github" / "workflows" / "thesis.yml"

needs_validator = pytest.mark.skipif(importlib.util.find_spec("check_jsonschema") is None,
                                     reason="check-jsonschema is in the test extra: pip install -e '.[test]'")


def validate(path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "check_jsonschema", "--builtin-schema",
                           "vendor.github-workflows", str(path)], capture_output=True, text=True, timeout=120)


@needs_validator
def test_workflow_validates_against_the_github_schema():
    proc = validate(WORKFLOW)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "ok -- validation done" in proc.stdout


@needs_validator
def test_the_validator_does_reject_a_broken_workflow(tmp_path):
    """The check is not vacuous: a job without `runs-on` and a step with an unknown key fail."""
    data = yaml.safe_load(WORKFLOW.read_text())
    del data["jobs"]["build"]["runs-on"]
    data["jobs"]["release"]["steps"][0]["uses_"] = data["jobs"]["release"]["steps"][0].pop("uses")
    broken = tmp_path / "broken.yml"
    broken.write_text(yaml.safe_dump(data, allow_unicode=True))
    proc = validate(broken)
    assert proc.returncode == 1, proc.stdout


def workflow() -> dict:
    data = yaml.safe_load(WORKFLOW.read_text())
    data["on"] = data.pop(True)  # YAML 1.1 reads the key `on` as true
    return data


def steps(job: dict) -> str:
    return "\n".join(yaml.safe_dump(step, allow_unicode=True) for step in job["steps"])


def test_workflow_builds_strictly_on_push_and_pull_request():
    data = workflow()
    assert set(data["on"]) == {"push", "pull_request"}
    assert data["on"]["push"]["tags"] == ["v*"]
    build = data["jobs"]["build"]
    text = steps(build)
    assert "python-version: '3.11'" in text
    assert "fonts-liberation2 libreoffice-writer-nogui" in text
    assert "pip install -e ." in text
    strict = next(s for s in build["steps"] if s.get("id") == "strict")
    assert strict["run"].startswith("python build.py --strict --format github")
    assert "continue-on-error" not in strict  # a refused strict build turns the job red
    draft = next(s for s in build["steps"] if s.get("id") == "draft")
    assert "failure()" in draft["if"] and "--strict" not in draft["run"]
    upload = next(s for s in build["steps"] if str(s.get("uses", "")).startswith("actions/upload-artifact"))
    assert upload["with"]["path"].split() == ["build/thesis.pdf", "build/thesis.docx"]
    assert "!cancelled()" in upload["if"]  # after a refused strict build, the draft is uploaded


def test_a_tag_makes_a_release_with_checksums():
    release = workflow()["jobs"]["release"]
    assert release["needs"] == "build"
    assert "startsWith(github.ref, 'refs/tags/v')" in release["if"]
    assert "needs.build.outputs.strict == 'success'" in release["if"]  # never from a draft
    assert release["permissions"] == {"contents": "write"}
    text = steps(release)
    for name in ('"thesis-${TAG}.pdf"', '"thesis-${TAG}.docx"', "SHA256SUMS"):
        assert name in text
    assert "sha256sum" in text and "gh release create" in text
    assert "TAG: ${{ github.ref_name }}" in text


def test_errors_and_warnings_become_annotations_on_repo_relative_files(tmp_path, monkeypatch, capsys):
    """CI runs `python build.py` at the repository root: files are named from there."""
    root = copy_project("minimal", tmp_path)
    monkeypatch.chdir(tmp_path)
    chapter = root / "content" / "02-practice.md"
    chapter.write_text(chapter.read_text() + "\nМәтін [@smith99, p. 3].\n")
    (root / "thesis.yaml").write_text((root / "thesis.yaml").read_text() + "colour: blue\n")
    code = main(["--project", "minimal", "--format", "github", "--strict"])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 1
    assert err == ["::warning file=minimal/thesis.yaml,line=15::colour: unknown key (ignored)",
                   "::error file=minimal/content/02-practice.md,line=16::unknown citation key 'smith99'"]


def test_strict_refusal_is_an_annotation_too(tmp_path, monkeypatch, capsys):
    root = copy_project("minimal", tmp_path)
    monkeypatch.chdir(root)
    (root / "thesis.yaml").write_text((root / "thesis.yaml").read_text().replace("city: Алматы", "city: 'TODO: city'"))
    code = main(["--format", "github", "--strict", "docx"])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 1
    assert err == ["::warning file=thesis.yaml,line=12::city is a placeholder: fill it in before submitting",
                   "::error::1 warning(s) and --strict: nothing written"]
    assert not (root / "build" / "thesis.docx").exists()


def test_review_copy_every_build_and_a_diff_on_pull_requests():
    build = workflow()["jobs"]["build"]
    checkout = build["steps"][0]
    assert checkout["with"]["fetch-depth"] == 0  # the base branch and tags are there
    review = next(s for s in build["steps"] if s.get("id") == "review")
    assert "python build.py review" in review["run"]
    assert 'python build.py diff "origin/${{ github.base_ref }}"' in review["run"]
    upload = [s for s in build["steps"] if str(s.get("uses", "")).startswith("actions/upload-artifact")][1]
    assert upload["with"]["path"].split() == ["build/thesis-review.pdf", "build/thesis-diff.pdf",
                                              "build/thesis-diff.docx"]
