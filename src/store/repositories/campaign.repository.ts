import { sql } from 'kysely';
import type { Kysely, Selectable } from 'kysely';
import type { Campaign, CampaignDefinition, CampaignStatus } from '../../domain/campaigns/campaign.js';
import type { CampaignRunTable, CampaignTable, Database } from '../schema.js';
import type { DialectName } from '../store.js';
import { before, toPage } from './cursor.js';
import type { CursorPosition, Page } from './cursor.js';

type Db = Kysely<Database>;
export type CampaignRunRow = Selectable<CampaignRunTable>;

export function campaignRowToCampaign(row: Selectable<CampaignTable>): Campaign {
  const def = JSON.parse(row.definition_json) as CampaignDefinition;
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    status: row.status as CampaignStatus,
    ...def,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    activatedAt: row.activated_at,
  };
}

function definitionJson(c: CampaignDefinition): string {
  return JSON.stringify({ triggers: c.triggers, filters: c.filters, flow: c.flow, qualification: c.qualification });
}

export async function findCampaign(db: Db, id: string, forUpdate = false, dialect: DialectName = 'sqlite'): Promise<Campaign | null> {
  let query = db.selectFrom('campaigns').selectAll().where('id', '=', id);
  if (forUpdate && dialect === 'postgres') query = query.forUpdate();
  const row = await query.executeTakeFirst();
  return row ? campaignRowToCampaign(row) : null;
}

/** Writes a campaign and its trigger index rows (one per distinct trigger type). */
export async function saveCampaign(db: Db, c: Campaign, isNew: boolean): Promise<void> {
  const values = {
    name: c.name,
    description: c.description,
    status: c.status,
    definition_json: definitionJson(c),
    updated_at: c.updatedAt,
    activated_at: c.activatedAt,
  };
  if (isNew) await db.insertInto('campaigns').values({ id: c.id, created_at: c.createdAt, ...values }).execute();
  else await db.updateTable('campaigns').set(values).where('id', '=', c.id).execute();
  await db.deleteFrom('campaign_triggers').where('campaign_id', '=', c.id).execute();
  const types = [...new Set(c.triggers.map((t) => t.type))];
  if (types.length > 0) {
    await db.insertInto('campaign_triggers').values(types.map((t) => ({ trigger_type: t, campaign_id: c.id }))).execute();
  }
}

export async function listCampaigns(db: Db, options: { limit: number; after: CursorPosition | null; status: CampaignStatus | null }): Promise<Page<Campaign>> {
  let query = db.selectFrom('campaigns').selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc').limit(options.limit + 1);
  if (options.status) query = query.where('status', '=', options.status);
  if (options.after) query = query.where(before('created_at', 'id', options.after));
  const page = toPage(await query.execute(), options.limit, (row) => ({ at: row.created_at, id: row.id }));
  return { data: page.data.map(campaignRowToCampaign), nextCursor: page.nextCursor };
}

export async function activeCampaigns(db: Db): Promise<Campaign[]> {
  const rows = await db.selectFrom('campaigns').selectAll().where('status', '=', 'active').execute();
  return rows.map(campaignRowToCampaign);
}

/** Changes whenever any campaign is saved: the in-memory trigger index reloads only then. */
export async function campaignsVersion(db: Db): Promise<string> {
  const row = await db
    .selectFrom('campaigns')
    .select((eb) => [eb.fn.max('updated_at').as('at'), eb.fn.countAll<string | number>().as('n')])
    .executeTakeFirstOrThrow();
  return `${String(row.at ?? '')}|${String(row.n)}`;
}

export async function insertRunIfAbsent(db: Db, run: CampaignRunRow): Promise<boolean> {
  const result = await db
    .insertInto('campaign_runs')
    .values(run)
    .onConflict((oc) => oc.columns(['campaign_id', 'activity_id']).doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0n) === 1;
}

/** Claims due runs for one worker with a lease; a worker that dies leaves them to the next. */
export async function claimDueRuns(db: Db, dialect: DialectName, now: string, leaseUntil: string, limit: number): Promise<CampaignRunRow[]> {
  const lock = dialect === 'postgres' ? sql`for update skip locked` : sql``;
  const result = await sql<CampaignRunRow>`
    update campaign_runs set status = 'running', locked_until = ${leaseUntil}
    where id in (
      select id from campaign_runs
      where (status in ('pending', 'waiting', 'retrying') and next_run_at <= ${now})
         or (status = 'running' and locked_until < ${now})
      order by next_run_at limit ${limit} ${lock}
    )
    returning *`.execute(db);
  return result.rows;
}

export async function updateRun(db: Db, id: string, changes: Partial<Omit<CampaignRunRow, 'id'>>): Promise<void> {
  await db.updateTable('campaign_runs').set(changes).where('id', '=', id).execute();
}

export async function findRun(db: Db, id: string): Promise<CampaignRunRow | null> {
  return (await db.selectFrom('campaign_runs').selectAll().where('id', '=', id).executeTakeFirst()) ?? null;
}

/** Records a step as done; false when it already was (a retried run must not repeat the effect). */
export async function insertStepResult(
  db: Db,
  row: { run_id: string; step_index: number; step_type: string; status: string; result_json: string; created_at: string },
): Promise<boolean> {
  const result = await db
    .insertInto('campaign_step_results')
    .values(row)
    .onConflict((oc) => oc.columns(['run_id', 'step_index']).doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0n) === 1;
}

export async function stepResultsOf(db: Db, runIds: string[]) {
  if (runIds.length === 0) return [];
  return db.selectFrom('campaign_step_results').selectAll().where('run_id', 'in', runIds).orderBy('step_index').execute();
}

export async function listRuns(
  db: Db,
  by: { campaignId?: string; personId?: string },
  options: { limit: number; after: CursorPosition | null },
): Promise<Page<CampaignRunRow>> {
  let query = db.selectFrom('campaign_runs').selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc').limit(options.limit + 1);
  if (by.campaignId) query = query.where('campaign_id', '=', by.campaignId);
  if (by.personId) query = query.where('person_id', '=', by.personId);
  if (options.after) query = query.where(before('created_at', 'id', options.after));
  return toPage(await query.execute(), options.limit, (row) => ({ at: row.created_at, id: row.id }));
}

/**
 * The qualification rule, claimed atomically: true when the person may run
 * now (and the run is counted), false when a previous run still blocks it.
 * `blockedSince`: null lets every run through; 'never_again' allows one run ever.
 */
export async function claimQualification(db: Db, campaignId: string, personId: string, now: string, blockedSince: string | null | 'never_again'): Promise<boolean> {
  const result = await db
    .insertInto('campaign_memberships')
    .values({ campaign_id: campaignId, person_id: personId, runs: 1, last_run_at: now })
    .onConflict((oc) => {
      const key = oc.columns(['campaign_id', 'person_id']);
      if (blockedSince === 'never_again') return key.doNothing();
      const update = key.doUpdateSet((eb) => ({ runs: eb('campaign_memberships.runs', '+', 1), last_run_at: now }));
      return blockedSince === null ? update : update.where('campaign_memberships.last_run_at', '<=', blockedSince);
    })
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0n) === 1;
}
