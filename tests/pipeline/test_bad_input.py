"""Every bad input is refused with a message that says what to do, and nothing is lost."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from config import Settings
from config.errors import PassosError
from pipeline.errors import InputFileError, YearAlreadyLoadedError, YearUnknownError
from pipeline.ingest import ingest
from pipeline.plan import Upload
from pipeline.state import gold_path
from tests.conftest import sheet_2023


def snapshot(settings: Settings) -> dict[str, str]:
    """Hash of every published file and of the database rows that matter."""
    from sqlalchemy import select

    from pipeline.store import engine_for, ingested_files, online_features, quarantine

    files = {
        str(p.relative_to(settings.data_dir)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(settings.data_dir.rglob("*"))
        if p.is_file() and p.suffix in {".parquet", ".xlsx", ".csv", ".html", ".json"}
    }
    with engine_for(settings).connect() as conn:
        for table in (ingested_files, quarantine, online_features):
            rows = conn.execute(select(table)).all()
            files[f"db:{table.name}"] = hashlib.sha256(
                repr(sorted(map(str, rows))).encode()
            ).hexdigest()
    return files


@pytest.fixture
def published(settings: Settings, workbook: Callable[..., bytes]) -> dict[str, str]:
    """A data dir with 2022 and 2023 already published."""
    first = sheet_2023(60)
    ingest(
        [
            Upload(
                "PEDE_2022-23.xlsx", workbook({"PEDE2022": first, "PEDE2023": sheet_2023(60, 20)})
            )
        ],
        settings,
    )
    assert gold_path(settings).exists()
    return snapshot(settings)


def refused(settings: Settings, upload: Upload, match: str, **kwargs: object) -> PassosError:
    with pytest.raises(PassosError, match=match) as info:
        ingest([upload], settings, **kwargs)  # type: ignore[arg-type]
    return info.value


def test_pdf_renamed_xlsx(settings: Settings, published: dict[str, str]) -> None:
    refused(
        settings,
        Upload("PEDE_2024.xlsx", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj"),
        "não é uma planilha Excel válida",
    )
    assert snapshot(settings) == published


def test_truncated_workbook(
    settings: Settings, published: dict[str, str], workbook: Callable[..., bytes]
) -> None:
    content = workbook({"PEDE2024": sheet_2023(30)})
    refused(
        settings, Upload("PEDE_2024.xlsx", content[: len(content) // 2]), "corrompido ou incompleto"
    )
    assert snapshot(settings) == published


def test_empty_workbook(
    settings: Settings, published: dict[str, str], workbook: Callable[..., bytes]
) -> None:
    refused(
        settings, Upload("PEDE_2024.xlsx", workbook({"PEDE2024": pd.DataFrame()})), "não tem dados"
    )
    assert snapshot(settings) == published


def test_empty_file(settings: Settings, published: dict[str, str]) -> None:
    refused(settings, Upload("PEDE_2024.xlsx", b""), "vazio")
    assert snapshot(settings) == published


def test_sheet_without_ra(
    settings: Settings, published: dict[str, str], workbook: Callable[..., bytes]
) -> None:
    sheet = sheet_2023(30).drop(columns=["RA"])
    error = refused(
        settings,
        Upload("PEDE_2024.xlsx", workbook({"PEDE2024": sheet})),
        "coluna\\(s\\) obrigatória\\(s\\) RA",
    )
    assert "primeira linha" in str(error)
    assert snapshot(settings) == published


def test_year_cannot_be_determined_then_given(
    settings: Settings, published: dict[str, str], workbook: Callable[..., bytes]
) -> None:
    sheet = (
        sheet_2023(30)
        .rename(columns={"INDE 2023": "INDE", "Pedra 2023": "Pedra"})
        .drop(columns=["INDE 22"])
    )
    upload = Upload("dados.xlsx", workbook({"Planilha1": sheet}))
    with pytest.raises(YearUnknownError, match="informe o ano"):
        ingest([upload], settings)
    assert snapshot(settings) == published
    result = ingest([upload], settings, year=2024)
    assert result.years_loaded == [2024]


def test_duplicate_ras_inside_a_year(
    settings: Settings, published: dict[str, str], workbook: Callable[..., bytes]
) -> None:
    sheet = sheet_2023(30)
    sheet.loc[5, "RA"] = "RA-1"
    error = refused(
        settings, Upload("PEDE_2024.xlsx", workbook({"PEDE2024": sheet})), "RA\\(s\\) repetido"
    )
    assert "RA-1" in str(error)
    assert snapshot(settings) == published


def test_text_where_numbers_belong(
    settings: Settings, published: dict[str, str], workbook: Callable[..., bytes]
) -> None:
    sheet = sheet_2023(30).assign(IEG="bom")
    refused(
        settings,
        Upload("PEDE_2024.xlsx", workbook({"PEDE2024": sheet})),
        "coluna 'IEG'.*texto onde deveriam estar números",
    )
    assert snapshot(settings) == published


def test_csv_with_wrong_separator(settings: Settings, published: dict[str, str]) -> None:
    content = sheet_2023(20).to_csv(index=False, sep=",").encode()
    refused(
        settings,
        Upload("PEDE_2024.csv", content),
        "não usa ';' como separador \\(parece usar ','\\)",
    )
    assert snapshot(settings) == published


def test_csv_with_unsupported_encoding(settings: Settings, published: dict[str, str]) -> None:
    content = sheet_2023(20).to_csv(index=False, sep=";").encode("utf-16")
    refused(settings, Upload("PEDE_2024.csv", content), "codificação não suportada")
    assert snapshot(settings) == published


def test_file_above_size_limit(
    settings: Settings, published: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    small = settings.model_copy(update={"max_upload_mb": 1})
    refused(
        small,
        Upload("PEDE_2024.csv", b"RA;Fase\n" + b"x" * (1024 * 1024 + 1)),
        "acima do limite de 1 MB",
    )
    assert snapshot(settings) == published


@pytest.mark.parametrize(
    "name", ["../../x.xlsx", "a/b.xlsx", "..\\x.xlsx", ".hidden.xlsx", "notas.pdf"]
)
def test_file_names_with_paths_or_wrong_type(
    settings: Settings, published: dict[str, str], name: str, workbook: Callable[..., bytes]
) -> None:
    with pytest.raises(InputFileError):
        ingest([Upload(name, workbook({"PEDE2024": sheet_2023(20)}))], settings)
    assert snapshot(settings) == published
    assert not any(p.name == "x.xlsx" for p in settings.data_dir.parent.rglob("x.xlsx"))


def test_year_already_loaded_needs_replace(
    settings: Settings, published: dict[str, str], workbook: Callable[..., bytes]
) -> None:
    upload = Upload("PEDE_2023.xlsx", workbook({"PEDE2023": sheet_2023(25)}))
    with pytest.raises(YearAlreadyLoadedError, match="--replace"):
        ingest([upload], settings)
    assert snapshot(settings) == published


def test_failure_while_publishing_keeps_previous_state(
    settings: Settings,
    published: dict[str, str],
    workbook: Callable[..., bytes],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from pipeline import publish

    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(publish, "_replace_online_store", broken)
    with pytest.raises(RuntimeError, match="disk full"):
        ingest([Upload("PEDE_2024.xlsx", workbook({"PEDE2024": sheet_2023(30)}))], settings)
    assert snapshot(settings) == published
    leftovers = [p for p in settings.data_dir.rglob("*") if ".tmp-" in p.name]
    assert leftovers == []


def test_no_files(settings: Settings) -> None:
    with pytest.raises(InputFileError, match="Nenhum arquivo"):
        ingest([], settings)


def test_missing_path_gives_clear_error(tmp_path: Path) -> None:
    with pytest.raises(InputFileError, match="Confira o caminho"):
        Upload.from_path(tmp_path / "nao-existe.xlsx")
