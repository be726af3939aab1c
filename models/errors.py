"""Typed errors of training, promotion, scoring and export (Portuguese: users read them).

Each says what happened and what to do next; none leaves the registry or the predictions changed.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from config.errors import PassosError


class ModelsError(PassosError):
    """Base of the errors of the models package."""


class NoGoldError(ModelsError):
    def __init__(self, path: Path) -> None:
        super().__init__(
            f"Não há dados consolidados (camada gold) em {path}. Carregue as planilhas do PEDE "
            "primeiro (passos ingest ARQUIVO.xlsx ou a página de envio do painel)."
        )


class SingleYearError(ModelsError):
    def __init__(self, year: int) -> None:
        super().__init__(
            f"Só há dados do ano {year}. Para treinar é preciso acompanhar os mesmos alunos em "
            "anos consecutivos: carregue também a planilha de outro ano."
        )


class NoLabelsError(ModelsError):
    def __init__(self, years: Sequence[int], excluded: int = 0) -> None:
        listed = ", ".join(str(y) for y in years)
        extra = (
            f" ({excluded} transições marcadas como cópia provável foram excluídas)"
            if excluded
            else ""
        )
        super().__init__(
            f"Nenhum aluno aparece em dois anos consecutivos entre os anos carregados ({listed})"
            f"{extra}, então não há rótulo do ano seguinte para aprender. Carregue os anos que "
            "faltam (por exemplo, o ano seguinte ao mais antigo)."
        )


class NotEnoughLabelledYearsError(ModelsError):
    def __init__(self, labelled_years: Sequence[int]) -> None:
        listed = ", ".join(f"{y}→{y + 1}" for y in labelled_years)
        super().__init__(
            f"Há rótulos só para a transição {listed}. A validação temporal precisa de duas "
            "transições (treinar em uma, testar na seguinte): carregue mais um ano consecutivo."
        )


class PresetInvalidError(ModelsError):
    """A preset file is missing or invalid (message from ``config.training_presets``)."""


class TrackingStoreError(ModelsError):
    def __init__(self, uri: str, detail: str) -> None:
        super().__init__(
            f"O registro de modelos (MLflow) em {uri} não pôde ser usado: {detail}. Nada foi "
            "alterado. Confira MLFLOW_TRACKING_URI ou treine os modelos de novo (passos train)."
        )


class NoModelVersionsError(ModelsError):
    def __init__(self) -> None:
        super().__init__(
            "Ainda não há nenhum modelo treinado. Treine primeiro (passos train --all ou a "
            "página de modelos do painel)."
        )


class UnknownVersionError(ModelsError):
    def __init__(self, version: str, known: Sequence[str]) -> None:
        listed = ", ".join(known) or "nenhuma"
        super().__init__(
            f"A versão {version} do modelo não existe. Versões disponíveis: {listed}. Nada foi "
            "alterado."
        )


class GateRefusedError(ModelsError):
    def __init__(self, version: str, reasons: Sequence[str]) -> None:
        self.version = version
        self.reasons = list(reasons)
        super().__init__(
            f"A versão {version} não passou na verificação de qualidade: {'; '.join(reasons)}. "
            'Nada foi alterado. Para promover mesmo assim, informe o motivo (--reason "...").'
        )


class ReasonRequiredError(ModelsError):
    def __init__(self, version: str) -> None:
        self.version = version
        super().__init__(
            f"Informe o motivo para promover a versão {version}: a troca do modelo em produção "
            'fica registrada com quem, quando e por quê (--reason "..."). Nada foi alterado.'
        )


class NoVersionPassesGateError(ModelsError):
    def __init__(self, reasons: Sequence[str]) -> None:
        super().__init__(
            "Nenhuma versão treinada passou na verificação de qualidade "
            f"({'; '.join(reasons)}). Nada foi alterado. Escolha uma versão e informe o motivo "
            '(passos promote VERSÃO --reason "...").'
        )


class NoPreviousVersionError(ModelsError):
    def __init__(self) -> None:
        super().__init__(
            "Não há versão anterior para voltar: nenhuma promoção substituiu outro modelo ainda. "
            "Nada foi alterado."
        )


class NoProductionModelError(ModelsError):
    def __init__(self) -> None:
        super().__init__(
            "Nenhum modelo está em produção. Promova um modelo primeiro (passos promote ou a "
            "página de modelos do painel)."
        )


class ExportPathError(ModelsError):
    def __init__(self, path: Path, detail: str) -> None:
        super().__init__(
            f"Não foi possível gravar a lista em {path}: {detail}. Escolha outra pasta ou "
            "outro nome de arquivo."
        )


class ExportFormatError(ModelsError):
    def __init__(self, fmt: str) -> None:
        super().__init__(f"Formato '{fmt}' desconhecido: use csv ou xlsx.")
