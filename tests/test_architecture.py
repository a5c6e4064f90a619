"""The layers of docs/architecture.md hold: no app imports one above it, and no import cycle.

import-linter (grimp) reads every import statement, function-level ones included, so a cycle hidden
inside a function is found too. The contracts are in pyproject.toml ([tool.importlinter]).
"""

import subprocess
import sys
from pathlib import Path

from django.apps import apps

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"
PROJECT_APPS = ["core", "committee", "notices", "elections", "affairs", "assistance"]


def test_import_contracts_hold():
    result = subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_every_constraint_says_what_went_wrong_in_chinese():
    """A database constraint that trips shows its own message (core.governed reads them)."""
    missing = []
    for label in PROJECT_APPS:
        for model in apps.get_app_config(label).get_models():
            for constraint in model._meta.constraints:
                if constraint.violation_error_message == constraint.default_violation_error_message:
                    missing.append(f"{model._meta.label}.{constraint.name}")
    assert missing == []
