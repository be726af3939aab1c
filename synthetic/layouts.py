"""The real PEDE sheet layouts: header names, their order per year and the fixed texts.

Every header is spelled once here, so the renderer and the writers cannot disagree with the
layouts the pipeline is tested against.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

# --- Real header names (each spelled once) -------------------------------------------------------

COL_RA: Final = "RA"
COL_FASE: Final = "Fase"
COL_TURMA: Final = "Turma"
COL_NOME: Final = "Nome"
COL_NOME_ANON: Final = "Nome Anonimizado"
COL_ANO_NASC: Final = "Ano nasc"
COL_DATA_NASC: Final = "Data de Nasc"
COL_IDADE: Final = "Idade"
COL_IDADE_2022: Final = "Idade 22"
COL_GENERO: Final = "Gênero"
COL_ANO_INGRESSO: Final = "Ano ingresso"
COL_INSTITUICAO: Final = "Instituição de ensino"
COL_CG: Final = "Cg"
COL_CF: Final = "Cf"
COL_CT: Final = "Ct"
COL_N_AV: Final = "Nº Av"
COL_IAA: Final = "IAA"
COL_IEG: Final = "IEG"
COL_IPS: Final = "IPS"
COL_IPP: Final = "IPP"
COL_IDA: Final = "IDA"
COL_IPV: Final = "IPV"
COL_IAN: Final = "IAN"
COL_REC_PSICOLOGIA: Final = "Rec Psicologia"
COL_MATEM: Final = "Matem"
COL_PORTUG: Final = "Portug"
COL_INGLES: Final = "Inglês"
COL_MAT: Final = "Mat"
COL_POR: Final = "Por"
COL_ING: Final = "Ing"
COL_INDICADO: Final = "Indicado"
COL_ATINGIU_PV: Final = "Atingiu PV"
COL_FASE_IDEAL_2022: Final = "Fase ideal"
COL_FASE_IDEAL: Final = "Fase Ideal"
COL_DEFAS_2022: Final = "Defas"
COL_DEFASAGEM: Final = "Defasagem"
COL_DESTAQUE_IEG: Final = "Destaque IEG"
COL_DESTAQUE_IDA: Final = "Destaque IDA"
COL_DESTAQUE_IPV: Final = "Destaque IPV"
COL_DESTAQUE_IPV_DUP: Final = "Destaque IPV.1"
COL_ESCOLA: Final = "Escola"
COL_ATIVO: Final = "Ativo/ Inativo"
COL_ATIVO_DUP: Final = "Ativo/ Inativo.1"

# The real sheets repeat these headers; pandas reads the second copy with a ".1" suffix.
WRITTEN_HEADER: Final[Mapping[str, str]] = {
    COL_DESTAQUE_IPV_DUP: COL_DESTAQUE_IPV,
    COL_ATIVO_DUP: COL_ATIVO,
}

FIRST_YEAR: Final = 2022
LAYOUT_2023: Final = 2023
LAYOUT_2024: Final = 2024


def _short(year: int) -> str:
    """Two-digit year as in `INDE 22`."""
    return f"{year % 100:02d}"


def pedra_header(year: int, *, long: bool = False) -> str:
    """`Pedra 22` (history style) or `Pedra 2023` (current-year style)."""
    return f"Pedra {year if long else _short(year)}"


def inde_header(year: int, *, long: bool = False) -> str:
    """`INDE 22` (history style) or `INDE 2023` (current-year style)."""
    return f"INDE {year if long else _short(year)}"


def evaluator_header(k: int) -> str:
    """`Avaliador1` … `Avaliador6`."""
    return f"Avaliador{k}"


def recommendation_header(k: int) -> str:
    """`Rec Av1` … `Rec Av4`."""
    return f"Rec Av{k}"


def _evaluators_and_recs(count: int) -> list[str]:
    """Interleaved `Avaliador k`, `Rec Av k` headers."""
    return [h for k in range(1, count + 1) for h in (evaluator_header(k), recommendation_header(k))]


def _headers_2022() -> tuple[str, ...]:
    """Headers of the 2022 sheet, in order."""
    return (
        COL_RA, COL_FASE, COL_TURMA, COL_NOME, COL_ANO_NASC, COL_IDADE_2022, COL_GENERO,
        COL_ANO_INGRESSO, COL_INSTITUICAO, pedra_header(2020), pedra_header(2021),
        pedra_header(2022), inde_header(2022), COL_CG, COL_CF, COL_CT, COL_N_AV,
        *_evaluators_and_recs(4), COL_IAA, COL_IEG, COL_IPS, COL_REC_PSICOLOGIA, COL_IDA,
        COL_MATEM, COL_PORTUG, COL_INGLES, COL_INDICADO, COL_ATINGIU_PV, COL_IPV, COL_IAN,
        COL_FASE_IDEAL_2022, COL_DEFAS_2022, COL_DESTAQUE_IEG, COL_DESTAQUE_IDA, COL_DESTAQUE_IPV,
    )  # fmt: skip


def _headers_2023() -> tuple[str, ...]:
    """Headers of the 2023 sheet, in order (pandas names of the duplicate header)."""
    return (
        COL_RA, COL_FASE, inde_header(2023, long=True), pedra_header(2023, long=True), COL_TURMA,
        COL_NOME_ANON, COL_DATA_NASC, COL_IDADE, COL_GENERO, COL_ANO_INGRESSO, COL_INSTITUICAO,
        *(pedra_header(y) for y in range(2020, 2024)), inde_header(2022), inde_header(2023),
        COL_CG, COL_CF, COL_CT, COL_N_AV, *_evaluators_and_recs(4), COL_IAA, COL_IEG, COL_IPS,
        COL_IPP, COL_REC_PSICOLOGIA, COL_IDA, COL_MAT, COL_POR, COL_ING, COL_INDICADO,
        COL_ATINGIU_PV, COL_IPV, COL_IAN, COL_FASE_IDEAL, COL_DEFASAGEM, COL_DESTAQUE_IEG,
        COL_DESTAQUE_IDA, COL_DESTAQUE_IPV, COL_DESTAQUE_IPV_DUP,
    )  # fmt: skip


def _headers_2024(year: int) -> tuple[str, ...]:
    """Headers of the 2024 layout, shifted to `year` (pandas names of the duplicate header)."""
    return (
        COL_RA, COL_FASE, inde_header(year, long=True), pedra_header(year, long=True), COL_TURMA,
        COL_NOME_ANON, COL_DATA_NASC, COL_IDADE, COL_GENERO, COL_ANO_INGRESSO, COL_INSTITUICAO,
        *(pedra_header(y) for y in range(year - 4, year)),
        *(inde_header(y) for y in range(year - 2, year)),
        COL_CG, COL_CF, COL_CT, COL_N_AV, *_evaluators_and_recs(2),
        *(evaluator_header(k) for k in range(3, 7)), COL_IAA, COL_IEG, COL_IPS, COL_IPP,
        COL_REC_PSICOLOGIA, COL_IDA, COL_MAT, COL_POR, COL_ING, COL_INDICADO, COL_ATINGIU_PV,
        COL_IPV, COL_IAN, COL_FASE_IDEAL, COL_DEFASAGEM, COL_DESTAQUE_IEG, COL_DESTAQUE_IDA,
        COL_DESTAQUE_IPV, COL_ESCOLA, COL_ATIVO, COL_ATIVO_DUP,
    )  # fmt: skip


def headers_for(year: int) -> tuple[str, ...]:
    """Column names of the synthetic sheet of `year`, as pandas reads them back."""
    check_year(year)
    if year == FIRST_YEAR:
        return _headers_2022()
    if year == LAYOUT_2023:
        return _headers_2023()
    return _headers_2024(year)


def sheet_name(year: int) -> str:
    """Sheet name of a year, e.g. `PEDE2023`."""
    return f"PEDE{year}"


# --- Vocabularies (fixed texts of the real sheets, not student data) -----------------------------

PEDRA_THRESHOLDS: Final = (5.506, 6.868, 8.230)
PEDRAS_UNTIL_2022: Final = ("Quartzo", "Ágata", "Ametista", "Topázio")
PEDRAS_FROM_2023: Final = ("Quartzo", "Agata", "Ametista", "Topázio")
INCLUIR: Final = "INCLUIR"
GENDERS_2022: Final = ("Menino", "Menina")
GENDERS: Final = ("Masculino", "Feminino")
FASE_IDEAL_2022: Final = (
    "ALFA  (2º e 3º ano)", "Fase 1 (4º ano)", "Fase 2 (5º e 6º ano)", "Fase 3 (7º e 8º ano)",
    "Fase 4 (9º ano)", "Fase 5 (1º EM)", "Fase 6 (2º EM)", "Fase 7 (3º EM)",
    "Fase 8 (Universitários)",
)  # fmt: skip
FASE_IDEAL_FROM_2023: Final = (
    "ALFA (1° e 2° ano)", "Fase 1 (3° e 4° ano)", "Fase 2 (5° e 6° ano)", "Fase 3 (7° e 8° ano)",
    "Fase 4 (9° ano)", "Fase 5 (1° EM)", "Fase 6 (2° EM)", "Fase 7 (3° EM)",
    "Fase 8 (Universitários)",
)  # fmt: skip
ALFA: Final = "ALFA"
TURMA_LETTERS: Final = "ABCDEFGHIJKLMNOPQRSTUVYZ"
RECOMMENDATIONS: Final = (
    "Promovido de Fase",
    "Promovido de Fase + Bolsa",
    "Mantido na Fase atual",
    "Mantido na Fase + Bolsa",
    "Alocado em Fase anterior",
)
NOT_EVALUATED: Final = "Não avaliado"
PSYCHOLOGY: Final = (
    ("Não atendido", 0.47),
    ("Sem limitações", 0.30),
    ("Requer avaliação", 0.18),
    ("Não indicado", 0.04),
    (NOT_EVALUATED, 0.01),
)
YES_NO: Final = ("Não", "Sim")
HIGHLIGHT_IEG: Final = (
    "Melhorar: Melhorar a sua entrega de lições de casa.",
    "Destaque: A sua boa entrega das lições de casa.",
)
HIGHLIGHT_IDA: Final = (
    "Melhorar: Empenhar-se mais nas aulas e avaliações.",
    "Destaque: As suas boas notas na Passos Mágicos.",
)
HIGHLIGHT_IPV: Final = (
    "Melhorar: Integrar-se mais aos Princípios Passos Mágicos.",
    "Destaque: A sua boa integração aos Princípios Passos Mágicos.",
)
ACTIVE: Final = "Cursando"
# Cumulative order matters: one uniform draw per student maps to a similar kind of school every
# year, so a student's institution persists while the spelling follows the year.
INSTITUTIONS_2022: Final = (("Escola Pública", 0.875), ("Rede Decisão", 0.125))
INSTITUTIONS_2023: Final = (
    ("Pública", 0.800),
    ("Privada - Programa de Apadrinhamento", 0.097),
    ("Privada - Programa de apadrinhamento", 0.002),
    ("Privada *Parcerias com Bolsa 100%", 0.060),
    ("Privada", 0.027),
    ("Privada - Pagamento por *Empresa Parceira", 0.008),
    ("Concluiu o 3º EM", 0.004),
    ("Nenhuma das opções acima", 0.002),
)
INSTITUTIONS_FROM_2024: Final = (
    ("Pública", 0.790),
    ("Privada - Programa de Apadrinhamento", 0.082),
    ("Privada - Programa de apadrinhamento", 0.002),
    ("Privada *Parcerias com Bolsa 100%", 0.036),
    ("Privada", 0.066),
    ("Privada - Pagamento por *Empresa Parceira", 0.008),
    ("Concluiu o 3º EM", 0.006),
    ("Bolsista Universitário *Formado (a)", 0.010),
)
SCHOOL_KINDS: Final = ("EE Escola", "EM Escola", "Colégio", "Faculdade")


def check_year(year: int) -> None:
    """Reject years before the first PEDE layout."""
    if year < FIRST_YEAR:
        raise ValueError(
            f"Ano {year} não suportado: os dados sintéticos começam em {FIRST_YEAR} "
            "(use por exemplo 2022-2024)."
        )
