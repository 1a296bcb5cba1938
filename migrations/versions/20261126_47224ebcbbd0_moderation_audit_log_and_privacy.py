"""moderation, audit log and privacy

Flags and the append-only audit log; why and by whom a contribution was hidden; a contact address
only with consent; the voluntary self-description stored apart from contributions; a consent text
per consultation. Existing consultations get an empty consent text and offer the self-description.

Revision ID: 47224ebcbbd0
Revises: 2fdc2cf1c215
Create Date: 2026-11-26 14:30:50.600725

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '47224ebcbbd0'
down_revision = '2fdc2cf1c215'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('audit_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('actor_label', sa.String(length=300), nullable=False),
    sa.Column('action', sa.String(length=64), nullable=False),
    sa.Column('object_type', sa.String(length=64), nullable=True),
    sa.Column('object_id', sa.Integer(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('details', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_audit_entries_actor_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_entries'))
    )
    with op.batch_alter_table('audit_entries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_entries_action'), ['action'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_entries_actor_id'), ['actor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_entries_created_at'), ['created_at'], unique=False)

    op.create_table('flags',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contribution_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Enum('discriminatory', 'personal_data', 'spam', 'off_topic', 'other', name='flagreason', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('comment', sa.String(length=500), nullable=True),
    sa.Column('reporter_key', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('resolved_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['contribution_id'], ['contributions.id'], name=op.f('fk_flags_contribution_id_contributions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_flags')),
    sa.UniqueConstraint('contribution_id', 'reporter_key', name=op.f('uq_flags_contribution_id'))
    )
    with op.batch_alter_table('flags', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_flags_contribution_id'), ['contribution_id'], unique=False)

    op.create_table('participant_profiles',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contribution_id', sa.Integer(), nullable=False),
    sa.Column('consultation_id', sa.Integer(), nullable=False),
    sa.Column('age_group', sa.String(length=32), nullable=True),
    sa.Column('district', sa.String(length=64), nullable=True),
    sa.Column('languages', sa.JSON(), nullable=False),
    sa.Column('migration_history', sa.String(length=32), nullable=True),
    sa.Column('gender', sa.String(length=32), nullable=True),
    sa.Column('disability', sa.String(length=32), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['consultation_id'], ['consultations.id'], name=op.f('fk_participant_profiles_consultation_id_consultations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['contribution_id'], ['contributions.id'], name=op.f('fk_participant_profiles_contribution_id_contributions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_participant_profiles')),
    sa.UniqueConstraint('contribution_id', name=op.f('uq_participant_profiles_contribution_id'))
    )
    with op.batch_alter_table('participant_profiles', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_participant_profiles_consultation_id'), ['consultation_id'], unique=False)

    with op.batch_alter_table('consultations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('consent_text', sa.JSON(), nullable=False, server_default='{}'))
        batch_op.add_column(sa.Column('asks_self_description', sa.Boolean(), nullable=False, server_default=sa.true()))

    with op.batch_alter_table('contributions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('moderation_reason', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('moderation_note', sa.String(length=500), nullable=True))
        batch_op.add_column(sa.Column('moderated_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('moderated_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('contact_email', sa.String(length=254), nullable=True))
        batch_op.add_column(sa.Column('contact_consent_at', sa.DateTime(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_contributions_moderated_by_id_users'), 'users', ['moderated_by_id'], ['id'], ondelete='SET NULL')



def downgrade():
    with op.batch_alter_table('contributions', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_contributions_moderated_by_id_users'), type_='foreignkey')
        batch_op.drop_column('contact_consent_at')
        batch_op.drop_column('contact_email')
        batch_op.drop_column('moderated_by_id')
        batch_op.drop_column('moderated_at')
        batch_op.drop_column('moderation_note')
        batch_op.drop_column('moderation_reason')

    with op.batch_alter_table('consultations', schema=None) as batch_op:
        batch_op.drop_column('asks_self_description')
        batch_op.drop_column('consent_text')

    with op.batch_alter_table('participant_profiles', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_participant_profiles_consultation_id'))

    op.drop_table('participant_profiles')
    with op.batch_alter_table('flags', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_flags_contribution_id'))

    op.drop_table('flags')
    with op.batch_alter_table('audit_entries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_entries_created_at'))
        batch_op.drop_index(batch_op.f('ix_audit_entries_actor_id'))
        batch_op.drop_index(batch_op.f('ix_audit_entries_action'))

    op.drop_table('audit_entries')
