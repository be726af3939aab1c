"""Request and response bodies of the sidecar, with the examples shown at ``/docs``.

``StudentRecord`` mirrors the silver contract (``pipeline.schemas``): same names, types, ranges and
allowed values, so a bad record gets a 422 that names its field.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from pipeline import columns as c
from pipeline.schemas import ANO_RANGE, DEFASAGEM_RANGE, IDADE_RANGE, RA_PATTERN

Classe = Literal["critical", "alert", "expected"]
Pedra = Literal["Quartzo", "Ágata", "Ametista", "Topázio"]
Genero = Literal["F", "M"]
Instituicao = Literal[
    "publica",
    "privada",
    "privada_apadrinhamento",
    "privada_bolsa",
    "privada_empresa",
    "rede_decisao",
    "concluiu_em",
    "universitario",
    "outra",
]

REASONS_EXAMPLE = [
    "IEG 4.1, abaixo da média da fase",
    "Defasagem -1: já um ano atrás da fase ideal",
    "IDA caiu 1.8 desde o ano anterior",
]
PREDICTION_EXAMPLE: dict[str, Any] = {
    "ra": "RA-1234",
    "ano": 2024,
    "classe": "critical",
    "p_critical": 0.71,
    "p_alert": 0.21,
    "p_expected": 0.08,
    "risk_score": 0.815,
    "rank": 1,
    "reasons": REASONS_EXAMPLE,
    "model_version": "3",
}
STUDENT_EXAMPLE: dict[str, Any] = {
    "ra": "RA-1234",
    "ano": 2024,
    "fase": 3,
    "turma": "3A",
    "idade": 13,
    "genero": "F",
    "ano_ingresso": 2021,
    "anos_na_instituicao": 3,
    "instituicao": "publica",
    "pedra": "Ágata",
    "inde": 6.4,
    "iaa": 8.0,
    "ieg": 4.1,
    "ips": 6.3,
    "ida": 5.2,
    "ipv": 6.9,
    "ian": 5.0,
    "ipp": 7.1,
    "mat": 5.5,
    "por": 6.0,
    "ing": None,
    "defasagem": -1,
    "fase_ideal": 4,
}


def _score(description: str) -> Any:
    return Field(None, ge=c.SCORE_MIN, le=c.SCORE_MAX, description=description)


class ErrorResponse(BaseModel):
    """Every error answer: one sentence in Portuguese saying what happened and what to do."""

    detail: str = Field(examples=["Aluno não encontrado nas previsões do modelo em produção."])


class Prediction(BaseModel):
    """One student's row of the ``predictions`` table for the production model version."""

    model_config = ConfigDict(json_schema_extra={"examples": [PREDICTION_EXAMPLE]})

    ra: str = Field(description="Registro do aluno")
    ano: int = Field(description="Ano dos dados usados na previsão (a previsão é para o seguinte)")
    classe: Classe = Field(description="Classe de risco prevista para o próximo ano")
    p_critical: float = Field(ge=0, le=1)
    p_alert: float = Field(ge=0, le=1)
    p_expected: float = Field(ge=0, le=1)
    risk_score: float = Field(description="Pontuação que ordena a lista (maior = mais risco)")
    rank: int = Field(ge=1, description="Posição na lista de risco do ano (1 = maior risco)")
    reasons: list[str] = Field(description="Até três fatores que mais aumentam o risco")
    model_version: str


class StudentRecord(BaseModel):
    """A student-year with the silver contract's names; absent indicators count as unknown."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [STUDENT_EXAMPLE]})

    ra: str | None = Field(
        None, pattern=RA_PATTERN, description="Com o RA, o histórico do aluno entra nas features"
    )
    ano: int = Field(ge=ANO_RANGE[0], le=ANO_RANGE[1])
    fase: int = Field(ge=c.FASE_MIN, le=c.FASE_MAX, description="0 = ALFA")
    turma: str | None = Field(None, max_length=64)
    idade: int | None = Field(None, ge=IDADE_RANGE[0], le=IDADE_RANGE[1])
    genero: Genero | None = None
    ano_ingresso: int | None = Field(None, ge=ANO_RANGE[0], le=ANO_RANGE[1])
    anos_na_instituicao: int | None = Field(None, ge=0)
    instituicao: Instituicao | None = None
    escola: str | None = Field(None, max_length=255)
    pedra: Pedra | None = None
    inde: float | None = _score("Índice de desenvolvimento educacional")
    iaa: float | None = _score("Autoavaliação")
    ieg: float | None = _score("Engajamento")
    ips: float | None = _score("Psicossocial")
    ida: float | None = _score("Desempenho acadêmico")
    ipv: float | None = _score("Ponto de virada")
    ian: float | None = _score("Adequação de nível")
    ipp: float | None = _score("Psicopedagógico")
    mat: float | None = _score("Nota de Matemática")
    por: float | None = _score("Nota de Português")
    ing: float | None = _score("Nota de Inglês")
    defasagem: int = Field(
        ge=DEFASAGEM_RANGE[0], le=DEFASAGEM_RANGE[1], description="Negativa = atrás da fase ideal"
    )
    fase_ideal: int | None = Field(None, ge=c.FASE_MIN, le=c.FASE_MAX)


class PredictRequest(BaseModel):
    """Either RAs to look up in the production predictions or feature records to score."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"ras": ["RA-1234", "RA-77"]}, {"students": [STUDENT_EXAMPLE]}]
        },
    )

    ras: list[str] | None = Field(None, min_length=1, description="RAs a consultar")
    students: list[StudentRecord] | None = Field(
        None, min_length=1, description="Registros a pontuar com o modelo em produção"
    )

    @model_validator(mode="after")
    def _exactly_one(self) -> Self:
        if (self.ras is None) == (self.students is None):
            raise ValueError("envie exatamente um dos campos 'ras' ou 'students'")
        return self


