"""A sample thesis in a temporary git repository, tagged v1, then edited in the working tree:
a changed sentence, a deleted paragraph, a new citation, a changed locator, a changed
footnote and a re-wrapped paragraph (shared by the review-kit tests)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from helpers import PROJECTS

V1 = """# Интеграция теориясы

Интеграция ұғымы көп қырлы [@baranovskii1983, p. 200].
Бұл сөйлем өзгермейді.

Сол еңбекте ол былай деп жазады [@baranovskii1983, p. 32].

Бұл абзац толығымен алынып тасталады, өйткені ол артық.

Қазақстан көзқарасы [@nazarbaev2003, p. 45] маңызды орын алады.

Қолмен жазылған ескерту.^[Қараңыз: бұл туралы кейінірек.]

Ұзын абзац бір жолда жазылған, кейін ол басқаша бөлінеді, бірақ мәтіні сол күйінде қалады.
"""

V2 = """# Интеграция теориясы

Интеграция ұғымы көп қырлы [@baranovskii1983, p. 200].
Бұл сөйлем өзгермейді.

Сол еңбекте автор нақты былай деп жазады [@baranovskii1983, p. 32].

Қазақстан көзқарасы [@nazarbaev2003, p. 47] маңызды орын алады [@haas1958, p. 442].

Қолмен жазылған ескерту.^[Қараңыз: бұл туралы үшінші тарауда.]

Ұзын абзац бір жолда жазылған,
кейін ол басқаша бөлінеді,
бірақ мәтіні сол күйінде қалады.
"""

CHAPTER = "content/01-chapter.md"


def git(root: Path, *args: str) -> str:
    env = {"GIT_AUTHOR_NAME": "Айгерім Сәтбаева", "GIT_AUTHOR_EMAIL": "a@example.kz",
           "GIT_COMMITTER_NAME": "Айгерім Сәтбаева", "GIT_COMMITTER_EMAIL": "a@example.kz",
           "GIT_AUTHOR_DATE": "2026-02-01T10:00:00Z", "GIT_COMMITTER_DATE": "2026-02-01T10:00:00Z",
           "HOME": str(root), "PATH": "/usr/bin:/bin:/usr/local/bin"}
    return subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, check=True,
                          env=env).stdout.strip()


def make_repo(dest: Path) -> Path:
    """The repository (project at its top), v1 committed and tagged, v2 in the working tree."""
    root = dest / "thesis"
    shutil.copytree(PROJECTS / "cited", root, ignore=shutil.ignore_patterns("build"))
    (root / CHAPTER).write_text(V1, encoding="utf-8")
    (root / ".gitignore").write_text("build/\n")
    git(root, "init", "-q", "-b", "main")
    git(root, "config", "user.name", "Айгерім Сәтбаева")  # the working tree's changes are hers
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "v1")
    git(root, "tag", "v1")
    (root / CHAPTER).write_text(V2, encoding="utf-8")
    return root
