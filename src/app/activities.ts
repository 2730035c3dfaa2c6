import { newId } from '../domain/ids.js';
import { insertActivities } from '../store/repositories/activity.repository.js';
import type { NewActivity } from '../store/repositories/activity.repository.js';
import { insertRunIfAbsent } from '../store/repositories/campaign.repository.js';
import type { Store } from '../store/store.js';
import type { AppContext } from './context.js';
import { countActivities } from './report-stats.js';

/**
 * Every activity goes through here: it is stored, counted for the offer
 * report, and each active campaign whose trigger fires for it gets a run, in
 * the same transaction, so a committed activity always has its counts and
 * runs and a rolled-back one has none.
 * Activities without a person (an anonymous visitor) start no campaign.
 */
export async function recordActivities(trx: Store['db'], ctx: AppContext, activities: NewActivity[]): Promise<string[]> {
  const withIds = activities.map((a) => ({ ...a, id: a.id ?? newId('act') }));
  const at = ctx.clock.now().toISOString();
  await insertActivities(trx, withIds, at);
  await countActivities(trx, withIds);
  const now = ctx.clock.now();
  for (const activity of withIds) {
    if (!activity.personId) continue;
    for (const campaign of await ctx.campaigns.matching(trx, activity, now)) {
      await insertRunIfAbsent(trx, {
        id: newId('run'),
        campaign_id: campaign.id,
        person_id: activity.personId,
        activity_id: activity.id,
        status: 'pending',
        step_index: 0,
        attempts: 0,
        next_run_at: at,
        locked_until: null,
        detail: null,
        created_at: at,
        updated_at: at,
        finished_at: null,
      });
    }
  }
  return withIds.map((a) => a.id);
}