class LookupResponse(BaseModel):
    """Predictions of the requested RAs (in request order) and the RAs without one."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"model_version": "3", "predictions": [PREDICTION_EXAMPLE], "not_found": ["RA-77"]}
            ]
        }
    )

    model_version: str
    predictions: list[Prediction]
    not_found: list[str]
    warnings: list[str] = Field(
        default_factory=list,
        description="Avisos sobre os dados do ano (por exemplo, provável cópia do ano anterior "
        "ainda não revisada); nunca dados de alunos",
    )


class ScoredStudent(BaseModel):
    """The production model's answer for one submitted record."""

    ra: str | None
    classe: Classe
    p_critical: float
    p_alert: float
    p_expected: float
    risk_score: float
    reasons: list[str]
    model_version: str


class ScoreResponse(BaseModel):
    """Scores of the submitted records, in request order."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "model_version": "3",
                    "scored": [
                        {k: v for k, v in PREDICTION_EXAMPLE.items() if k not in {"ano", "rank"}}
                    ],
                }
            ]
        }
    )

    model_version: str
    scored: list[ScoredStudent]
    warnings: list[str] = Field(
        default_factory=list,
        description="Avisos sobre os dados do ano (por exemplo, provável cópia do ano anterior "
        "ainda não revisada); nunca dados de alunos",
    )


class RiskListResponse(BaseModel):
    """The ranked list of a year (the latest by default), identical to ``passos risk-list``."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "model_version": "3",
                    "ano": 2024,
                    "classes": ["critical", "alert"],
                    "top": 50,
                    "scored_at": "2025-03-01T12:00:00+00:00",
                    "total": 1,
                    "students": [PREDICTION_EXAMPLE],
                }
            ]
        }
    )

    model_version: str
    ano: int | None
    classes: list[Classe]
    top: int | None
    scored_at: datetime | None = Field(description="Quando as previsões foram calculadas")
    total: int = Field(description="Alunos na lista devolvida")
    students: list[Prediction]
    warnings: list[str] = Field(
        default_factory=list,
        description="Avisos sobre os dados do ano (por exemplo, provável cópia do ano anterior "
        "ainda não revisada); nunca dados de alunos",
    )


class ModelInfo(BaseModel):
    """The production model: what it is, its temporal test metrics, who promoted it."""

    model_config = ConfigDict(
        protected_namespaces=(),
        json_schema_extra={
            "examples": [
                {
                    "name": "passos-defasagem",
                    "version": "3",
                    "alias": "production",
                    "preset": "lightgbm",
                    "params": {"n_estimators": 300, "learning_rate": 0.05},
                    "metrics": {"macro_f1": 0.63, "recall_critical": 0.68},
                    "promoted_by": "coordenacao",
                    "promoted_at": "2025-03-01T12:00:00Z",
                    "promoted_reason": "melhor macro F1 no teste 2023→2024",
                    "loaded_at": "2025-03-01T12:00:30Z",
                }
            ]
        },
    )

    name: str
    version: str
    alias: str
    preset: str | None
    params: dict[str, Any]
    metrics: dict[str, float]
    promoted_by: str | None
    promoted_at: str | None
    promoted_reason: str | None
    loaded_at: datetime


class HealthResponse(BaseModel):
    """Readiness without student data."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "status": "ok",
                    "model_version": "3",
                    "model_loaded": True,
                    "database": True,
                    "latest_year": 2024,
                    "predictions_year": 2024,
                    "problems": [],
                }
            ]
        }
    )

    status: Literal["ok", "indisponivel"]
    model_version: str | None
    model_loaded: bool = Field(
        description="Modelo carregado para `POST /predict` com registros e para `/model`"
    )
    database: bool
    latest_year: int | None = Field(description="Ano mais recente carregado no pipeline")
    predictions_year: int | None = Field(description="Ano das previsões servidas")
    problems: list[str] = Field(description="Por que o serviço não está pronto, se não estiver")


class ReloadResponse(BaseModel):
    """Outcome of ``POST /model/reload``."""

    model_config = ConfigDict(
        protected_namespaces=(),
        json_schema_extra={
            "examples": [{"changed": True, "model_version": "4", "previous_version": "3"}]
        },
    )

    changed: bool = Field(description="A versão em produção mudou com esta recarga")
    model_version: str
    previous_version: str | None
