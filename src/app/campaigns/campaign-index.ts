import type { Campaign } from '../../domain/campaigns/campaign.js';
import { triggerMatches } from '../../domain/campaigns/evaluation.js';
import type { Activity } from '../../domain/referrals/activities.js';
import { activeCampaigns, campaignsVersion } from '../../store/repositories/campaign.repository.js';
import type { Store } from '../../store/store.js';

/**
 * Active campaigns by trigger type, in memory: matching an activity is one
 * map lookup and a check of that type's campaigns, never a scan of all. The
 * index reloads when campaigns change (at once in this process, within
 * `ttlMs` for changes made by another process sharing the database).
 */
export class CampaignIndex {
  private byType = new Map<string, Campaign[]>();
  private version: string | null = null;
  private checkedAt = 0;
  private loading: Promise<void> | null = null;

  constructor(private readonly ttlMs = 1000) {}

  invalidate(): void {
    this.version = null;
    this.checkedAt = 0;
  }

  /**
   * Active campaigns with a trigger that fires for this activity. `db` is the
   * caller's transaction: on SQLite it holds the one connection, so a reload
   * must go through it.
   */
  async matching(db: Store['db'], activity: Pick<Activity, 'type' | 'offerId' | 'attributes'>, now: Date): Promise<Campaign[]> {
    await this.fresh(db);
    const candidates = this.byType.get(activity.type);
    if (!candidates) return [];
    return candidates.filter((c) => c.triggers.some((t) => triggerMatches(t, activity, now)));
  }

  private async fresh(db: Store['db']): Promise<void> {
    if (this.version !== null && Date.now() - this.checkedAt < this.ttlMs) return;
    this.loading ??= this.reload(db).finally(() => {
      this.loading = null;
    });
    await this.loading;
  }

  private async reload(db: Store['db']): Promise<void> {
    const version = await campaignsVersion(db);
    this.checkedAt = Date.now();
    if (version === this.version) return;
    const byType = new Map<string, Campaign[]>();
    for (const campaign of await activeCampaigns(db)) {
      for (const type of new Set(campaign.triggers.map((t) => t.type))) {
        const list = byType.get(type) ?? [];
        list.push(campaign);
        byType.set(type, list);
      }
    }
    this.byType = byType;
    this.version = version;
  }
}
