"""Synthetic PEDE workbooks: real layouts and quirks, plausible transitions, deterministic."""

from __future__ import annotations

import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import synthetic
from synthetic import writers

YEARS = [2022, 2023, 2024]

# Header rows of the real PEDE sheets (names only, as pandas reads them: the repeated header
# comes back with a `.1` suffix).
REAL_HEADERS = {
    2022: [
        "RA", "Fase", "Turma", "Nome", "Ano nasc", "Idade 22", "Gênero", "Ano ingresso",
        "Instituição de ensino", "Pedra 20", "Pedra 21", "Pedra 22", "INDE 22", "Cg", "Cf", "Ct",
        "Nº Av", "Avaliador1", "Rec Av1", "Avaliador2", "Rec Av2", "Avaliador3", "Rec Av3",
        "Avaliador4", "Rec Av4", "IAA", "IEG", "IPS", "Rec Psicologia", "IDA", "Matem", "Portug",
        "Inglês", "Indicado", "Atingiu PV", "IPV", "IAN", "Fase ideal", "Defas", "Destaque IEG",
        "Destaque IDA", "Destaque IPV",
    ],
    2023: [
        "RA", "Fase", "INDE 2023", "Pedra 2023", "Turma", "Nome Anonimizado", "Data de Nasc",
        "Idade", "Gênero", "Ano ingresso", "Instituição de ensino", "Pedra 20", "Pedra 21",
        "Pedra 22", "Pedra 23", "INDE 22", "INDE 23", "Cg", "Cf", "Ct", "Nº Av", "Avaliador1",
        "Rec Av1", "Avaliador2", "Rec Av2", "Avaliador3", "Rec Av3", "Avaliador4", "Rec Av4",
        "IAA", "IEG", "IPS", "IPP", "Rec Psicologia", "IDA", "Mat", "Por", "Ing", "Indicado",
        "Atingiu PV", "IPV", "IAN", "Fase Ideal", "Defasagem", "Destaque IEG", "Destaque IDA",
        "Destaque IPV", "Destaque IPV.1",
    ],
    2024: [
        "RA", "Fase", "INDE 2024", "Pedra 2024", "Turma", "Nome Anonimizado", "Data de Nasc",
        "Idade", "Gênero", "Ano ingresso", "Instituição de ensino", "Pedra 20", "Pedra 21",
        "Pedra 22", "Pedra 23", "INDE 22", "INDE 23", "Cg", "Cf", "Ct", "Nº Av", "Avaliador1",
        "Rec Av1", "Avaliador2", "Rec Av2", "Avaliador3", "Avaliador4", "Avaliador5",
        "Avaliador6", "IAA", "IEG", "IPS", "IPP", "Rec Psicologia", "IDA", "Mat", "Por", "Ing",
        "Indicado", "Atingiu PV", "IPV", "IAN", "Fase Ideal", "Defasagem", "Destaque IEG",
        "Destaque IDA", "Destaque IPV", "Escola", "Ativo/ Inativo", "Ativo/ Inativo.1",
    ],
}  # fmt: skip
HEADERS_2025 = [
    "RA", "Fase", "INDE 2025", "Pedra 2025", "Turma", "Nome Anonimizado", "Data de Nasc", "Idade",
    "Gênero", "Ano ingresso", "Instituição de ensino", "Pedra 21", "Pedra 22", "Pedra 23",
    "Pedra 24", "INDE 23", "INDE 24", *REAL_HEADERS[2024][17:],
]  # fmt: skip
INDE = {2022: "INDE 22", 2023: "INDE 2023", 2024: "INDE 2024"}
PEDRA = {2022: "Pedra 22", 2023: "Pedra 2023", 2024: "Pedra 2024"}
DEFAS = {2022: "Defas", 2023: "Defasagem", 2024: "Defasagem"}
FASE_IDEAL = {2022: "Fase ideal", 2023: "Fase Ideal", 2024: "Fase Ideal"}
INSTITUTIONS = {
    "Pública", "Escola Pública", "Rede Decisão", "Privada - Programa de Apadrinhamento",
    "Privada - Programa de apadrinhamento", "Privada *Parcerias com Bolsa 100%", "Privada",
    "Privada - Pagamento por *Empresa Parceira", "Concluiu o 3º EM",
    "Bolsista Universitário *Formado (a)", "Nenhuma das opções acima",
}  # fmt: skip


