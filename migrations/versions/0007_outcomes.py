"""Outcomes: courses of treatment, check-ins, and the reminders mailed for them.

Reviewed by hand: three new tables only. Every row goes with its intake (ON DELETE CASCADE from the submission to
the course, and from the course to its check-ins and reminders), as contact and outbox rows do; one check-in and
one reminder per course and week are unique constraints, which is what makes both idempotent.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03 18:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('treatment_course',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('submission_id', sa.Integer(), nullable=False),
    sa.Column('pattern', sa.String(length=40), nullable=True),
    sa.Column('therapies', sa.JSON(), nullable=False),
    sa.Column('weeks', sa.JSON(), nullable=False),
    sa.Column('reminders', sa.Boolean(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('practitioner_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('row_version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['practitioner_id'], ['staff_user.id'], name=op.f('fk_treatment_course_practitioner_id_staff_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['submission_id'], ['submission.id'], name=op.f('fk_treatment_course_submission_id_submission'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_treatment_course')),
    sa.UniqueConstraint('submission_id', name=op.f('uq_treatment_course_submission_id'))
    )
    op.create_table('check_in',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('week', sa.Integer(), nullable=False),
    sa.Column('questionnaire_version', sa.String(length=20), nullable=False),
    sa.Column('rules_version', sa.String(length=20), nullable=False),
    sa.Column('answers', sa.JSON(), nullable=False),
    sa.Column('red_flags', sa.JSON(), nullable=False),
    sa.Column('urgent', sa.Boolean(), nullable=False),
    sa.Column('language', sa.String(length=10), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('handled_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('handled_by', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['course_id'], ['treatment_course.id'], name=op.f('fk_check_in_course_id_treatment_course'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['handled_by'], ['staff_user.id'], name=op.f('fk_check_in_handled_by_staff_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_check_in')),
    sa.UniqueConstraint('course_id', 'week', name='uq_check_in_course_week')
    )
    op.create_table('check_in_reminder',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('week', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['course_id'], ['treatment_course.id'], name=op.f('fk_check_in_reminder_course_id_treatment_course'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_check_in_reminder')),
    sa.UniqueConstraint('course_id', 'week', name='uq_check_in_reminder_course_week')
    )


def downgrade() -> None:
    op.drop_table('check_in_reminder')
    op.drop_table('check_in')
    op.drop_table('treatment_course')
