"""Typed errors whose message a coordinator can act on (Portuguese: it is what they read)."""

from __future__ import annotations

from config.errors import PassosError


class InputFileError(PassosError):
    """An uploaded file cannot be read as PEDE data; nothing was written."""


class YearUnknownError(InputFileError):
    """The year of a sheet cannot be found in its name, the file name or the headers."""

    def __init__(self, file_name: str, sheet: str) -> None:
        self.file_name = file_name
        self.sheet = sheet
        super().__init__(
            f"Não foi possível descobrir o ano da aba '{sheet}' do arquivo '{file_name}': "
            "informe o ano (--year AAAA na linha de comando ou o seletor de ano no painel)."
        )


class YearAlreadyLoadedError(PassosError):
    """A year is already published and the user did not ask to replace it."""

    def __init__(self, years: list[int]) -> None:
        self.years = years
        listed = ", ".join(str(y) for y in years)
        super().__init__(
            f"O(s) ano(s) {listed} já foram carregados. Para substituir, use --replace "
            "(a versão anterior fica guardada no arquivo morto)."
        )


class PipelineBusyError(PassosError):
    """Another pipeline run holds the lock."""

    def __init__(self) -> None:
        super().__init__(
            "Já existe um processamento em andamento. Aguarde ele terminar e tente de novo."
        )
