"""entry redirects: ids merged into another entry

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "entry_redirect",
        sa.Column("old_id", sa.String(length=63), nullable=False),
        sa.Column("target_id", sa.String(length=63), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["target_id"], ["entry.id"]),
        sa.PrimaryKeyConstraint("old_id"),
    )
    with op.batch_alter_table("entry_redirect", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_entry_redirect_target_id"), ["target_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("entry_redirect", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_entry_redirect_target_id"))
    op.drop_table("entry_redirect")
