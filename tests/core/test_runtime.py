from __future__ import annotations

import subprocess
import sys

from apps.core.runtime import GEN0_THRESHOLD


def test_serving_gc_freezes_the_startup_heap_and_collects_young_objects_less_often() -> None:
    # In a fresh interpreter: the settings are process-wide and must not leak into the test run.
    code = (
        "import gc; from apps.core.runtime import tune_gc_for_serving; tune_gc_for_serving(); "
        "print(gc.get_threshold(), gc.get_freeze_count() > 1000)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)

    assert result.stdout.strip() == f"({GEN0_THRESHOLD}, 10, 10) True"
