"""Training presets: YAML files in ``config/training/`` parsed into validated, typed settings.

One file per preset (``random_forest.yaml`` …). Unknown keys are refused so that a typo in a
hyper-parameter never trains silently with the default value.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

PRESETS_DIR = Path(__file__).resolve().parent / "training"


class PresetError(ValueError):
    """A preset file is missing or invalid; the message names the file and the field."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class RandomForestSpec(_Strict):
    kind: Literal["random_forest"]
    n_estimators: int = Field(300, ge=1, le=5000)
    max_depth: int | None = Field(None, ge=1)
    min_samples_leaf: int = Field(5, ge=1)
    max_features: float | Literal["sqrt", "log2"] | None = "sqrt"
    n_jobs: int = Field(1, ge=1, description="threads; >1 only helps on an idle machine")


class XGBoostSpec(_Strict):
    kind: Literal["xgboost"]
    n_estimators: int = Field(200, ge=1, le=5000)
    learning_rate: float = Field(0.05, gt=0, le=1)
    max_depth: int = Field(3, ge=1, le=16)
    min_child_weight: float = Field(1.0, ge=0)
    subsample: float = Field(0.8, gt=0, le=1)
    colsample_bytree: float = Field(0.8, gt=0, le=1)
    reg_lambda: float = Field(1.0, ge=0)
    n_jobs: int = Field(1, ge=1, description="threads; >1 only helps on an idle machine")


class LightGBMSpec(_Strict):
    kind: Literal["lightgbm"]
    n_estimators: int = Field(200, ge=1, le=5000)
    learning_rate: float = Field(0.03, gt=0, le=1)
    num_leaves: int = Field(8, ge=2)
    min_child_samples: int = Field(20, ge=1)
    subsample: float = Field(0.8, gt=0, le=1)
    colsample_bytree: float = Field(0.8, gt=0, le=1)
    reg_lambda: float = Field(0.0, ge=0)
    n_jobs: int = Field(1, ge=1, description="threads; >1 only helps on an idle machine")


class LogisticRegressionSpec(_Strict):
    kind: Literal["logistic_regression"]
    C: float = Field(0.3, gt=0)
    max_iter: int = Field(2000, ge=10)


class PersistenceSpec(_Strict):
    """Baseline: next year's class is this year's class (probabilities from past transitions)."""

    kind: Literal["persistence"]


class DomainRuleSpec(_Strict):
    """Baseline: the class of the Defasagem the student will have after advancing one phase
    (``defasagem_se_avancar``; this year's Defasagem when the age is unknown)."""

    kind: Literal["domain_rule"]


BASELINE_KINDS = ("persistence", "domain_rule")
STOCHASTIC_KINDS = ("random_forest", "lightgbm", "xgboost")

EstimatorSpec = Annotated[
    RandomForestSpec
    | XGBoostSpec
    | LightGBMSpec
    | LogisticRegressionSpec
    | PersistenceSpec
    | DomainRuleSpec,
    Field(discriminator="kind"),
]


class FeatureOptions(_Strict):
    include_genero: bool = Field(
        False, description="genero is audited, a model input only if asked"
    )
    include_history: bool = Field(True, description="previous year's values and changes")


class DecisionRule(_Strict):
    """How probabilities become a class.

    ``prevalence``: Critical when P(critical) reaches the training share of Critical, else Alert
    when P(lagging) reaches the training share of lagging students (the 0.5 point of each
    balanced binary model; nothing tuned). ``tuned``: both thresholds chosen on out-of-fold
    predictions of the training years only, maximising macro-F1 while keeping Critical recall at
    least ``min_recall_critical``.
    """

    rule: Literal["prevalence", "tuned"] = "prevalence"
    min_recall_critical: float = Field(0.65, ge=0, le=1)
    folds: int = Field(5, ge=2, le=20)


class TrainingPreset(_Strict):
    """One validated training preset."""

    name: str = Field(pattern=r"^[a-z0-9_]+$")
    description: str = ""
    model: EstimatorSpec
    class_weight: Literal["balanced", "none"] = "balanced"
    features: FeatureOptions = FeatureOptions()
    decision: DecisionRule = DecisionRule()
    random_state: int = 42
    seeds: int = Field(
        5,
        ge=1,
        le=50,
        description="seeds (random_state, +1, …) whose mean and sd are logged for a stochastic "
        "estimator; the registered model uses random_state",
    )
    cv_folds: int = Field(
        5, ge=2, le=20, description="folds (grouped by student) of the training-years CV"
    )
    register_model: bool = Field(True, description="register the refit model in MLflow")

    @property
    def kind(self) -> str:
        return self.model.kind

    @property
    def stochastic(self) -> bool:
        """Whether the estimator's result depends on its seed (trees with sampling)."""
        return self.kind in STOCHASTIC_KINDS

    def with_model_params(self, **params: Any) -> TrainingPreset:
        """A copy with some estimator parameters replaced (validated again), e.g. for tests."""
        data = self.model_dump()
        data["model"] = {**data["model"], **params}
        return TrainingPreset.model_validate(data)

    def to_yaml(self) -> str:
        return yaml.safe_dump(self.model_dump(mode="json"), sort_keys=False, allow_unicode=True)

    @model_validator(mode="after")
    def _baseline_needs_no_decision(self) -> TrainingPreset:
        if self.model.kind in BASELINE_KINDS and self.decision.rule != "prevalence":
            raise ValueError("a baseline predicts a class by rule: decision.rule not allowed")
        return self


def available_presets(presets_dir: Path = PRESETS_DIR) -> list[str]:
    """Names of the preset files, sorted."""
    return sorted(p.stem for p in presets_dir.glob("*.yaml"))


def load_preset(name_or_path: str | Path, presets_dir: Path = PRESETS_DIR) -> TrainingPreset:
    """Parse and validate one preset by name (``lightgbm``) or by path to a YAML file."""
    path = Path(name_or_path)
    if path.suffix not in {".yaml", ".yml"}:
        path = presets_dir / f"{name_or_path}.yaml"
    if not path.is_file():
        known = ", ".join(available_presets(presets_dir)) or "nenhum"
        raise PresetError(f"Preset '{name_or_path}' não encontrado. Presets disponíveis: {known}.")
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise PresetError(f"O arquivo {path.name} não é um YAML válido: {exc}") from exc
    if not isinstance(raw, dict):
        raise PresetError(f"O arquivo {path.name} deve conter um mapeamento (chave: valor).")
    try:
        preset = TrainingPreset.model_validate(raw)
    except ValidationError as exc:
        problems = "; ".join(
            f"campo '{'.'.join(str(p) for p in err['loc'])}': {err['msg']}" for err in exc.errors()
        )
        raise PresetError(f"Preset inválido em {path.name}: {problems}.") from exc
    if preset.name != path.stem:
        raise PresetError(
            f"Preset inválido em {path.name}: campo 'name' é '{preset.name}', "
            f"mas deve ser igual ao nome do arquivo ('{path.stem}')."
        )
    return preset


def load_all_presets(presets_dir: Path = PRESETS_DIR) -> list[TrainingPreset]:
    """Every preset in the folder, validated."""
    return [load_preset(name, presets_dir) for name in available_presets(presets_dir)]
