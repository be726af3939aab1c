"""``passos bench models``: wall time of training (with MLflow logging) and of batch scoring.

Runs in a temporary data dir holding a copy of the current gold, so the user's registry and
predictions are untouched. Goals: one preset < 10 s including logging; scoring every student of
a year < 1 s (the model already loaded, as in the sidecar and after a promotion).
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Final

from config import Settings
from models.dataset import gold_path, load_gold

TRAIN_GOAL_S: Final = 10.0
SCORE_GOAL_S: Final = 1.0
DEFAULT_PRESETS: Final = (
    "lightgbm",
    "random_forest",
    "xgboost",
    "logistic_regression",
    "persistence",
)


@contextmanager
def _isolated(settings: Settings) -> Iterator[Settings]:
    """Settings of a temporary data dir with a copy of gold; MLflow URI forced there."""
    load_gold(settings)  # clear error when there is nothing to benchmark
    previous = os.environ.get("MLFLOW_TRACKING_URI")
    with tempfile.TemporaryDirectory(prefix="passos-bench-") as tmp:
        data_dir = Path(tmp) / "data"
        bench = Settings(
            data_dir=data_dir,
            database_url=f"sqlite:///{data_dir / 'passos.db'}",
            risk=settings.risk,
        )
        target = gold_path(bench)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(gold_path(settings), target)
        os.environ["MLFLOW_TRACKING_URI"] = f"sqlite:///{data_dir / 'mlflow.db'}"
        try:
            yield bench
        finally:
            if previous is None:
                os.environ.pop("MLFLOW_TRACKING_URI", None)
            else:
                os.environ["MLFLOW_TRACKING_URI"] = previous


def run_models_bench(
    settings: Settings, presets: Sequence[str] = DEFAULT_PRESETS
) -> dict[str, Any]:
    """Time training (per preset, incl. MLflow logging) and scoring of the latest year."""
    from models import tracking
    from models.registry import promote
    from models.scoring import load_model, score_frame
    from models.training import train_preset

    report: dict[str, Any] = {"goals_s": {"train": TRAIN_GOAL_S, "score": SCORE_GOAL_S}}
    with _isolated(settings) as bench:
        started = time.perf_counter()
        tracking.ensure_experiment(tracking.client(bench, create=True), bench)
        report["store_init_s"] = round(time.perf_counter() - started, 3)
        trained: dict[str, Any] = {}
        best: tuple[float, str] | None = None
        for name in presets:
            result = train_preset(bench, name)
            trained[name] = {
                "seconds": round(result.seconds, 3),
                "within_goal": result.seconds < TRAIN_GOAL_S,
                "version": result.version,
                "macro_f1": round(result.metrics["macro_f1"], 4),
                "recall_critical": round(result.metrics["recall_critical"], 4),
                "baseline_macro_f1": round(result.baseline["macro_f1"], 4),
                "baseline_recall_critical": round(result.baseline["recall_critical"], 4),
                "test_year": result.test_year,
            }
            if result.version and (best is None or result.metrics["macro_f1"] > best[0]):
                best = (result.metrics["macro_f1"], result.version)
        report["train"] = trained
        if best is not None:
            version = best[1]
            started = time.perf_counter()
            model = load_model(bench, version)
            report["model_load_s"] = round(time.perf_counter() - started, 3)
            gold = load_gold(bench)
            started = time.perf_counter()
            scored = score_frame(model, gold)
            elapsed = time.perf_counter() - started
            report["score"] = {
                "version": version,
                "students": len(scored),
                "seconds": round(elapsed, 3),
                "within_goal": elapsed < SCORE_GOAL_S,
            }
            promotion = promote(bench, version, reason="bench", user="bench")
            if promotion.score is not None:
                report["promote_with_scoring_s"] = round(promotion.score.seconds, 3)
    return report
