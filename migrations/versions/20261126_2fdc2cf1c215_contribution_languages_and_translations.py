"""contribution languages and translations

Contributions get the detected language's confidence and how the language was set (existing rows:
'author'); translations are stored beside the original with their source.

Revision ID: 2fdc2cf1c215
Revises: 56ee7818a079
Create Date: 2026-11-26 14:01:15.824194

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '2fdc2cf1c215'
down_revision = '56ee7818a079'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('contribution_translations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contribution_id', sa.Integer(), nullable=False),
    sa.Column('language', sa.String(length=8), nullable=False),
    sa.Column('source_language', sa.String(length=8), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('source', sa.Enum('human', 'machine', name='translationsource', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('provider', sa.String(length=64), nullable=True),
    sa.Column('model', sa.String(length=200), nullable=True),
    sa.Column('translator_id', sa.Integer(), nullable=True),
    sa.Column('reviewed', sa.Boolean(), nullable=False),
    sa.Column('based_on_id', sa.Integer(), nullable=True),
    sa.Column('is_current', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['based_on_id'], ['contribution_translations.id'], name=op.f('fk_contribution_translations_based_on_id_contribution_translations'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['contribution_id'], ['contributions.id'], name=op.f('fk_contribution_translations_contribution_id_contributions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['translator_id'], ['users.id'], name=op.f('fk_contribution_translations_translator_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contribution_translations'))
    )
    with op.batch_alter_table('contribution_translations', schema=None) as batch_op:
        batch_op.create_index('ix_contribution_translations_lookup', ['contribution_id', 'language', 'is_current'], unique=False)

    with op.batch_alter_table('contributions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('language_confidence', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('language_source', sa.Enum('detected', 'author', 'staff', name='languagesource', native_enum=False, create_constraint=True, length=32), nullable=False, server_default='author'))



def downgrade():
    with op.batch_alter_table('contributions', schema=None) as batch_op:
        # The enum's CHECK constraint must go first, or SQLite's table copy still refers to the column.
        batch_op.drop_constraint(op.f('ck_contributions_languagesource'), type_='check')
        batch_op.drop_column('language_source')
        batch_op.drop_column('language_confidence')

    with op.batch_alter_table('contribution_translations', schema=None) as batch_op:
        batch_op.drop_index('ix_contribution_translations_lookup')

    op.drop_table('contribution_translations')
