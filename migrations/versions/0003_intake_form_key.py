"""Intake form key: the digest of each intake form's hidden token, unique, so a repeated post is recognised.

Reviewed by hand: nullable, so existing contact rows need no value; batch mode for SQLite.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29 05:02:02.393731

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('contact', schema=None) as batch_op:
        batch_op.add_column(sa.Column('form_key', sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_contact_form_key'), ['form_key'])


def downgrade() -> None:
    with op.batch_alter_table('contact', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_contact_form_key'), type_='unique')
        batch_op.drop_column('form_key')
