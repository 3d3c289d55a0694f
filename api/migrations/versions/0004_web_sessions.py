"""web sessions in the database

Signed-in web sessions move from one process's memory to the database, so that every API
instance behind a load balancer knows them and a restart signs nobody out.

Revision ID: 0004_web_sessions
Revises: 0002_job_leases
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004_web_sessions"
down_revision: str | None = "0002_job_leases"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "web_sessions",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("me", sa.JSON(), nullable=False),
        sa.Column("csrf", sa.String(length=64), nullable=False),
        sa.Column("proposals", sa.JSON(), nullable=False),
        sa.Column("created", sa.Float(), nullable=False),
        sa.Column("seen", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_web_sessions_token_hash", "web_sessions", ["token_hash"], unique=False)
    op.create_index("ix_web_sessions_seen", "web_sessions", ["seen"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_web_sessions_seen", table_name="web_sessions")
    op.drop_index("ix_web_sessions_token_hash", table_name="web_sessions")
    op.drop_table("web_sessions")
