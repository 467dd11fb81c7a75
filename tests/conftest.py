"""pytest options shared by the test files.

`--update-golden` rewrites the golden files under tests/golden/ from the current output
instead of comparing with them; read the diff (`git diff tests/golden`) before committing.
Others may add fixtures here.
"""


def pytest_addoption(parser):
    parser.addoption("--update-golden", action="store_true", default=False,
                     help="rewrite tests/golden/* from the current output")
