import { newId } from '../../domain/ids.js';
import { referralExpiry } from '../../domain/referrals/attribution.js';
import type { OfferSettings } from '../../domain/offers/settings.js';
import { insertActivities } from '../../store/repositories/activity.repository.js';
import type { NewActivity } from '../../store/repositories/activity.repository.js';
import { findOffer } from '../../store/repositories/offer.repository.js';
import { findParticipantByShareCode } from '../../store/repositories/participant.repository.js';
import { insertClicks, putReferrals } from '../../store/repositories/referral.repository.js';
import type { ClickTable, ReferralTable } from '../../store/schema.js';
import type { AppContext } from '../context.js';
import { countActivities } from '../report-stats.js';
import { GroupCommit } from './group-commit.js';

interface ShareLink {
  participantId: string;
  personId: string;
  offerId: string;
  signupPage: string | null;
}

interface CachedOffer {
  settings: OfferSettings | null;
  loadedAt: number;
}

interface PendingClick {
  click: ClickTable;
  activity: NewActivity;
  referral: ReferralTable | null;
}

/** Where a share link sends the friend (spec: share URL target), before gp_click is added. */
export function shareTargetUrl(ctx: AppContext, settings: OfferSettings, offerId: string, signupPage: string | null): string {
  const landing = `${ctx.config.publicUrl}/o/${offerId}`;
  switch (settings.shareTarget.type) {
    case 'external_url':
      return settings.shareTarget.url ?? landing;
    case 'referring_page':
      return signupPage && /^https?:\/\//.test(signupPage) ? signupPage : landing;
    case 'landing_page':
      return landing;
  }
}

export type ClickOutcome =
  | { kind: 'not_found' }
  | { kind: 'redirect'; location: string; clickId: string | null };

/**
 * The redirect behind every share URL. Share codes never change owner, so
 * they are cached for good; offer settings for a second (an approval or an
 * archive in another process is seen within that second, in this one at
 * once). Counted clicks are written by group commit and answered after commit.
 */
export class ClickRecorder {
  private readonly links = new Map<string, ShareLink | null>();
  private readonly offers = new Map<string, CachedOffer>();
  private readonly writer: GroupCommit<PendingClick>;

  constructor(private readonly ctx: AppContext, private readonly offerTtlMs = 1000) {
    this.writer = new GroupCommit((batch) => this.write(batch));
  }

  invalidateOffer(offerId: string): void {
    this.offers.delete(offerId);
  }

  async flush(): Promise<void> {
    await this.writer.flush();
  }

  async handle(input: { code: string; channel: string | null; browserId: string | null; count: boolean }): Promise<ClickOutcome> {
    const link = await this.link(input.code);
    if (!link) return { kind: 'not_found' };
    const settings = await this.offerSettings(link.offerId);
    if (!settings) return { kind: 'not_found' };
    const target = shareTargetUrl(this.ctx, settings, link.offerId, link.signupPage);
    if (!input.count) return { kind: 'redirect', location: target, clickId: null };

    const now = this.ctx.clock.now();
    const at = now.toISOString();
    const clickId = newId('clk');
    const channel = input.channel;
    await this.writer.submit({
      click: { id: clickId, offer_id: link.offerId, participant_id: link.participantId, channel, browser_id: input.browserId, created_at: at },
      activity: {
        type: 'clicks_shared_link',
        offerId: link.offerId,
        personId: null,
        visitorId: input.browserId,
        participantId: link.participantId,
        attributes: { clickId, channel, sharerPersonId: link.personId },
        occurredAt: at,
      },
      referral: input.browserId
        ? {
            offer_id: link.offerId,
            friend_key: `browser:${input.browserId}`,
            referrer_participant_id: link.participantId,
            click_id: clickId,
            channel,
            created_at: at,
            expires_at: referralExpiry(now, settings.attributionWindowDays),
          }
        : null,
    });
    const url = new URL(target);
    url.searchParams.set('gp_click', clickId);
    return { kind: 'redirect', location: url.toString(), clickId };
  }

  private async write(batch: PendingClick[]): Promise<void> {
    const at = this.ctx.clock.now().toISOString();
    await this.ctx.store.db.transaction().execute(async (trx) => {
      await insertClicks(trx, batch.map((b) => b.click));
      const activities = batch.map((b) => b.activity);
      await insertActivities(trx, activities, at);
      // One upsert of report counters per batch, not per click.
      await countActivities(trx, activities);
      await putReferrals(trx, batch.flatMap((b) => (b.referral ? [b.referral] : [])), at);
    });
  }

  private async link(code: string): Promise<ShareLink | null> {
    if (this.links.has(code)) return this.links.get(code)!;
    const row = await findParticipantByShareCode(this.ctx.store.db, code);
    const link = row ? { participantId: row.id, personId: row.person_id, offerId: row.offer_id, signupPage: row.signup_page } : null;
    // Unknown codes are not cached: a guesser must not grow our memory.
    if (link) {
      if (this.links.size >= 200_000) this.links.clear();
      this.links.set(code, link);
    }
    return link;
  }

  private async offerSettings(offerId: string): Promise<OfferSettings | null> {
    const cached = this.offers.get(offerId);
    if (cached && Date.now() - cached.loadedAt < this.offerTtlMs) return cached.settings;
    const offer = await findOffer(this.ctx.store.db, offerId);
    const settings = offer && offer.status !== 'archived' ? offer.approved : null;
    this.offers.set(offerId, { settings, loadedAt: Date.now() });
    return settings;
  }
}