@pytest.fixture(scope="module")
def sheets() -> dict[int, pd.DataFrame]:
    return synthetic.generate_years(3000, YEARS, seed=7)


@pytest.fixture(scope="module")
def large() -> dict[int, pd.DataFrame]:
    """Enough rows for stable shares."""
    return synthetic.generate_years(30_000, YEARS, seed=11)


@pytest.fixture(scope="module")
def workbook_path(
    sheets: dict[int, pd.DataFrame], tmp_path_factory: pytest.TempPathFactory
) -> Path:
    return synthetic.write_workbook(sheets, tmp_path_factory.mktemp("xlsx") / "PEDE.xlsx")


@pytest.fixture(scope="module")
def read_back(workbook_path: Path) -> dict[str, pd.DataFrame]:
    return pd.read_excel(workbook_path, sheet_name=None, engine="calamine")


def phase_number(fase: pd.Series) -> pd.Series:
    """Phase as an integer from any layout: 3, `FASE 3`, `3L`, `ALFA`, 9."""
    text = fase.astype(str)
    return (
        text.str.extract(r"(\d)")[0].fillna("0").astype(int).where(~text.str.startswith("ALFA"), 0)
    )


def age_years(idade: pd.Series) -> pd.Series:
    """Ages from any layout, undoing Excel's dates (1900-01-08 → 8)."""
    return idade.map(lambda v: v.day if isinstance(v, pd.Timestamp) else v).astype(int)


def transitions(sheets: dict[int, pd.DataFrame], year: int) -> pd.DataFrame:
    """Students present in `year` and `year + 1`, with features of `year` and both Defasagens."""
    now, after = sheets[year], sheets[year + 1]
    left = pd.DataFrame(
        {
            "RA": now["RA"],
            "d0": now[DEFAS[year]],
            "phase0": phase_number(now["Fase"]),
            "signal": now["IEG"] + now["IDA"] + now["IPV"],
            "age0": age_years(now["Idade 22"] if year == 2022 else now["Idade"]),
            "entry0": now["Ano ingresso"],
            "inde0": pd.to_numeric(now[INDE[year]], errors="coerce"),
        }
    )
    right = pd.DataFrame(
        {
            "RA": after["RA"],
            "d1": after[DEFAS[year + 1]],
            "phase1": phase_number(after["Fase"]),
            "age1": age_years(after["Idade"]),
            "entry1": after["Ano ingresso"],
            "inde_history": after[f"INDE {year % 100}"],
        }
    )
    return left.merge(right, on="RA")


# --- determinism and sizes -----------------------------------------------------------------------


def test_same_seed_gives_the_same_sheets_and_another_seed_differs() -> None:
    first = synthetic.generate_years(400, YEARS, seed=3)
    again = synthetic.generate_years(400, YEARS, seed=3)
    other = synthetic.generate_years(400, YEARS, seed=4)
    for year in YEARS:
        pd.testing.assert_frame_equal(first[year], again[year])
        assert not first[year][INDE[year]].equals(other[year][INDE[year]])


@pytest.mark.parametrize("students", [100, 50_000])
def test_total_student_years_is_the_requested_one(students: int) -> None:
    sheets = synthetic.generate_years(students, YEARS)
    total = sum(len(frame) for frame in sheets.values())
    assert abs(total - students) <= 0.02 * students
    assert sorted(sheets) == YEARS
    assert all(len(frame) > 0 for frame in sheets.values())


