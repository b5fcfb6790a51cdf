"""Queue indexes: drop the indexes the review queue's composite index makes redundant.

Every query on urgency, status or engine pattern also names the kind and goes through ``ix_submission_queue``
(kind, status, urgent, created_at, id); the queue now scans it per status, so the (kind, urgent, created_at, id)
index is unused too. Each index dropped is one less to write for every stored assessment.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03 16:40:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('submission', schema=None) as batch_op:
        batch_op.drop_index('ix_submission_kind_urgent_created')
        batch_op.drop_index(batch_op.f('ix_submission_urgent'))
        batch_op.drop_index(batch_op.f('ix_submission_status'))
        batch_op.drop_index(batch_op.f('ix_submission_primary_pattern'))


def downgrade() -> None:
    with op.batch_alter_table('submission', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_submission_primary_pattern'), ['primary_pattern'], unique=False)
        batch_op.create_index(batch_op.f('ix_submission_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_submission_urgent'), ['urgent'], unique=False)
        batch_op.create_index('ix_submission_kind_urgent_created', ['kind', 'urgent', 'created_at', 'id'], unique=False)
