"""Typed errors whose message a coordinator can act on (Portuguese: it is what they read)."""

from __future__ import annotations

from config.errors import PassosError


class InputFileError(PassosError):
    """An uploaded file cannot be read as PEDE data; nothing was written.

    ``summary`` is what the run history keeps: the message without example values (RAs, cell
    contents) that help the user at the moment but must not be stored.
    """

    def __init__(self, message: str, *, summary: str | None = None) -> None:
        super().__init__(message)
        self.summary = summary or message


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


class FileLimitError(InputFileError):
    """A file is bigger than the configured limits (size, rows, columns, cells) or unreadable
    within the reader's memory and time limits; refused before it is read whole."""


class YearOutOfRangeError(InputFileError):
    """A sheet's year (given or detected) is outside the plausible PEDE years."""

    def __init__(self, year: int, first: int, last: int, sheet: str | None = None) -> None:
        self.year = year
        self.first = first
        self.last = last
        where = f" da aba '{sheet}'" if sheet else ""
        super().__init__(
            f"O ano {year}{where} não é um ano do PEDE aceito ({first} a {last}). "
            "Confira o ano informado (--year) ou o nome da aba."
        )


class SmallYearError(PassosError):
    """A new year has far fewer students than the latest loaded one; needs confirmation."""

    def __init__(self, year: int, n_new: int, n_previous: int, previous_year: int) -> None:
        self.year = year
        self.n_new = n_new
        self.n_previous = n_previous
        self.previous_year = previous_year
        super().__init__(
            f"O ano {year} tem só {n_new} aluno(s), contra {n_previous} em {previous_year}: "
            "parece incompleto e substituiria a lista atual. Confira a planilha; se estiver "
            "certa, confirme o envio (--force na linha de comando)."
        )
