"""job leases and repair jobs

Jobs get a kind (roster or a repair solve) with its request (``params``), the lease of the worker
solving them (``worker``, ``lease_until``) and when their message went to the queue
(``dispatched_at``); ``site_id`` may be empty for a repair solve of a problem sent in full.

Revision ID: 0002_job_leases
Revises: 0003_versions
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002_job_leases"
down_revision: str | None = "0003_versions"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("jobs", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("kind", sa.String(length=20), nullable=False, server_default="roster")
        )
        batch_op.add_column(sa.Column("params", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("worker", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("dispatched_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.alter_column("site_id", existing_type=sa.String(length=100), nullable=True)
        batch_op.create_index("ix_jobs_status_lease", ["status", "lease_until"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("jobs", schema=None) as batch_op:
        batch_op.drop_index("ix_jobs_status_lease")
        batch_op.alter_column("site_id", existing_type=sa.String(length=100), nullable=False)
        batch_op.drop_column("dispatched_at")
        batch_op.drop_column("lease_until")
        batch_op.drop_column("worker")
        batch_op.drop_column("params")
        batch_op.drop_column("kind")
