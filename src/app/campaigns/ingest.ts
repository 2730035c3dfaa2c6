import { GoalpostError, ValidationError } from '../../domain/errors.js';
import { newId } from '../../domain/ids.js';
import { normalizeEmail } from '../../domain/referrals/people.js';
import { linkVisitor, upsertPersonByEmail } from '../../store/repositories/person.repository.js';
import { putReferral } from '../../store/repositories/referral.repository.js';
import type { AppContext } from '../context.js';
import { recordActivities } from '../activities.js';

export interface ActivityInput {
  type: string;
  /** For `custom`: the activity's name. */
  name?: string;
  person: { email: string };
  offerId?: string;
  attributes?: Record<string, unknown>;
  occurredAt?: string;
  idempotencyKey?: string;
}

export interface IngestResult {
  activityId: string;
  personId: string;
  /** True when this idempotency key was seen before: the first result, nothing changed. */
  replayed: boolean;
}

/**
 * Ingests activities from a CRM or webinar tool (one or a batch) in one
 * transaction: an unknown email creates the person; a repeated idempotency key
 * returns the first result; each activity starts the campaigns it triggers.
 */
export async function ingestActivities(ctx: AppContext, inputs: ActivityInput[]): Promise<IngestResult[]> {
  const problems = inputs.flatMap((input, i) => {
    const p = [];
    if (!normalizeEmail(input.person.email)) p.push({ path: `${i}.person.email`, message: 'Not a valid email address.' });
    if (input.type === 'custom' && !input.name) p.push({ path: `${i}.name`, message: 'A custom activity needs a name.' });
    if (input.occurredAt && Date.parse(input.occurredAt) > ctx.clock.now().getTime() + 300_000) {
      p.push({ path: `${i}.occurredAt`, message: 'occurredAt is in the future.' });
    }
    return p;
  });
  if (problems.length > 0) throw new ValidationError('Some activities are invalid; none was stored', problems);

  return ctx.store.db.transaction().execute(async (trx) => {
    const at = ctx.clock.now().toISOString();
    const results: IngestResult[] = [];
    const people = new Map<string, string>();
    const firstResult = (key: string) => trx.selectFrom('idempotency_keys').select('response_json').where('scope', '=', 'activity').where('key', '=', key).executeTakeFirst();
    for (const input of inputs) {
      // A key seen before changes nothing, not even the person its address would create.
      const seen = input.idempotencyKey ? await firstResult(input.idempotencyKey) : undefined;
      if (seen) {
        results.push({ ...(JSON.parse(seen.response_json!) as { activityId: string; personId: string }), replayed: true });
        continue;
      }
      const email = normalizeEmail(input.person.email)!;
      let personId = people.get(email);
      if (!personId) {
        personId = (await upsertPersonByEmail(trx, { id: newId('per'), email, at })).id;
        people.set(email, personId);
      }
      const activityId = newId('act');
      if (input.idempotencyKey) {
        const claimed = await trx
          .insertInto('idempotency_keys')
          .values({ scope: 'activity', key: input.idempotencyKey, request_hash: '', status_code: 201, response_json: JSON.stringify({ activityId, personId }), created_at: at })
          .onConflict((oc) => oc.columns(['scope', 'key']).doNothing())
          .executeTakeFirst();
        if (Number(claimed.numInsertedOrUpdatedRows ?? 0n) === 0) {
          // A concurrent request claimed the key first.
          const first = (await firstResult(input.idempotencyKey))!;
          results.push({ ...(JSON.parse(first.response_json!) as { activityId: string; personId: string }), replayed: true });
          continue;
        }
      }
      await recordActivities(trx, ctx, [
        {
          id: activityId,
          type: input.type,
          offerId: input.offerId ?? null,
          personId,
          visitorId: null,
          participantId: null,
          attributes: { ...(input.attributes ?? {}), ...(input.name ? { name: input.name } : {}) },
          occurredAt: input.occurredAt ? new Date(input.occurredAt).toISOString() : at,
        },
      ]);
      results.push({ activityId, personId, replayed: false });
    }
    return results;
  });
}

export class UnknownVisitorError extends GoalpostError {
  constructor(visitorId: string) {
    super('not_found', `Visitor ${visitorId} is unknown: it has not visited a page with the offer nor followed a share link.`);
  }
}

/**
 * Ties a browser that arrived through a share link to a person, so the
 * referral follows the person: every live referral held under the visitor's
 * key is copied to the person's key (first touch still wins).
 */
export async function identifyVisitor(ctx: AppContext, input: { visitorId: string; email: string }): Promise<{ personId: string; referralsLinked: number }> {
  const email = normalizeEmail(input.email);
  if (!email) throw new ValidationError('Not a valid email address', [{ path: 'email', message: 'Enter a valid email address.' }]);
  return ctx.store.db.transaction().execute(async (trx) => {
    const at = ctx.clock.now().toISOString();
    const person = await upsertPersonByEmail(trx, { id: newId('per'), email, at });
    await linkVisitor(trx, input.visitorId, person.id, at);
    const keys = [`visitor:${input.visitorId}`, `browser:${input.visitorId}`];
    const referrals = await trx.selectFrom('referrals').selectAll().where('friend_key', 'in', keys).where('expires_at', '>', at).orderBy('created_at').execute();
    for (const referral of referrals) {
      // A referrer's own browser cannot make them their own friend.
      const referrer = await trx.selectFrom('participants').select('person_id').where('id', '=', referral.referrer_participant_id).executeTakeFirst();
      if (referrer?.person_id === person.id) continue;
      await putReferral(trx, { ...referral, friend_key: `person:${person.id}` }, at);
    }
    await trx.updateTable('activities').set({ person_id: person.id }).where('visitor_id', '=', input.visitorId).where('person_id', 'is', null).execute();
    return { personId: person.id, referralsLinked: referrals.length };
  });
}
