import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('campaigns')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('definition_json', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('activated_at', 'text')
    .execute();

  // One row per (campaign, trigger type): matching looks campaigns up by the activity's type.
  await db.schema
    .createTable('campaign_triggers')
    .addColumn('trigger_type', 'text', (c) => c.notNull())
    .addColumn('campaign_id', 'text', (c) => c.notNull().references('campaigns.id'))
    .addPrimaryKeyConstraint('campaign_triggers_pk', ['trigger_type', 'campaign_id'])
    .execute();

  // Who ran through which campaign and when: the qualification rule reads and claims it atomically.
  await db.schema
    .createTable('campaign_memberships')
    .addColumn('campaign_id', 'text', (c) => c.notNull())
    .addColumn('person_id', 'text', (c) => c.notNull())
    .addColumn('runs', 'integer', (c) => c.notNull())
    .addColumn('last_run_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('campaign_memberships_pk', ['campaign_id', 'person_id'])
    .execute();

  await db.schema
    .createTable('campaign_runs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('campaign_id', 'text', (c) => c.notNull())
    .addColumn('person_id', 'text', (c) => c.notNull())
    .addColumn('activity_id', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('step_index', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_run_at', 'text', (c) => c.notNull())
    .addColumn('locked_until', 'text')
    .addColumn('detail', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('finished_at', 'text')
    .addUniqueConstraint('campaign_runs_activity_uq', ['campaign_id', 'activity_id'])
    .execute();
  await db.schema.createIndex('campaign_runs_due_idx').on('campaign_runs').columns(['status', 'next_run_at']).execute();
  await db.schema.createIndex('campaign_runs_campaign_idx').on('campaign_runs').columns(['campaign_id', 'created_at']).execute();
  await db.schema.createIndex('campaign_runs_person_idx').on('campaign_runs').columns(['person_id', 'created_at']).execute();

  // A step's result is written with its effect, in one transaction: a retried run skips what is done.
  await db.schema
    .createTable('campaign_step_results')
    .addColumn('run_id', 'text', (c) => c.notNull())
    .addColumn('step_index', 'integer', (c) => c.notNull())
    .addColumn('step_type', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('result_json', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('campaign_step_results_pk', ['run_id', 'step_index'])
    .execute();

  await db.schema
    .createTable('lists')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('list_members')
    .addColumn('list_id', 'text', (c) => c.notNull().references('lists.id'))
    .addColumn('person_id', 'text', (c) => c.notNull().references('people.id'))
    .addColumn('added_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('list_members_pk', ['list_id', 'person_id'])
    .execute();
  await db.schema.createIndex('list_members_person_idx').on('list_members').columns(['person_id']).execute();

  await db.schema.createIndex('activities_person_type_idx').on('activities').columns(['person_id', 'type', 'occurred_at']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('activities_person_type_idx').execute();
  for (const t of ['list_members', 'lists', 'campaign_step_results', 'campaign_runs', 'campaign_memberships', 'campaign_triggers', 'campaigns']) {
    await db.schema.dropTable(t).execute();
  }
}
