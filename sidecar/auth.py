"""Bearer-token access: a read token for predictions, an admin token for reloads.

Tokens are compared in constant time (``hmac.compare_digest``) and never logged or echoed.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from enum import IntEnum

from fastapi import HTTPException, Request, status
from fastapi.security import HTTPBearer

from config.errors import PassosError

MISSING_TOKEN = "Acesso negado: envie o token no cabeçalho 'Authorization: Bearer <token>'."
WRONG_TOKEN = "Acesso negado: token inválido."
TOKEN_HELP = "PASSOS_API_TOKEN para leitura; PASSOS_ADMIN_TOKEN para recarregar o modelo."
NOT_ADMIN = "Esta operação exige o token de administrador (PASSOS_ADMIN_TOKEN)."


class Role(IntEnum):
    """What a token allows; a higher role includes the lower ones."""

    NONE = 0
    READER = 1
    ADMIN = 2


class TokensMissingError(PassosError):
    """The service would expose student data without authentication."""

    def __init__(self, missing: list[str]) -> None:
        super().__init__(
            f"Defina {' e '.join(missing)} antes de iniciar o serviço (as previsões são dados de "
            "menores de idade). Para testar só nesta máquina, use 'passos serve --insecure-dev'."
        )


@dataclass(frozen=True, slots=True)
class TokenPolicy:
    """The configured tokens as bytes; ``open_access`` only in ``--insecure-dev`` on loopback."""

    reader: bytes | None
    admin: bytes | None
    open_access: bool = False

    @classmethod
    def from_tokens(
        cls, api_token: str | None, admin_token: str | None, *, insecure_dev: bool
    ) -> TokenPolicy:
        """Refuse a policy without both tokens unless the service runs in insecure dev mode."""
        named = (("PASSOS_API_TOKEN", api_token), ("PASSOS_ADMIN_TOKEN", admin_token))
        missing = [name for name, value in named if not value]
        if missing and not insecure_dev:
            raise TokensMissingError(missing)
        return cls(
            reader=api_token.encode() if api_token else None,
            admin=admin_token.encode() if admin_token else None,
            open_access=bool(missing),
        )

    def role_of(self, token: str) -> Role:
        """The role a presented token grants (both comparisons always run)."""
        presented = token.encode()
        is_admin = self.admin is not None and hmac.compare_digest(presented, self.admin)
        is_reader = self.reader is not None and hmac.compare_digest(presented, self.reader)
        if is_admin:
            return Role.ADMIN
        return Role.READER if is_reader else Role.NONE


def bearer_token(authorization: str | None) -> str | None:
    """The token of an ``Authorization: Bearer <token>`` header, read as ``HTTPBearer`` reads it
    (None when the header is missing, empty or of another scheme)."""
    if not authorization:
        return None
    scheme, _, token = authorization.partition(" ")
    token = token.strip()
    if not (scheme and token) or scheme.lower() != "bearer":
        return None
    return token


def check_access(policy: TokenPolicy, token: str | None, need: Role) -> Role:
    """The caller's role, or 401 (no or wrong token) / 403 (read token on an admin route)."""
    if policy.open_access:
        return Role.ADMIN
    if token is None:
        raise _unauthorized(MISSING_TOKEN)
    role = policy.role_of(token)
    if role is Role.NONE:
        raise _unauthorized(WRONG_TOKEN)
    if role < need:
        raise HTTPException(status.HTTP_403_FORBIDDEN, detail=NOT_ADMIN)
    return role


def _unauthorized(detail: str) -> HTTPException:
    return HTTPException(
        status.HTTP_401_UNAUTHORIZED, detail=detail, headers={"WWW-Authenticate": "Bearer"}
    )


class BearerAccess(HTTPBearer):
    """``Authorization: Bearer`` checked for one role, as a single dependency (shown in /docs).

    One dependency instead of a chain keeps FastAPI's per-request dependency solving short on
    the hot path; subclasses return what the route needs once access is granted. ``HTTPBearer``
    only describes the scheme in /docs: the header is read by :func:`bearer_token`, without the
    credentials model ``HTTPBearer.__call__`` builds on every request.
    """

    def __init__(self, need: Role) -> None:
        super().__init__(
            auto_error=False,
            scheme_name="HTTPBearer",  # one scheme in /docs for both roles
            description=TOKEN_HELP,
        )
        self.need = need

    def role(self, request: Request) -> Role:
        """The caller's role once access to ``need`` is granted (401/403 otherwise)."""
        policy: TokenPolicy = request.app.state.token_policy
        return check_access(policy, bearer_token(request.headers.get("authorization")), self.need)
