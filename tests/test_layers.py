"""The import layers of README's architecture section hold, and breaking them fails the build."""

import subprocess
import sys
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _lint_imports() -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"], cwd=ROOT, capture_output=True, text=True, check=False
    )


def test_the_code_keeps_its_import_layers():
    result = _lint_imports()

    assert result.returncode == 0, result.stdout + result.stderr
    assert "BROKEN" not in result.stdout


def _with_probe(app: str, line: str) -> subprocess.CompletedProcess:
    probe = ROOT / app / f"_layer_probe_{uuid.uuid4().hex}.py"
    probe.write_text(f'"""A deliberately wrong import."""\n\n{line}\n')
    try:
        return _lint_imports()
    finally:
        probe.unlink()


def test_an_import_from_a_higher_layer_fails_with_the_contracts_message():
    result = _with_probe("accounts", "import home.views.dashboard  # noqa: F401")

    assert result.returncode != 0
    assert "Apps import only from the layers below them BROKEN" in result.stdout
    assert "accounts is not allowed to import home" in result.stdout


def test_goals_and_matching_share_a_layer_without_knowing_each_other():
    result = _with_probe("goals", "import matching.engine  # noqa: F401")

    assert result.returncode != 0
    assert "goals is not allowed to import matching" in result.stdout


def test_sessions_may_not_reach_into_matching():
    result = _with_probe("sessions_app", "import matching.models  # noqa: F401")

    assert result.returncode != 0
    assert "does not reach into matching BROKEN" in result.stdout


def test_the_project_kit_may_not_import_an_app():
    result = _with_probe("mentoring", "import accounts.models  # noqa: F401")

    assert result.returncode != 0
    assert "The project kit depends on no app BROKEN" in result.stdout


def test_a_view_may_not_import_a_task():
    result = _with_probe("sessions_app/views", "import sessions_app.tasks.booking  # noqa: F401")

    assert result.returncode != 0
    assert "views, selectors, forms and models never import them BROKEN" in result.stdout
