"""harvest sources, their runs, per-URL fetch state and the items each gave

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "harvest_source",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=63), nullable=False),
        sa.Column("format", sa.String(length=30), nullable=False),
        sa.Column("urls", sa.JSON(), nullable=False),
        sa.Column("interval_minutes", sa.Integer(), nullable=False),
        sa.Column("supplier_id", sa.Integer(), nullable=True),
        sa.Column("trust", sa.String(length=10), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("next_run_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_run_id", sa.Integer(), nullable=True),
        sa.Column("lease_owner", sa.String(length=200), nullable=True),
        sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["supplier_id"], ["supplier.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
    )
    op.create_index("ix_harvest_source_supplier_id", "harvest_source", ["supplier_id"])
    op.create_index("ix_harvest_source_next_run_at", "harvest_source", ["next_run_at"])
    op.create_table(
        "harvest_run",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("trigger", sa.String(length=20), nullable=False),
        sa.Column("instance", sa.String(length=200), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("counts", sa.JSON(), nullable=False),
        sa.Column("errors", sa.JSON(), nullable=False),
        sa.Column("rejections", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["source_id"], ["harvest_source.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_harvest_run_source", "harvest_run", ["source_id", "id"])
    op.create_table(
        "harvest_url",
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("url", sa.String(length=2048), nullable=False),
        sa.Column("etag", sa.String(length=500), nullable=True),
        sa.Column("last_modified", sa.String(length=100), nullable=True),
        sa.Column("content_sha256", sa.String(length=64), nullable=True),
        sa.Column("fetched_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["source_id"], ["harvest_source.id"]),
        sa.PrimaryKeyConstraint("source_id", "url"),
    )
    op.create_table(
        "harvest_item",
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("entry_id", sa.String(length=63), nullable=False),
        sa.Column("url", sa.String(length=2048), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("misses", sa.Integer(), nullable=False),
        sa.Column("missing_since", sa.DateTime(timezone=True), nullable=True),
        sa.Column("deprecated_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["entry_id"], ["entry.id"]),
        sa.ForeignKeyConstraint(["source_id"], ["harvest_source.id"]),
        sa.PrimaryKeyConstraint("source_id", "entry_id"),
    )
    op.create_index("ix_harvest_item_entry_id", "harvest_item", ["entry_id"])


def downgrade() -> None:
    op.drop_index("ix_harvest_item_entry_id", table_name="harvest_item")
    op.drop_table("harvest_item")
    op.drop_table("harvest_url")
    op.drop_index("ix_harvest_run_source", table_name="harvest_run")
    op.drop_table("harvest_run")
    op.drop_index("ix_harvest_source_next_run_at", table_name="harvest_source")
    op.drop_index("ix_harvest_source_supplier_id", table_name="harvest_source")
    op.drop_table("harvest_source")
