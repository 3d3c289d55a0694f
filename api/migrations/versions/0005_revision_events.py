"""the events a roster revision answers (a re-roster stored as a draft revision)

Revision ID: 0005_revision_events
Revises: 0004_web_sessions
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005_revision_events"
down_revision: str | None = "0004_web_sessions"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("roster_revisions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("events", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("job_id", sa.String(length=32), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("roster_revisions", schema=None) as batch_op:
        batch_op.drop_column("job_id")
        batch_op.drop_column("events")
