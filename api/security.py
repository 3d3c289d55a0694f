"""Tokens and who may do what.

Roles: ``hr`` (policies, every site), ``head`` (own unit of own site only: generate, edit,
publish), ``portal`` (read and generate for any unit). The bootstrap token comes from the
environment (``ROSTER_ADMIN_TOKEN``, role hr) or ``python -m api.admin create-token``.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.errors import ApiError
from api.messages import A
from api.models import ApiToken, WebSessionRow
from roster.text import Text


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> str:
    return "rst_" + secrets.token_urlsafe(32)


@dataclass(frozen=True)
class Principal:
    """The authenticated caller."""

    name: str
    role: str
    site_id: str | None = None
    unit_id: str | None = None
    key: str = ""  # the token's id ("admin" for the bootstrap token): per-token limits

    @property
    def is_hr(self) -> bool:
        return self.role == "hr"

    def require(self, *roles: str) -> None:
        if self.role not in roles:
            needs = Text((" or ".join(roles), " hoặc ".join(roles)))
            raise ApiError(403, A("role_may_not", role=self.role, needs=needs))

    def can_read_site(self, site_id: str) -> bool:
        return self.role != "head" or self.site_id == site_id

    def check_site(self, site_id: str) -> None:
        if not self.can_read_site(site_id):
            raise ApiError(403, A("head_site_only", site=self.site_id), "site_id")

    def can_act_on(self, site_id: str, unit_id: str | None) -> bool:
        if self.role != "head":
            return True
        return self.site_id == site_id and unit_id is not None and unit_id == self.unit_id

    def check_unit(self, site_id: str, unit_id: str | None) -> None:
        """Heads: only their own unit (a whole-site roster is not theirs)."""
        if not self.can_act_on(site_id, unit_id):
            raise ApiError(
                403,
                A("head_unit_only", unit=self.unit_id, site=self.site_id),
                "unit_id",
            )

    def check_read(self, site_id: str, unit_id: str | None) -> None:
        """Reading a roster: heads read their own unit's rosters and the site-wide rosters of
        their site (filtered to their unit by ``api.scope``)."""
        if self.role == "head" and not (
            self.site_id == site_id and (unit_id is None or unit_id == self.unit_id)
        ):
            self.check_unit(site_id, unit_id)


def now() -> float:
    """Unix time (one place, so that tests can move the clock)."""
    return time.time()


WEB_SESSION_PREFIX = "ws."
WEB_SESSION_TTL = 12 * 3600.0  # seconds a web session lives without use


def web_session_token_hash(session: Session, bearer: str) -> str | None:
    """The hash of the API token a live web session signed in with (``bearer`` is
    ``ws.<session id>``, what the web pages send in process), or None when the session is
    unknown or expired."""
    row = session.get(WebSessionRow, hash_token(bearer.removeprefix(WEB_SESSION_PREFIX)))
    if row is None or now() - row.seen > WEB_SESSION_TTL:
        return None
    return row.token_hash


def authenticate(session: Session, token: str, admin_token: str | None) -> Principal | None:
    """The principal of ``token``, or None when it is unknown or revoked. A web session's
    bearer (``ws.<session id>``) stands for the token it signed in with, so revoking that token
    (or changing the admin token) ends the session too."""
    if token.startswith(WEB_SESSION_PREFIX):
        token_hash = web_session_token_hash(session, token)
        if token_hash is None:
            return None
    else:
        token_hash = hash_token(token)
    if admin_token and hmac.compare_digest(token_hash, hash_token(admin_token)):
        return Principal(name="admin", role="hr", key="admin")
    row = session.scalar(select(ApiToken).where(ApiToken.token_hash == token_hash))
    if row is None or row.revoked:
        return None
    return Principal(
        name=row.name or f"token-{row.id[:8]}",
        role=row.role,
        site_id=row.site_id,
        unit_id=row.unit_id,
        key=row.id,
    )


def issue_token(
    session: Session,
    role: str,
    name: str = "",
    site_id: str | None = None,
    unit_id: str | None = None,
    created_by: str = "",
) -> tuple[ApiToken, str]:
    """Store a new token; returns the row and the token in clear (shown once)."""
    if role not in ("hr", "head", "portal"):
        raise ApiError(422, A("unknown_role", role=role), "role")
    if role == "head" and (not site_id or not unit_id):
        raise ApiError(422, A("head_needs_unit"), "unit_id")
    token = new_token()
    row = ApiToken(
        name=name,
        role=role,
        site_id=site_id,
        unit_id=unit_id,
        token_hash=hash_token(token),
        created_by=created_by,
    )
    session.add(row)
    session.commit()
    return row, token
