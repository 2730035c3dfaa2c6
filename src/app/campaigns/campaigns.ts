import type { Campaign, CampaignDefinition, CampaignStatus } from '../../domain/campaigns/campaign.js';
import { campaignProblems } from '../../domain/campaigns/validation.js';
import type { CampaignReferences } from '../../domain/campaigns/validation.js';
import { ConflictError, NotFoundError, ValidationError } from '../../domain/errors.js';
import type { ProblemDetail } from '../../domain/errors.js';
import { newId } from '../../domain/ids.js';
import { findCampaign, listCampaigns, listRuns, saveCampaign, stepResultsOf } from '../../store/repositories/campaign.repository.js';
import type { Page } from '../../store/repositories/cursor.js';
import type { Store } from '../../store/store.js';
import type { AppContext } from '../context.js';
import { parseCursor } from '../pagination.js';

type Db = Store['db'];

export interface CampaignInput extends CampaignDefinition {
  name: string;
  description?: string;
}

export interface CampaignView extends Campaign {
  /** What would block activation now (empty when it can be activated). */
  activationProblems: ProblemDetail[];
}

/** Loads what the campaign names, for validation. */
async function referencesOf(db: Db, def: CampaignDefinition): Promise<CampaignReferences> {
  const offerIds = new Set<string>();
  const emailIds = new Set<string>();
  const listIds = new Set<string>();
  for (const t of def.triggers) for (const c of t.constraints) if (c.field === 'offer' && typeof c.value === 'string') offerIds.add(c.value);
  for (const f of def.filters as unknown as Record<string, unknown>[]) {
    if (typeof f.offerId === 'string') offerIds.add(f.offerId);
    if (typeof f.listId === 'string') listIds.add(f.listId);
  }
  for (const s of def.flow as unknown as Record<string, unknown>[]) {
    if (typeof s.offerId === 'string') offerIds.add(s.offerId);
    if (typeof s.emailId === 'string') emailIds.add(s.emailId);
    if (typeof s.listId === 'string') listIds.add(s.listId);
  }
  const offers = offerIds.size ? await db.selectFrom('offers').select(['id', 'status', 'approved_json', 'draft_json']).where('id', 'in', [...offerIds]).execute() : [];
  const emails = emailIds.size ? await db.selectFrom('emails').select(['id', 'approved_json']).where('id', 'in', [...emailIds]).execute() : [];
  const lists = listIds.size ? await db.selectFrom('lists').select('id').where('id', 'in', [...listIds]).execute() : [];
  return {
    offers: new Map(
      offers.map((o) => {
        const settings = JSON.parse(o.approved_json ?? o.draft_json ?? '{}') as { goal?: { type?: string | null } };
        return [o.id, { approved: o.approved_json !== null, archived: o.status === 'archived', goalType: settings.goal?.type ?? null }];
      }),
    ),
    emails: new Map(emails.map((e) => [e.id, { approved: e.approved_json !== null }])),
    lists: new Set(lists.map((l) => l.id)),
  };
}

async function view(db: Db, campaign: Campaign): Promise<CampaignView> {
  return { ...campaign, activationProblems: campaignProblems(campaign, await referencesOf(db, campaign), true) };
}

/** On save: the structure and that everything named exists; approval states only block activation. */
async function refuseProblems(db: Db, def: CampaignDefinition, forActivation: boolean, what: string): Promise<void> {
  const problems = campaignProblems(def, await referencesOf(db, def), forActivation);
  if (problems.length > 0) throw new ValidationError(`${what}: ${problems.length} problem${problems.length > 1 ? 's' : ''}`, problems);
}

function definitionOf(input: CampaignDefinition): CampaignDefinition {
  return { triggers: input.triggers, filters: input.filters, flow: input.flow, qualification: input.qualification };
}

export async function createCampaign(ctx: AppContext, input: CampaignInput): Promise<CampaignView> {
  return ctx.store.db.transaction().execute(async (trx) => {
    await refuseProblems(trx, input, false, 'The campaign cannot be saved');
    const now = ctx.clock.now().toISOString();
    const campaign: Campaign = {
      id: newId('cmp'),
      name: input.name,
      description: input.description ?? '',
      status: 'inactive',
      ...definitionOf(input),
      createdAt: now,
      updatedAt: now,
      activatedAt: null,
    };
    await saveCampaign(trx, campaign, true);
    return view(trx, campaign);
  });
}

