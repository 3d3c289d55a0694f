"""Tokens: who am I, issue and revoke tokens (hr)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, status
from sqlalchemy import select

from api.deps import CurrentUser, HrUser, SessionDep
from api.errors import not_found, responses
from api.limits import IdPath
from api.models import ApiToken
from api.schemas import Me, TokenCreate, TokenPublic
from api.security import issue_token

router = APIRouter(prefix="/auth", tags=["auth"])


@router.get("/me", response_model=Me, summary="Who the caller is", responses=responses(401))
def me(user: CurrentUser) -> Me:
    return Me(name=user.name, role=user.role, site_id=user.site_id, unit_id=user.unit_id)


@router.post(
    "/tokens",
    response_model=TokenPublic,
    status_code=status.HTTP_201_CREATED,
    summary="Issue a token (hr)",
    responses=responses(401, 403, 404, 422),
)
def create_token(
    user: HrUser,
    session: SessionDep,
    body: Annotated[
        TokenCreate,
        Body(
            openapi_examples={
                "head": {
                    "summary": "A department head",
                    "value": {
                        "role": "head",
                        "name": "Trưởng phòng Tư pháp",
                        "site_id": "hcc-q1",
                        "unit_id": "tp",
                    },
                },
                "portal": {
                    "summary": "The province's portal",
                    "value": {"role": "portal", "name": "Cổng dịch vụ công tỉnh"},
                },
            }
        ),
    ],
) -> TokenPublic:
    """The token is in the answer once; only its hash is stored."""
    if body.site_id is not None:
        from api.services import get_site

        site = get_site(session, body.site_id)
        if body.unit_id is not None and body.unit_id not in {
            u["id"] for u in site.definition.get("units", [])
        }:
            raise not_found("unit", body.unit_id, "unit_id")
    row, token = issue_token(
        session, body.role, body.name, body.site_id, body.unit_id, created_by=user.name
    )
    return TokenPublic(
        id=row.id,
        role=row.role,
        name=row.name,
        site_id=row.site_id,
        unit_id=row.unit_id,
        token=token,
        created_at=row.created_at,
    )


@router.get(
    "/tokens",
    response_model=list[TokenPublic],
    summary="List tokens (hr)",
    responses=responses(401, 403),
)
def list_tokens(user: HrUser, session: SessionDep) -> list[TokenPublic]:
    rows = session.scalars(
        select(ApiToken).where(ApiToken.revoked.is_(False)).order_by(ApiToken.created_at)
    )
    return [
        TokenPublic(
            id=r.id,
            role=r.role,
            name=r.name,
            site_id=r.site_id,
            unit_id=r.unit_id,
            created_at=r.created_at,
        )
        for r in rows
    ]


@router.delete(
    "/tokens/{token_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Revoke a token (hr)",
    responses=responses(401, 403, 404),
)
def revoke_token(token_id: IdPath, user: HrUser, session: SessionDep) -> None:
    row = session.get(ApiToken, token_id)
    if row is None or row.revoked:
        raise not_found("token", token_id, "token_id")
    row.revoked = True
    session.commit()
