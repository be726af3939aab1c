"""The estimator the product trains, logs, registers and scores with: ``RiskModel``.

It wraps one of the preset estimators (or the persistence baseline) behind one interface:
probabilities in the order of ``CLASSES``, a decision rule, and per-feature contributions to
the risk of lagging (Critical or Alert) taken from the model itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final, cast

import numpy as np
import numpy.typing as npt
import pandas as pd
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.ensemble import RandomForestClassifier
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score, recall_score
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils.class_weight import compute_sample_weight

from config import RiskThresholds
from config.training_presets import (
    DomainRuleSpec,
    EstimatorSpec,
    LightGBMSpec,
    LogisticRegressionSpec,
    PersistenceSpec,
    RandomForestSpec,
    TrainingPreset,
    XGBoostSpec,
)
from models.features import DEFASAGEM_SE_AVANCAR, DELTA_DEFASAGEM
from pipeline import columns as c
from pipeline.gold import risk_class

CLASSES: Final = c.CLASSES  # (critical, alert, expected): column order of every probability
N_CLASSES: Final = len(CLASSES)
CRITICAL_IDX: Final = 0
ALERT_IDX: Final = 1
EXPECTED_IDX: Final = 2

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


def encode(labels: Sequence[str] | pd.Series) -> IntArray:
    """Class names → codes 0 (critical), 1 (alert), 2 (expected)."""
    index = {name: i for i, name in enumerate(CLASSES)}
    return np.asarray([index[str(v)] for v in labels], dtype=np.int64)


def decode(codes: npt.NDArray[np.integer[Any]]) -> npt.NDArray[np.str_]:
    return cast(npt.NDArray[np.str_], np.asarray(CLASSES)[codes])


def risk_score(proba: FloatArray) -> FloatArray:
    """Probability of lagging next year (Critical or Alert): the ranking key of every list."""
    return proba[:, CRITICAL_IDX] + proba[:, ALERT_IDX]


def decide(proba: FloatArray, thresholds: Sequence[float]) -> IntArray:
    """Ordinal decision: Critical if P(critical) ≥ t0, else Alert if P(lagging) ≥ t1."""
    p_lag = risk_score(proba)
    codes = np.where(
        proba[:, CRITICAL_IDX] >= thresholds[0],
        CRITICAL_IDX,
        np.where(p_lag >= thresholds[1], ALERT_IDX, EXPECTED_IDX),
    )
    return codes.astype(np.int64)


def prior_corrected(p_balanced: FloatArray, prevalence: float) -> FloatArray:
    """Undo balanced class weights: odds × prevalence / (1 - prevalence). Keeps the order."""
    odds = p_balanced / np.clip(1.0 - p_balanced, 1e-12, None) * prevalence / (1.0 - prevalence)
    return odds / (1.0 + odds)


def choose_thresholds(
    y: IntArray, proba: FloatArray, prevalence: Sequence[float], min_recall_critical: float
) -> tuple[float, float]:
    """Decision thresholds maximising macro-F1 with Critical recall at least the given floor.

    Searched as multiples of the training prevalences; called only on out-of-fold predictions
    of training years, so the test year never tunes it.
    """
    best: tuple[float, tuple[float, float]] = (-np.inf, (prevalence[0], prevalence[1]))
    for k_crit in np.round(np.arange(0.5, 2.51, 0.1), 2):
        for k_lag in np.round(np.arange(0.6, 1.61, 0.1), 2):
            chosen = (float(prevalence[0] * k_crit), float(prevalence[1] * k_lag))
            pred = decide(proba, chosen)
            f1 = float(f1_score(y, pred, labels=[0, 1, 2], average="macro", zero_division=0))
            rec = float(recall_score(y, pred, labels=[0], average="macro", zero_division=0))
            score = f1 - max(0.0, min_recall_critical - rec)  # shortfall in recall costs F1
            if score > best[0] + 1e-12:
                best = (score, chosen)
    return best[1]


def current_class_codes(
    defasagem: pd.Series, critical_at_most: int, alert_at_most: int
) -> IntArray:
    """Class codes of the same-year Defasagem (unknown → expected, the majority).

    The cut points are applied by gold's one rule (``pipeline.gold.risk_class``), so the labels
    a model learns and the classes it reasons from never disagree.
    """
    thresholds = RiskThresholds(critical_at_most=critical_at_most, alert_at_most=alert_at_most)
    labels = risk_class(pd.Series(defasagem, copy=False), thresholds).fillna(c.EXPECTED)
    return encode(labels)


# Features whose increase can only lower the risk (being less behind, better adequacy):
# the tree estimators are constrained to respect it, so a student who is less behind, all else
# equal, is never ranked riskier.
MONOTONE_DECREASING: Final = (c.DEFASAGEM, c.IAN, DEFASAGEM_SE_AVANCAR, DELTA_DEFASAGEM)
RULE_SPECS: Final = (PersistenceSpec, DomainRuleSpec)  # a class by rule, no fitted estimator


class ConstantProbability:
    """Stand-in for a binary estimator whose training target had a single value."""

    def __init__(self, probability: float) -> None:
        self.probability = probability

    def predict_proba(self, matrix: FloatArray) -> FloatArray:
        p = np.full(len(matrix), self.probability)
        return np.column_stack([1 - p, p])


class RiskModel(ClassifierMixin, BaseEstimator):  # type: ignore[misc]
    """A preset's estimator on the feature frame, with decision rule and risk contributions.

    The classes are ordered (critical < alert < expected), so the model is two binary problems
    on next year's Defasagem: *lagging* (Critical or Alert) and *critical*. Then
    ``p_expected = 1 - P(lagging)``, ``p_critical = min(P(critical), P(lagging))`` and
    ``p_alert`` the rest. The risk score is ``P(lagging)``, monotone in ``MONOTONE_DECREASING``
    for the tree estimators, and the reasons explain exactly that score.
    """

    def __init__(
        self,
        spec: EstimatorSpec,
        feature_names: Sequence[str],
        *,
        class_weight: str = "balanced",
        thresholds: Sequence[float] | None = None,
        critical_at_most: int = -2,
        alert_at_most: int = -1,
        random_state: int = 42,
    ) -> None:
        self.spec = spec
        self.feature_names = feature_names
        self.class_weight = class_weight
        self.thresholds = thresholds
        self.critical_at_most = critical_at_most
        self.alert_at_most = alert_at_most
        self.random_state = random_state

    # -- fitting -----------------------------------------------------------------------------

    def fit(self, X: pd.DataFrame, y: Sequence[str] | pd.Series) -> RiskModel:
        codes = encode(y)
        self.classes_ = np.asarray(CLASSES)
        self.feature_names_in_ = np.asarray(self.feature_names, dtype=object)
        spec = self.spec
        if isinstance(spec, RULE_SPECS):
            current = self._rule_codes(X)
            table = np.ones((N_CLASSES, N_CLASSES))  # Laplace-smoothed transition frequencies
            np.add.at(table, (current, codes), 1.0)
            self.transitions_ = table / table.sum(axis=1, keepdims=True)
            return self
        matrix = self._matrix(X)
        lagging, critical = codes <= ALERT_IDX, codes == CRITICAL_IDX
        self.prevalence_ = (float(critical.mean()), float(lagging.mean()))
        self.lagging_ = self._fit_binary(spec, matrix, lagging)
        self.critical_ = self._fit_binary(spec, matrix, critical)
        self.thresholds_ = tuple(self.thresholds or self.prevalence_)
        return self

    def _fit_binary(
        self, spec: EstimatorSpec, matrix: FloatArray, target: npt.NDArray[np.bool_]
    ) -> Any:
        if target.all() or not target.any():
            return ConstantProbability(float(target.mean()) if len(target) else 0.0)
        labels = target.astype(np.int64)
        weight = (
            compute_sample_weight("balanced", labels) if self.class_weight == "balanced" else None
        )
        estimator = self._make_estimator(spec)
        if isinstance(spec, LogisticRegressionSpec):
            estimator.fit(matrix, labels, logisticregression__sample_weight=weight)
        else:
            estimator.fit(matrix, labels, sample_weight=weight)
        return estimator

    def _constraints(self) -> list[int]:
        return [-1 if name in MONOTONE_DECREASING else 0 for name in self.feature_names]

    def _make_estimator(self, spec: EstimatorSpec) -> Any:
        seed = self.random_state
        if isinstance(spec, RandomForestSpec):
            return RandomForestClassifier(
                n_estimators=spec.n_estimators,
                max_depth=spec.max_depth,
                min_samples_leaf=spec.min_samples_leaf,
                max_features=spec.max_features,
                monotonic_cst=self._constraints(),
                n_jobs=spec.n_jobs,
                random_state=seed,
            )
        if isinstance(spec, LightGBMSpec):
            from lightgbm import LGBMClassifier

            return LGBMClassifier(
                n_estimators=spec.n_estimators,
                learning_rate=spec.learning_rate,
                num_leaves=spec.num_leaves,
                min_child_samples=spec.min_child_samples,
                subsample=spec.subsample,
                subsample_freq=1,
                colsample_bytree=spec.colsample_bytree,
                reg_lambda=spec.reg_lambda,
                monotone_constraints=self._constraints(),
                n_jobs=spec.n_jobs,
                random_state=seed,
                verbose=-1,
            )
        if isinstance(spec, XGBoostSpec):
            from xgboost import XGBClassifier

            return XGBClassifier(
                n_estimators=spec.n_estimators,
                learning_rate=spec.learning_rate,
                max_depth=spec.max_depth,
                min_child_weight=spec.min_child_weight,
                subsample=spec.subsample,
                colsample_bytree=spec.colsample_bytree,
                reg_lambda=spec.reg_lambda,
                monotone_constraints=tuple(self._constraints()),
                n_jobs=spec.n_jobs,
                random_state=seed,
                tree_method="hist",
            )
        if isinstance(spec, LogisticRegressionSpec):
            return Pipeline(
                [
                    ("simpleimputer", SimpleImputer(strategy="median", keep_empty_features=True)),
                    ("standardscaler", StandardScaler()),
                    ("logisticregression", LogisticRegression(C=spec.C, max_iter=spec.max_iter)),
                ]
            )
        raise TypeError(f"unknown estimator spec {type(spec).__name__}")

    # -- prediction --------------------------------------------------------------------------

    def _matrix(self, X: pd.DataFrame) -> FloatArray:
        return X.reindex(columns=list(self.feature_names)).to_numpy(dtype=np.float64)

    def _rule_codes(self, X: pd.DataFrame) -> IntArray:
        """Persistence: this year's class; domain rule: the class after advancing one phase."""
        missing = pd.Series(np.nan, index=X.index)
        defasagem = X[c.DEFASAGEM] if c.DEFASAGEM in X else missing
        if isinstance(self.spec, DomainRuleSpec):
            advanced = X[DEFASAGEM_SE_AVANCAR] if DEFASAGEM_SE_AVANCAR in X else missing
            defasagem = advanced.fillna(defasagem)
        return current_class_codes(defasagem, self.critical_at_most, self.alert_at_most)

    def predict_proba(self, X: pd.DataFrame) -> FloatArray:
        """Probabilities, columns in ``CLASSES`` order."""
        if isinstance(self.spec, RULE_SPECS):
            return self.transitions_[self._rule_codes(X)]
        matrix = self._matrix(X)
        p_lag = np.asarray(self.lagging_.predict_proba(matrix), dtype=np.float64)[:, 1]
        p_crit = np.asarray(self.critical_.predict_proba(matrix), dtype=np.float64)[:, 1]
        if self.class_weight == "balanced":
            p_lag = self._corrected(p_lag, self.lagging_, self.prevalence_[1])
            p_crit = self._corrected(p_crit, self.critical_, self.prevalence_[0])
        p_crit = np.minimum(p_crit, p_lag)
        return np.column_stack([p_crit, p_lag - p_crit, 1.0 - p_lag])

    @staticmethod
    def _corrected(p: FloatArray, estimator: Any, prevalence: float) -> FloatArray:
        if isinstance(estimator, ConstantProbability):
            return p
        return prior_corrected(p, prevalence)

    def predict(self, X: pd.DataFrame) -> npt.NDArray[np.str_]:
        """Class names by the decision rule (baselines: the class their rule gives).

        Thresholds default to the training prevalence of Critical and of lagging: with balanced
        class weights that is the 0.5 point of each binary model, no tuning involved.
        """
        if isinstance(self.spec, RULE_SPECS):
            return decode(self._rule_codes(X))
        return decode(decide(self.predict_proba(X), self.thresholds_))

    # -- explanations ------------------------------------------------------------------------

    def risk_contributions(self, X: pd.DataFrame) -> pd.DataFrame:
        """Per-feature push towards lagging (Critical or Alert) for each row; positive = riskier.

        From the lagging model itself: ``pred_contrib`` (LightGBM/XGBoost, log-odds), coefficient
        × standardised value (logistic regression, log-odds), or path-based (Saabas)
        contributions to the probability (random forest).
        """
        spec = self.spec
        names = list(self.feature_names)
        values = np.zeros((len(X), len(names)))
        estimator: Any = getattr(self, "lagging_", None)
        if isinstance(spec, RULE_SPECS):
            if c.DEFASAGEM in names:
                risk = risk_score(self.predict_proba(X))
                values[:, names.index(c.DEFASAGEM)] = risk - risk.mean()
        elif isinstance(estimator, ConstantProbability):
            pass
        elif isinstance(spec, RandomForestSpec):
            values = self._forest_contributions(self._matrix(X))
        elif isinstance(spec, LightGBMSpec):
            raw = estimator.booster_.predict(self._matrix(X), pred_contrib=True)
            values = np.asarray(raw, dtype=np.float64)[:, : len(names)]
        elif isinstance(spec, XGBoostSpec):
            from xgboost import DMatrix

            raw = estimator.get_booster().predict(DMatrix(self._matrix(X)), pred_contribs=True)
            values = np.asarray(raw, dtype=np.float64)[:, : len(names)]
        elif isinstance(spec, LogisticRegressionSpec):
            scaled = estimator[:-1].transform(self._matrix(X))
            values = scaled * estimator[-1].coef_[0][None, :]
        return pd.DataFrame(values, index=X.index, columns=names)

    def _forest_contributions(self, matrix: FloatArray) -> FloatArray:
        forest: RandomForestClassifier = self.lagging_
        if not hasattr(self, "node_risk_deltas_"):
            self.node_risk_deltas_ = self._forest_node_deltas(forest, matrix.shape[1])
        paths, _ = forest.decision_path(matrix)
        total = paths @ self.node_risk_deltas_
        return np.asarray(total.todense(), dtype=np.float64) / len(forest.estimators_)

    @staticmethod
    def _forest_node_deltas(forest: RandomForestClassifier, n_features: int) -> Any:
        """Sparse (all nodes × features): change of P(lagging) from parent to node, by split."""
        from scipy import sparse

        rows: list[IntArray] = []
        cols: list[IntArray] = []
        vals: list[FloatArray] = []
        offset = 0
        for tree in forest.estimators_:
            t = tree.tree_
            value = t.value[:, 0, :]
            risk = value[:, 1] / np.clip(value.sum(axis=1), 1e-12, None)
            parent = np.full(t.node_count, -1, dtype=np.int64)
            internal = np.flatnonzero(t.children_left >= 0)
            parent[t.children_left[internal]] = internal
            parent[t.children_right[internal]] = internal
            child = np.flatnonzero(parent >= 0)
            rows.append(child + offset)
            cols.append(t.feature[parent[child]].astype(np.int64))
            vals.append(risk[child] - risk[parent[child]])
            offset += t.node_count
        return sparse.csr_matrix(
            (np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))),
            shape=(offset, n_features),
        )


