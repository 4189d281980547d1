"""merge proposals: stored pairs of entries the duplicate rule takes for one product

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "merge_proposal",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pair", sa.String(length=127), nullable=False),
        sa.Column("entry_id", sa.String(length=63), nullable=False),
        sa.Column("keep_id", sa.String(length=63), nullable=False),
        sa.Column("evidence", sa.JSON(), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_by", sa.String(length=300), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["entry_id"], ["entry.id"]),
        sa.ForeignKeyConstraint(["keep_id"], ["entry.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("pair"),
    )
    with op.batch_alter_table("merge_proposal", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_merge_proposal_entry_id"), ["entry_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_merge_proposal_keep_id"), ["keep_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_merge_proposal_state"), ["state"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("merge_proposal", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_merge_proposal_state"))
        batch_op.drop_index(batch_op.f("ix_merge_proposal_keep_id"))
        batch_op.drop_index(batch_op.f("ix_merge_proposal_entry_id"))
    op.drop_table("merge_proposal")
