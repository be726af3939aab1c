"""Column names of the data contract: the one place where they are spelled.

Silver holds one row per (RA, year) with these standard names; gold adds the next-year target.
"""

from __future__ import annotations

from typing import Final

RA: Final = "ra"
ANO: Final = "ano"
NOME: Final = "nome"
FASE: Final = "fase"
TURMA: Final = "turma"
IDADE: Final = "idade"
GENERO: Final = "genero"
ANO_INGRESSO: Final = "ano_ingresso"
ANOS_NA_INSTITUICAO: Final = "anos_na_instituicao"
INSTITUICAO: Final = "instituicao"
ESCOLA: Final = "escola"
PEDRA: Final = "pedra"
INDE: Final = "inde"
IAA: Final = "iaa"
IEG: Final = "ieg"
IPS: Final = "ips"
IDA: Final = "ida"
IPV: Final = "ipv"
IAN: Final = "ian"
IPP: Final = "ipp"
MAT: Final = "mat"
POR: Final = "por"
ING: Final = "ing"
DEFASAGEM: Final = "defasagem"
FASE_IDEAL: Final = "fase_ideal"
SOURCE_HASH: Final = "source_hash"

# Gold additions.
CLASSE_ATUAL: Final = "classe_atual"
DEFASAGEM_PROXIMO_ANO: Final = "defasagem_proximo_ano"
CLASSE_PROXIMO_ANO: Final = "classe_proximo_ano"
TRANSICAO_SUSPEITA: Final = "transicao_suspeita"

INDICATORS: Final = (INDE, IAA, IEG, IPS, IDA, IPV, IAN, IPP)
GRADES: Final = (MAT, POR, ING)
SCORES: Final = INDICATORS + GRADES

SILVER_COLUMNS: Final = (
    RA,
    ANO,
    NOME,
    FASE,
    TURMA,
    IDADE,
    GENERO,
    ANO_INGRESSO,
    ANOS_NA_INSTITUICAO,
    INSTITUICAO,
    ESCOLA,
    PEDRA,
    *SCORES,
    DEFASAGEM,
    FASE_IDEAL,
    SOURCE_HASH,
)

GOLD_COLUMNS: Final = (
    *SILVER_COLUMNS,
    CLASSE_ATUAL,
    DEFASAGEM_PROXIMO_ANO,
    CLASSE_PROXIMO_ANO,
    TRANSICAO_SUSPEITA,
)

# Lineage columns added in bronze.
SOURCE_FILE: Final = "_source_file"
SOURCE_SHEET: Final = "_source_sheet"
SOURCE_ROW: Final = "_source_row"
INGESTED_AT: Final = "_ingested_at"
# Every column bronze adds to a sheet (never a workbook column, never listed as unused).
BRONZE_LINEAGE: Final = (SOURCE_FILE, SOURCE_SHEET, SOURCE_HASH, SOURCE_ROW, INGESTED_AT)

# Allowed values.
PEDRAS: Final = ("Quartzo", "Ágata", "Ametista", "Topázio")
GENEROS: Final = ("F", "M")
CRITICAL: Final = "critical"
ALERT: Final = "alert"
EXPECTED: Final = "expected"
CLASSES: Final = (CRITICAL, ALERT, EXPECTED)
INSTITUICOES: Final = (
    "publica",
    "privada",
    "privada_apadrinhamento",
    "privada_bolsa",
    "privada_empresa",
    "rede_decisao",
    "concluiu_em",
    "universitario",
    "outra",
)
FASE_MIN: Final = 0
FASE_MAX: Final = 9
SCORE_MIN: Final = 0.0
SCORE_MAX: Final = 10.0
