"""Typed errors of the sidecar; each becomes one JSON ``{"detail": ...}`` in Portuguese."""

from __future__ import annotations

from config.errors import PassosError
from models.errors import NoProductionModelError

INTERNAL_ERROR = (
    "Erro interno no serviço de previsões. Tente de novo; se persistir, avise a equipe técnica "
    "(o erro foi registrado, sem dados de alunos)."
)


def where_it_failed(exc: BaseException) -> str:
    """Exception type and innermost code location: enough to debug, no message (may hold data)."""
    tb = exc.__traceback__
    while tb is not None and tb.tb_next is not None:
        tb = tb.tb_next
    if tb is None:
        return type(exc).__name__
    code = tb.tb_frame.f_code
    return f"{type(exc).__name__} em {code.co_filename}:{tb.tb_lineno} ({code.co_name})"


class SidecarError(PassosError):
    """Base of the errors the sidecar turns into an HTTP answer (never a traceback)."""

    status_code = 500


class ServiceUnavailableError(SidecarError):
    """The service cannot answer right now; it retries by itself."""

    status_code = 503


class DatabaseUnavailableError(ServiceUnavailableError):
    """The database did not answer."""

    def __init__(self) -> None:
        super().__init__(
            "Banco de dados indisponível no momento. O serviço tenta de novo sozinho; "
            "aguarde alguns segundos e repita o pedido."
        )


def no_production_model() -> ServiceUnavailableError:
    """The sidecar's answer to models' ``NoProductionModelError``: a 503, not a failure.

    The domain error tells a coordinator to promote a model; an API client is told instead that
    the service starts answering by itself once one is promoted (the poller notices it).
    """
    return ServiceUnavailableError(
        "Nenhum modelo em produção ainda: treine e promova um modelo "
        "(passos train, passos promote) e o serviço passa a responder sozinho."
    )


def from_domain(exc: Exception) -> SidecarError | None:
    """The sidecar's error for a domain error it knows how to answer, else ``None``."""
    if isinstance(exc, SidecarError):
        return exc
    if isinstance(exc, NoProductionModelError):
        return no_production_model()
    return None


class PredictionsNotReadyError(ServiceUnavailableError):
    """The production version has no scored students yet."""

    def __init__(self, version: str) -> None:
        super().__init__(
            f"O modelo em produção (versão {version}) ainda não tem previsões calculadas. "
            "Rode 'passos score' (ou aguarde o fim do processamento) e tente de novo."
        )


class ModelLoadingError(ServiceUnavailableError):
    """The predictions are served; the model itself is still loading (first start)."""

    def __init__(self, version: str) -> None:
        super().__init__(
            f"O modelo da versão {version} ainda está sendo carregado; tente de novo em alguns "
            "segundos."
        )


class ModelLoadError(SidecarError):
    """A new production version could not be loaded; the previous one keeps serving."""

    status_code = 500


class StudentNotFoundError(SidecarError):
    """The RA is not among the production model's predictions."""

    status_code = 404

    def __init__(self) -> None:
        super().__init__("Aluno não encontrado nas previsões do modelo em produção.")


class ListNotFoundError(SidecarError):
    """No list was given for the requested year."""

    status_code = 404

    def __init__(self, ano: int) -> None:
        super().__init__(
            f"Não há lista de risco para {ano}. Sem o parâmetro 'ano', a lista do ano mais "
            "recente é devolvida."
        )