@pytest.mark.parametrize(
    ("students", "years", "message"),
    [
        (0, YEARS, "pelo menos 1"),
        (-5, YEARS, "pelo menos 1"),
        (100, [2021, 2022], "2021"),
        (100, [], "pelo menos um ano"),
        (2, YEARS, "pelo menos 3 alunos-ano"),
    ],
)
def test_invalid_arguments_are_refused_with_a_clear_message(
    students: int, years: list[int], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        synthetic.generate_years(students, years)


# --- layouts ------------------------------------------------------------------------------------


def test_headers_are_the_real_ones(sheets: dict[int, pd.DataFrame]) -> None:
    for year in YEARS:
        assert list(sheets[year].columns) == REAL_HEADERS[year]
        assert list(synthetic.headers_for(year)) == REAL_HEADERS[year]


def test_later_years_use_the_2024_layout_with_shifted_headers() -> None:
    sheets = synthetic.generate_years(600, [2024, 2025], seed=5)
    assert list(sheets[2025].columns) == HEADERS_2025
    later = sheets[2025]
    assert (later["INDE 2025"] == "INCLUIR").any()
    assert later["Pedra 24"].notna().any()  # history of students present in 2024


def test_non_consecutive_years_fill_history_from_the_skipped_year() -> None:
    sheets = synthetic.generate_years(2000, [2022, 2024], seed=2)
    assert sorted(sheets) == [2022, 2024]
    assert sheets[2024]["INDE 23"].notna().any()
    assert set(sheets[2024]["RA"]) & set(sheets[2022]["RA"])


def test_2022_quirks(sheets: dict[int, pd.DataFrame]) -> None:
    frame = sheets[2022]
    assert frame["Fase"].between(0, 8).all()
    assert frame["Turma"].str.fullmatch(r"[A-Z]").all()
    assert set(frame["Gênero"]) == {"Menina", "Menino"}
    assert "Ágata" in set(frame["Pedra 22"])
    assert set(frame["Instituição de ensino"]) <= {"Escola Pública", "Rede Decisão"}
    assert {"Fase 2 (5º e 6º ano)", "ALFA  (2º e 3º ano)"} <= set(frame["Fase ideal"])
    assert (frame["Ano nasc"] + frame["Idade 22"] == 2022).all()


def test_2023_quirks(sheets: dict[int, pd.DataFrame]) -> None:
    frame = sheets[2023]
    assert frame["Fase"].str.fullmatch(r"ALFA|FASE [1-8]").all()
    assert frame["Turma"].str.fullmatch(r"[1-8][A-Z]|ALFA [A-Z] - G[02]/G[13]").all()
    assert set(frame["Gênero"]) == {"Feminino", "Masculino"}
    pedras = set(frame["Pedra 2023"].dropna())
    assert "Agata" in pedras
    assert "Ágata" not in pedras
    assert "Ágata" in set(frame["Pedra 22"].dropna())  # history keeps its year's spelling
    assert frame["Pedra 23"].isna().all()
    assert frame["INDE 23"].isna().all()
    assert {"Fase 2 (5° e 6° ano)", "ALFA (1° e 2° ano)"} <= set(frame["Fase Ideal"])
    assert frame["Ing"].isna().mean() == pytest.approx(0.6, abs=0.1)


def test_2024_quirks(sheets: dict[int, pd.DataFrame]) -> None:
    frame = sheets[2024]
    fase_types = set(frame["Fase"].map(type))
    assert fase_types == {str, int}
    assert (frame["Fase"] == 9).any()
    assert frame["Fase"][frame["Fase"] != 9].str.fullmatch(r"ALFA|[1-8][A-Z]").all()
    incluir = frame["INDE 2024"] == "INCLUIR"
    assert incluir.mean() == pytest.approx(0.03, abs=0.015)
    assert ((frame["Pedra 2024"] == "INCLUIR") == incluir).all()
    assert pd.api.types.is_datetime64_any_dtype(frame["Data de Nasc"])
    assert pd.api.types.is_integer_dtype(frame["Idade"])
    assert set(frame["Ativo/ Inativo"]) == {"Cursando"}
    assert set(frame["Instituição de ensino"].dropna()) <= INSTITUTIONS
    assert "Pública" in set(frame["Instituição de ensino"])


def test_domain_rules_hold_in_every_year(sheets: dict[int, pd.DataFrame]) -> None:
    for year in YEARS:
        frame = sheets[year]
        defas = frame[DEFAS[year]]
        assert defas.between(-5, 3).all()
        ideal = phase_number(frame[FASE_IDEAL[year]])
        assert (phase_number(frame["Fase"]) - ideal == defas).all()
        expected_ian = np.select([defas >= 0, defas >= -2], [10.0, 5.0], 2.5)
        assert (frame["IAN"].to_numpy() == expected_ian).all()
        inde = pd.to_numeric(frame[INDE[year]], errors="coerce")
        pedra = frame[PEDRA[year]].where(inde.notna())
        stones = ["Quartzo", "Ágata" if year == 2022 else "Agata", "Ametista", "Topázio"]
        expected = pd.cut(inde, [-np.inf, 5.506, 6.868, 8.230, np.inf], right=False, labels=stones)
        assert (pedra.dropna() == expected.dropna().astype(str)).all()
        scores = frame[["IAA", "IEG", "IPS", "IDA", "IPV"]]
        assert ((scores >= 0) & (scores <= 10) | scores.isna()).all().all()
        assert not frame["RA"].duplicated().any()
        assert frame["RA"].str.fullmatch(r"RA-\d+").all()


# --- transitions --------------------------------------------------------------------------------


def test_students_persist_age_and_advance(large: dict[int, pd.DataFrame]) -> None:
    for year in (2022, 2023):
        pairs = transitions(large, year)
        assert len(pairs) / len(large[year]) == pytest.approx(0.65, abs=0.05)
        assert (pairs["age1"] == pairs["age0"] + 1).all()
        assert (pairs["entry1"] == pairs["entry0"]).all()
        assert (pairs["phase1"] - pairs["phase0"] == 1).mean() > 0.6
        pd.testing.assert_series_equal(pairs["inde_history"], pairs["inde0"], check_names=False)
        joiners = large[year + 1][~large[year + 1]["RA"].isin(large[year]["RA"])]
        assert (joiners["Ano ingresso"] == year + 1).all()
        assert (phase_number(joiners["Fase"]) <= 2).mean() > 0.5


def test_next_year_class_mix_is_near_the_real_one(large: dict[int, pd.DataFrame]) -> None:
    pairs = transitions(large, 2023)
    critical = (pairs["d1"] <= -2).mean()
    alert = (pairs["d1"] == -1).mean()
    assert 0.04 <= critical <= 0.16
    assert 0.25 <= alert <= 0.42
    assert 0.45 <= 1 - critical - alert <= 0.70
    means = [large[year][DEFAS[year]].mean() for year in YEARS]
    assert means[0] < means[1] < means[2] < 0


def test_low_indicators_predict_falling_behind(large: dict[int, pd.DataFrame]) -> None:
    pairs = transitions(large, 2023).dropna(subset=["signal"])
    low = pairs["signal"] < pairs["signal"].median()
    at_risk = pairs["d1"] <= -1
    assert at_risk[low].mean() - at_risk[~low].mean() > 0.1
    worsened = pairs["d1"] < pairs["d0"]
    assert worsened[low].mean() > worsened[~low].mean()


# --- files --------------------------------------------------------------------------------------


def test_workbook_reads_back_as_generated(
    sheets: dict[int, pd.DataFrame], read_back: dict[str, pd.DataFrame]
) -> None:
    assert list(read_back) == ["PEDE2022", "PEDE2023", "PEDE2024"]
    for year in YEARS:
        pd.testing.assert_frame_equal(read_back[f"PEDE{year}"], sheets[year], check_dtype=False)


def test_workbook_keeps_the_quirks_excel_introduces(read_back: dict[str, pd.DataFrame]) -> None:
    later = read_back["PEDE2023"]
    dated = later["Idade"].map(lambda v: isinstance(v, pd.Timestamp))
    assert dated.mean() == pytest.approx(0.4, abs=0.1)
    ages = later["Idade"][dated].map(lambda v: v.day)
    assert (later["Idade"][dated].map(lambda v: (v.year, v.month)) == (1900, 1)).all()
    assert ages.between(6, 31).all()
    assert later["Data de Nasc"][~dated].str.fullmatch(r"\d{1,2}/\d{1,2}/\d{4}").all()
    assert "Destaque IPV.1" in later.columns
    newest = read_back["PEDE2024"]
    assert (newest["Fase"] == 9).any()
    assert (newest["INDE 2024"] == "INCLUIR").any()
    assert "Ativo/ Inativo.1" in newest.columns
    assert "Ágata" in set(read_back["PEDE2022"]["Pedra 22"])


def test_repeated_headers_are_written_literally(workbook_path: Path) -> None:
    with zipfile.ZipFile(workbook_path) as archive:
        sheet_2023 = archive.read("xl/worksheets/sheet2.xml").decode()
        sheet_2024 = archive.read("xl/worksheets/sheet3.xml").decode()
    assert sheet_2023.count(">Destaque IPV<") == 2
    assert "Destaque IPV.1" not in sheet_2023
    assert sheet_2024.count(">Ativo/ Inativo<") == 2


def test_workbook_opens_with_openpyxl(tmp_path: Path) -> None:
    small = synthetic.generate_years(300, YEARS, seed=1)
    path = synthetic.write_workbook(small, tmp_path / "small.xlsx")
    back = pd.read_excel(path, sheet_name=None, engine="openpyxl")
    assert list(back) == ["PEDE2022", "PEDE2023", "PEDE2024"]
    assert pd.api.types.is_datetime64_any_dtype(back["PEDE2024"]["Data de Nasc"])
    assert list(back["PEDE2023"].columns) == REAL_HEADERS[2023]


def test_csv_is_pt_br(sheets: dict[int, pd.DataFrame], tmp_path: Path) -> None:
    paths = synthetic.write_workbooks_per_year(sheets, tmp_path, fmt="csv")
    assert [p.name for p in paths] == ["PEDE_2022.csv", "PEDE_2023.csv", "PEDE_2024.csv"]
    raw = paths[1].read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    header, first_row = raw.decode("utf-8-sig").splitlines()[:2]
    assert header.endswith("Destaque IPV;Destaque IPV")
    assert first_row.count(";") == len(REAL_HEADERS[2023]) - 1
    back = pd.read_csv(paths[0], sep=";", decimal=",", encoding="utf-8-sig")
    assert list(back.columns) == REAL_HEADERS[2022]
    assert back["INDE 22"].to_numpy() == pytest.approx(sheets[2022]["INDE 22"].to_numpy())
    assert (back["RA"] == sheets[2022]["RA"]).all()
    mixed = pd.read_csv(paths[2], sep=";", decimal=",", encoding="utf-8-sig")
    assert "INCLUIR" in set(mixed["INDE 2024"])
    assert mixed["INDE 2024"].dropna().str.fullmatch(r"INCLUIR|\d+(,\d+)?").all()


def test_per_year_workbooks(sheets: dict[int, pd.DataFrame], tmp_path: Path) -> None:
    paths = synthetic.write_workbooks_per_year({2023: sheets[2023]}, tmp_path)
    assert [p.name for p in paths] == ["PEDE_2023.xlsx"]
    back = pd.read_excel(paths[0], sheet_name=None, engine="calamine")
    assert list(back) == ["PEDE2023"]


def test_writers_refuse_what_they_cannot_write(
    sheets: dict[int, pd.DataFrame], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(ValueError, match="xlsx ou csv"):
        synthetic.write_workbooks_per_year(sheets, tmp_path, fmt="ods")
    with pytest.raises(ValueError, match="Nenhuma aba"):
        synthetic.write_workbook({}, tmp_path / "empty.xlsx")
    monkeypatch.setattr(writers, "XLSX_MAX_ROWS", 100)
    with pytest.raises(ValueError, match="use o formato csv"):
        synthetic.write_workbook(sheets, tmp_path / "big.xlsx")
    assert not list(tmp_path.glob("*.xlsx*"))


def test_a_failed_write_leaves_no_file_behind(
    sheets: dict[int, pd.DataFrame], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(frame: pd.DataFrame) -> list[bytes]:
        raise OSError("disk full")

    monkeypatch.setattr(writers, "_sheet_xml", broken)
    with pytest.raises(OSError, match="disk full"):
        synthetic.write_workbook(sheets, tmp_path / "PEDE.xlsx")
    assert list(tmp_path.iterdir()) == []
