"""pytest options and fixtures shared by the test files.

`--update-golden` rewrites the golden files under tests/golden/ from the current output
instead of comparing with them; read the diff (`git diff tests/golden`) before committing.

Fixtures: `project` (a fresh copy of tests/projects/minimal, as the working directory),
`sample(name)` (a fresh copy of any sample project), `run_cli` (the CLI on a project:
exit code and stderr lines), `transformed(markdown)` (a one-chapter thesis through
load → parse → check → transform: the Document).
"""

from __future__ import annotations

import pytest

from helpers import copy_project


@pytest.fixture(autouse=True, scope="session")
def _own_shared_cache(tmp_path_factory):
    """The tests' own shared tool cache (`thesis/toolcache.py`), never the user's ~/.cache:
    every build in the session (and every child process) shares this one."""
    import os
    previous = os.environ.get("THESIS_CACHE_DIR")
    os.environ["THESIS_CACHE_DIR"] = str(tmp_path_factory.mktemp("shared-cache"))
    yield
    if previous is None:
        os.environ.pop("THESIS_CACHE_DIR", None)
    else:
        os.environ["THESIS_CACHE_DIR"] = previous


def pytest_addoption(parser):
    parser.addoption("--update-golden", action="store_true", default=False,
                     help="rewrite tests/golden/* from the current output")


@pytest.fixture
def project(tmp_path, monkeypatch):
    """A fresh copy of the minimal sample thesis, as the working directory."""
    root = copy_project("minimal", tmp_path)
    monkeypatch.chdir(root)
    return root


@pytest.fixture
def sample(tmp_path):
    """`sample(name)`: a fresh copy of tests/projects/<name>."""
    return lambda name: copy_project(name, tmp_path)


@pytest.fixture
def run_cli(capsys):
    """`run_cli(root, *args)`: the CLI's exit code and its stderr lines (quiet)."""
    from thesis.cli import main

    def run(root, *args):
        code = main(["--project", str(root), "--quiet", *args])
        return code, capsys.readouterr().err.strip().splitlines()
    return run


@pytest.fixture
def transformed(tmp_path):
    """`transformed(markdown, **thesis_yaml)`: the minimal thesis with `markdown` as its only
    chapter, loaded, parsed, checked and transformed (the Document the writers get)."""
    import yaml
    from thesis.build import Options, prepare
    from thesis.diagnostics import Reporter

    def make(markdown: str, **settings):
        root = copy_project("minimal", tmp_path)
        for chapter in (root / "content").glob("*.md"):
            chapter.unlink()
        (root / "content" / "01-text.md").write_text(markdown, encoding="utf-8")
        if settings:
            config = yaml.safe_load((root / "thesis.yaml").read_text(encoding="utf-8"))
            (root / "thesis.yaml").write_text(yaml.safe_dump({**config, **settings}, allow_unicode=True),
                                              encoding="utf-8")
        return prepare(root, Options(), Reporter(quiet=True))[1]
    return make
