"""Typed settings for every process of the product (env prefix ``PASSOS_``)."""

from __future__ import annotations

import os
from functools import cached_property
from pathlib import Path

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parents[1]
# The real PEDE workbooks sit beside the clone (never inside it, so they cannot be committed);
# benchmarks and real-data tests read them from here.
SHARED_PEDE_DIR = PROJECT_ROOT.parent / "shared" / "data" / "pede"
REAL_WORKBOOK = SHARED_PEDE_DIR / "PEDE_2022-24.xlsx"

LAYER_DIRS = {
    "landing": "00_landing",
    "bronze": "01_bronze",
    "silver": "02_silver",
    "gold": "03_gold",
    "archive": "99_archive",
    "reports": "reports",
}


class RiskThresholds(BaseSettings):
    """Cut points of next-year ``Defasagem`` that define the risk classes."""

    model_config = SettingsConfigDict(env_prefix="PASSOS_RISK_", extra="ignore")

    critical_at_most: int = Field(-2, description="Defasagem at or below this is Critical")
    alert_at_most: int = Field(
        -1, description="Defasagem at or below this (above Critical) is Alert"
    )

    @model_validator(mode="after")
    def _ordered(self) -> RiskThresholds:
        if self.critical_at_most >= self.alert_at_most:
            raise ValueError("critical_at_most must be below alert_at_most")
        return self