async function loadForUpdate(ctx: AppContext, db: Db, id: string): Promise<Campaign> {
  const campaign = await findCampaign(db, id, true, ctx.store.dialect);
  if (!campaign) throw new NotFoundError('Campaign', id);
  return campaign;
}

/** Replaces what is given; an active campaign is validated as for activation, since it runs. */
export async function updateCampaign(ctx: AppContext, id: string, patch: Partial<CampaignInput>): Promise<CampaignView> {
  const result = await ctx.store.db.transaction().execute(async (trx) => {
    const current = await loadForUpdate(ctx, trx, id);
    const next: Campaign = {
      ...current,
      ...(patch.name !== undefined ? { name: patch.name } : {}),
      ...(patch.description !== undefined ? { description: patch.description } : {}),
      ...(patch.triggers ? { triggers: patch.triggers } : {}),
      ...(patch.filters ? { filters: patch.filters } : {}),
      ...(patch.flow ? { flow: patch.flow } : {}),
      ...(patch.qualification ? { qualification: patch.qualification } : {}),
      updatedAt: ctx.clock.now().toISOString(),
    };
    await refuseProblems(trx, next, next.status === 'active', 'The campaign cannot be saved');
    await saveCampaign(trx, next, false);
    return view(trx, next);
  });
  ctx.campaigns.invalidate();
  return result;
}

export async function setCampaignStatus(ctx: AppContext, id: string, status: CampaignStatus): Promise<CampaignView> {
  const result = await ctx.store.db.transaction().execute(async (trx) => {
    const current = await loadForUpdate(ctx, trx, id);
    if (current.status === status) throw new ConflictError('conflict', `Campaign ${id} is already ${status}.`);
    if (status === 'active') await refuseProblems(trx, current, true, `Campaign ${id} cannot be activated`);
    const now = ctx.clock.now().toISOString();
    const next: Campaign = { ...current, status, updatedAt: now, activatedAt: status === 'active' ? now : current.activatedAt };
    await saveCampaign(trx, next, false);
    return view(trx, next);
  });
  ctx.campaigns.invalidate();
  return result;
}

export async function getCampaign(ctx: AppContext, id: string): Promise<CampaignView> {
  const campaign = await findCampaign(ctx.store.db, id);
  if (!campaign) throw new NotFoundError('Campaign', id);
  return view(ctx.store.db, campaign);
}

export async function listCampaignsPage(ctx: AppContext, query: { limit: number; cursor?: string; status?: CampaignStatus }): Promise<Page<Campaign>> {
  return listCampaigns(ctx.store.db, { limit: query.limit, after: parseCursor(query.cursor), status: query.status ?? null });
}

export interface RunView {
  id: string;
  campaignId: string;
  personId: string;
  activityId: string;
  status: string;
  stepIndex: number;
  attempts: number;
  nextRunAt: string;
  detail: string | null;
  createdAt: string;
  finishedAt: string | null;
  steps: { index: number; type: string; status: string; result: unknown; at: string }[];
}

/** Run history, per campaign or per person, with each step's stored result. */
export async function listRunsPage(ctx: AppContext, by: { campaignId?: string; personId?: string }, query: { limit: number; cursor?: string }): Promise<Page<RunView>> {
  if (by.campaignId && !(await findCampaign(ctx.store.db, by.campaignId))) throw new NotFoundError('Campaign', by.campaignId);
  const page = await listRuns(ctx.store.db, by, { limit: query.limit, after: parseCursor(query.cursor) });
  const results = await stepResultsOf(ctx.store.db, page.data.map((r) => r.id));
  return {
    nextCursor: page.nextCursor,
    data: page.data.map((r) => ({
      id: r.id,
      campaignId: r.campaign_id,
      personId: r.person_id,
      activityId: r.activity_id,
      status: r.status,
      stepIndex: r.step_index,
      attempts: r.attempts,
      nextRunAt: r.next_run_at,
      detail: r.detail,
      createdAt: r.created_at,
      finishedAt: r.finished_at,
      steps: results
        .filter((s) => s.run_id === r.id)
        .map((s) => ({ index: s.step_index, type: s.step_type, status: s.status, result: JSON.parse(s.result_json) as unknown, at: s.created_at })),
    })),
  };
}
