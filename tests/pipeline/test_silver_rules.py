"""Every quirk of the PEDE data has a named rule; each rule is tested on a tiny column."""

from __future__ import annotations

from datetime import datetime

import numpy as np
import pandas as pd
import pytest

from pipeline import silver


def test_incluir_token_is_missing_not_an_error() -> None:
    numbers, unreadable = silver.parse_number(
        pd.Series([7.5, "INCLUIR", " incluir ", None], dtype=object)
    )
    assert numbers.iloc[0] == 7.5
    assert numbers.iloc[1:].isna().all()
    assert not unreadable.any()


def test_ptbr_decimal_comma_and_text_that_is_not_a_number() -> None:
    numbers, unreadable = silver.parse_number(pd.Series(["7,25", "9.531", "abc", ""], dtype=object))
    assert numbers.iloc[0] == pytest.approx(7.25)
    assert numbers.iloc[1] == pytest.approx(9.531)  # a dot is a decimal point, not thousands
    assert unreadable.tolist() == [False, False, True, False]


def test_rounding_overshoot_above_ten_is_clipped_but_real_errors_are_not() -> None:
    clipped = silver.clip_rounding_overshoot(pd.Series([10.002, 10.01, 11.0, 9.9]))
    assert clipped.tolist() == [10.0, 10.0, 11.0, 9.9]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [(0, 0), (7, 7), ("ALFA", 0), ("FASE 3", 3), ("7E", 7), ("4M", 4), (9, 9), (" fase 8 ", 8)],
)
def test_fase_text_and_integer_forms(raw: object, expected: int) -> None:
    assert silver.parse_fase(pd.Series([raw], dtype=object)).iloc[0] == expected


def test_fase_unreadable_is_null() -> None:
    assert silver.parse_fase(pd.Series(["XYZ", None], dtype=object)).isna().all()


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("ALFA  (2º e 3º ano)", 0),
        ("ALFA (1° e 2° ano)", 0),
        ("Fase 2 (5° e 6° ano)", 2),
        ("Fase 8 (Universitários)", 8),
    ],
)
def test_fase_ideal(raw: str, expected: int) -> None:
    assert silver.parse_fase_ideal(pd.Series([raw])).iloc[0] == expected


def test_excel_date_ages_become_years() -> None:
    raw = pd.Series(
        [datetime(1900, 1, 8), "1900-01-12 00:00:00", "09/01/1900", 15, "14"], dtype=object
    )
    assert silver.parse_idade(raw).tolist() == [8, 12, 9, 15, 14]


def test_age_from_birth_year_or_us_date() -> None:
    assert silver.age_from_birth(pd.Series([2003, "6/17/2015"], dtype=object), 2023).tolist() == [
        20,
        8,
    ]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("Menina", "F"), ("Feminino", "F"), ("Menino", "M"), ("Masculino", "M"), ("?", None)],
)
def test_genero_spellings(raw: str, expected: str | None) -> None:
    value = silver.parse_genero(pd.Series([raw])).iloc[0]
    assert (value if not pd.isna(value) else None) == expected


def test_pedra_spellings_and_incluir() -> None:
    result = silver.normalise_pedra(pd.Series(["Agata", "Ágata", "topázio ", "INCLUIR", None]))
    assert result.iloc[:3].tolist() == ["Ágata", "Ágata", "Topázio"]
    assert result.iloc[3:].isna().all()


def test_instituicao_spellings_fold_into_categories() -> None:
    raw = pd.Series(
        [
            "Pública",
            "Escola Pública",
            "Rede Decisão",
            "Privada - Programa de Apadrinhamento",
            "Privada - Programa de apadrinhamento",
            "Privada *Parcerias com Bolsa 100%",
            "Privada - Pagamento por *Empresa Parceira",
            "Privada",
            "Concluiu o 3º EM",
            "Bolsista Universitário *Formado (a)",
            "Nenhuma das opções acima",
            None,
        ]
    )
    assert silver.normalise_instituicao(raw).tolist()[:-1] == [
        "publica",
        "publica",
        "rede_decisao",
        "privada_apadrinhamento",
        "privada_apadrinhamento",
        "privada_bolsa",
        "privada_empresa",
        "privada",
        "concluiu_em",
        "universitario",
        "outra",
    ]
    assert pd.isna(silver.normalise_instituicao(raw).iloc[-1])


def test_ra_stays_a_string_with_prefix() -> None:
    raw = pd.Series(["RA-12", "ra 7", 33, 33.0, "x-1", None], dtype=object)
    result = silver.normalise_ra(raw)
    assert result.iloc[:4].tolist() == ["RA-12", "RA-7", "RA-33", "RA-33"]
    assert result.iloc[4:].isna().all()


def test_headers_map_per_year_and_prefer_the_current_year() -> None:
    headers_2023 = ["RA", "INDE 2023", "INDE 22", "INDE 23", "Pedra 2023", "Pedra 22", "Defasagem"]
    mapping = silver.map_headers(headers_2023, 2023)
    assert mapping["inde"] == "INDE 2023"
    assert mapping["pedra"] == "Pedra 2023"
    mapping_2022 = silver.map_headers(["RA", "INDE 22", "Defas", "Matem", "Idade 22"], 2022)
    assert (mapping_2022["inde"], mapping_2022["defasagem"], mapping_2022["mat"]) == (
        "INDE 22",
        "Defas",
        "Matem",
    )
    assert mapping_2022["idade"] == "Idade 22"
    assert mapping_2022["ipp"] is None


def test_does_not_mutate_its_input() -> None:
    values = pd.Series(["7,5", "INCLUIR"], dtype=object)
    before = values.copy()
    silver.parse_number(values)
    pd.testing.assert_series_equal(values, before)
    assert np.all(values.to_numpy() == before.to_numpy())


def test_entry_year_after_the_pede_year_is_dropped_not_the_row() -> None:
    result = silver.entry_year(pd.Series([2020.0, 2023.0, None]), 2022)
    assert result.iloc[0] == 2020
    assert result.iloc[1:].isna().all()