class Settings(BaseSettings):
    """Everything a run needs to know; every path is anchored at ``data_dir``."""

    model_config = SettingsConfigDict(env_prefix="PASSOS_", env_file=".env", extra="ignore")

    data_dir: Path = Field(PROJECT_ROOT / "data", description="Where every run writes")
    database_url: str | None = Field(None, description="SQLAlchemy URL; default SQLite in data_dir")
    mlflow_tracking_uri: str | None = Field(
        None, description="MLflow store; MLFLOW_TRACKING_URI wins, default SQLite in data_dir"
    )
    max_upload_mb: int = Field(50, ge=1, description="Largest file accepted for ingest")
    max_uncompressed_mb: int = Field(
        200,
        ge=1,
        description="Largest total size of a workbook once unzipped (the real PEDE file: 5 MB)",
    )
    max_sheet_rows: int = Field(
        50_000, ge=1, description="Most rows read from one sheet (real PEDE sheets: ~1,200)"
    )
    max_sheet_columns: int = Field(
        500, ge=1, description="Most columns read from one sheet (real PEDE sheets: ~55)"
    )
    max_sheet_cells: int = Field(
        5_000_000, ge=1, description="Most cells (rows × columns) read from one sheet"
    )
    parse_memory_mb: int = Field(
        2048,
        ge=64,
        description="Memory the spreadsheet reader (a separate process) may use beyond its start",
    )
    parse_timeout_seconds: float = Field(
        120, gt=0, description="Time the spreadsheet reader may take before it is stopped"
    )
    first_pede_year: int = Field(
        2020, ge=1900, description="Earliest year accepted for a PEDE sheet (--year or detected)"
    )
    years_ahead: int = Field(
        1, ge=0, description="Latest accepted year = the current calendar year + this many"
    )
    small_year_share: float = Field(
        0.5,
        ge=0,
        le=1,
        description=(
            "A new year with fewer students than this share of the latest loaded year is refused "
            "unless forced (--force)"
        ),
    )
    probable_copy_share: float = Field(
        0.95, gt=0, le=1, description="Share of unchanged Defasagem that flags a copied year"
    )
    quarantine_warn_share: float = Field(
        0.05, ge=0, le=1, description="Share of quarantined rows that flags a year"
    )
    # Drift thresholds: why these values is explained in pipeline/drift.py and the README.
    drift_effect_threshold: float = Field(
        1.0,
        gt=0,
        description="Distance, in reference standard deviations (normalised Wasserstein), "
        "at which a numeric column counts as changed",
    )
    drift_category_threshold: float = Field(
        0.25,
        gt=0,
        le=1,
        description="Total variation distance (share of students in other categories) at "
        "which a categorical column counts as changed",
    )
    drift_vanished_share: float = Field(
        0.05,
        gt=0,
        le=1,
        description="A fase, pedra or gênero level holding at least this share of the "
        "reference that is absent from a new year counts as a change",
    )
    drift_html_report: bool = Field(
        True, description="Also write Evidently's HTML drift report (admins; a few seconds)"
    )
    drift_in_background: bool = Field(
        True,
        description="After gold is published, finish drift reports and scoring in the "
        "background (the dashboard's worker thread; a detached process for 'passos ingest')",
    )
    max_request_body_kb: int = Field(
        512, ge=1, description="Largest request body the sidecar reads (413 beyond it)"
    )
    header_timeout_s: float = Field(
        10.0, gt=0, description="Seconds a client has to send a request's headers to the sidecar"
    )
    timezone: str = Field(
        "America/Sao_Paulo",
        description="IANA time zone of every time shown or exported (stored times stay UTC)",
    )
    predictions_keep_years: int | None = Field(
        None,
        ge=1,
        description="Keep the risk lists of this many most recent data years (unset: forever)",
    )
    gate_significant_metrics: list[str] = Field(
        ["macro_f1"],
        description="Metrics whose paired-bootstrap gain over the strongest baseline must have a "
        "95% interval above 0 for a version to pass the promotion gate",
    )
    api_token: SecretStr | None = None
    admin_token: SecretStr | None = None
    admin_password: SecretStr | None = None
    session_idle_minutes: int = Field(
        60, ge=1, description="A dashboard session unused this long ends (sign in again)"
    )
    session_max_hours: int = Field(
        12, ge=1, description="A dashboard session ends this long after sign-in, in use or not"
    )
    signin_slowdown_after: int = Field(
        3,
        ge=1,
        description="Failed sign-ins (per user name or per client) before answers slow down",
    )
    signin_lock_after: int = Field(
        10, ge=2, description="Failed sign-ins (per user name or per client) that lock sign-in"
    )
    signin_lock_minutes: int = Field(
        15, ge=1, description="How long failures are counted and a locked sign-in stays locked"
    )
    password_min_length: int = Field(
        10, ge=8, description="Shortest password accepted when an account is created or changed"
    )
    risk: RiskThresholds = Field(default_factory=lambda: RiskThresholds())  # noqa: PLW0108 - mypy
    # The HTTP sidecar: how it binds, refreshes its cache and bounds its requests.
    sidecar_host: str = Field("127.0.0.1", description="Address `passos serve` binds by default")
    sidecar_port: int = Field(
        8000, ge=1, le=65535, description="Port `passos serve` binds by default"
    )
    reload_interval_s: float = Field(
        30.0, gt=0, description="Seconds between checks for a new production model or predictions"
    )
    predict_max_ras: int = Field(1000, ge=1, description="Most RAs in one `POST /predict`")
    predict_max_students: int = Field(
        200, ge=1, description="Most feature records scored in one `POST /predict`"
    )
    health_timeout_s: float = Field(
        2.0, gt=0, description="Longest wait for the database in `GET /health`"
    )

    # LGPD: how long what is held about students is kept (`passos retention apply`), and the
    # key of the fingerprint an erasure may leave in the audit (docs/privacy.md).
    access_log_retention_days: int = Field(
        365, ge=1, description="Days the access log (student opened, lists exported) is kept"
    )
    audit_retention_days: int = Field(
        1825, ge=1, description="Days other audit entries (uploads, promotions, erasures) are kept"
    )
    privacy_key: SecretStr | None = Field(
        None, description="Key of the HMAC of an erased RA kept in the audit; unset: none kept"
    )

    @model_validator(mode="after")
    def _known_timezone(self) -> Settings:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                f"PASSOS_TIMEZONE '{self.timezone}' desconhecido: use um nome IANA, "
                "por exemplo America/Sao_Paulo."
            ) from None
        return self

    @model_validator(mode="after")
    def _absolute_data_dir(self) -> Settings:
        self.data_dir = self.data_dir.expanduser().resolve()
        return self

    def layer(self, name: str) -> Path:
        """Folder of one medallion layer (``landing``, ``bronze``, …) under the data dir."""
        return self.data_dir / LAYER_DIRS[name]

    @cached_property
    def db_url(self) -> str:
        return self.database_url or f"sqlite:///{self.data_dir / 'passos.db'}"

    @cached_property
    def tracking_uri(self) -> str:
        return (
            os.environ.get("MLFLOW_TRACKING_URI")
            or self.mlflow_tracking_uri
            or f"sqlite:///{self.data_dir / 'mlflow.db'}"
        )

    @property
    def artifacts_dir(self) -> Path:
        return self.data_dir / "mlartifacts"

    @property
    def lock_path(self) -> Path:
        return self.data_dir / ".pipeline.lock"

    def ensure_dirs(self) -> None:
        """Create the data dir and its layer folders (called by writers, never at import)."""
        for name in LAYER_DIRS:
            self.layer(name).mkdir(parents=True, exist_ok=True)


def get_settings() -> Settings:
    """Fresh settings from the environment (cheap; callers pass the object on)."""
    return Settings()