def make_model(
    preset: TrainingPreset,
    names: Sequence[str],
    critical_at_most: int,
    alert_at_most: int,
    thresholds: Sequence[float] | None = None,
) -> RiskModel:
    """An unfitted ``RiskModel`` for a preset."""
    return RiskModel(
        spec=preset.model,
        feature_names=list(names),
        class_weight=preset.class_weight,
        thresholds=None if thresholds is None else tuple(thresholds),
        critical_at_most=critical_at_most,
        alert_at_most=alert_at_most,
        random_state=preset.random_state,
    )


def fit_with_decision(
    preset: TrainingPreset,
    names: Sequence[str],
    X: pd.DataFrame,
    y: pd.Series,
    *,
    critical_at_most: int,
    alert_at_most: int,
) -> RiskModel:
    """Fit a preset; with a ``tuned`` rule, choose thresholds on out-of-fold predictions of X."""
    thresholds: Sequence[float] | None = None
    if preset.decision.rule == "tuned":
        codes = encode(y)
        folds = min(preset.decision.folds, int(np.bincount(codes).min(initial=0)) or 2)
        oof = np.zeros((len(X), N_CLASSES))
        splitter = StratifiedKFold(max(folds, 2), shuffle=True, random_state=preset.random_state)
        for train_idx, test_idx in splitter.split(X, codes):
            fold = make_model(preset, names, critical_at_most, alert_at_most)
            fold.fit(X.iloc[train_idx], y.iloc[train_idx])
            oof[test_idx] = fold.predict_proba(X.iloc[test_idx])
        prevalence = (float((codes == CRITICAL_IDX).mean()), float((codes <= ALERT_IDX).mean()))
        thresholds = choose_thresholds(codes, oof, prevalence, preset.decision.min_recall_critical)
    model = make_model(preset, names, critical_at_most, alert_at_most, thresholds)
    return model.fit(X, y)
