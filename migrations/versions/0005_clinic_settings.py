"""Clinic settings: the clinic's own details in one row, with a version every process compares.

Written by hand: no row is inserted, since an install without one is "not set up yet" (patients see neutral
wording, admins a notice); the check constraint keeps it to one row; plain create and drop work on both engines.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03 16:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('clinic_settings',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('name_en', sa.String(length=120), nullable=False),
    sa.Column('name_zh', sa.String(length=120), nullable=False),
    sa.Column('address', sa.String(length=500), nullable=False),
    sa.Column('phone', sa.String(length=40), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('website', sa.String(length=200), nullable=False),
    sa.Column('opening_hours', sa.String(length=500), nullable=False),
    sa.Column('data_controller', sa.String(length=200), nullable=False),
    sa.Column('emergency_number', sa.String(length=20), nullable=False),
    sa.Column('urgent_number', sa.String(length=20), nullable=False),
    sa.Column('therapies', sa.JSON(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('id = 1', name=op.f('ck_clinic_settings_single_row')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_clinic_settings'))
    )


def downgrade() -> None:
    op.drop_table('clinic_settings')
