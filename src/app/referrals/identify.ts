import { newId } from '../../domain/ids.js';
import { normalizeEmail } from '../../domain/referrals/people.js';
import { linkVisitor, personIdForVisitor, upsertPersonByEmail } from '../../store/repositories/person.repository.js';
import type { AppContext } from '../context.js';

/**
 * `goalpost('identify', email)` from a page: ties the browser's visitor id to
 * the person with that address, so referrals and conversions follow them.
 *
 * A browser can claim any address, so the public call is deliberately weak:
 * it ties only a visitor that is not tied yet (first tie wins; moving a tie is
 * for the admin API), it never changes a person's fields, and it answers the
 * same whether the address was known, new, invalid or ignored.
 */
export async function identifyVisitorFromPage(ctx: AppContext, input: { visitorId: string; email: string }): Promise<{ accepted: true }> {
  const email = normalizeEmail(input.email);
  if (email) {
    await ctx.store.db.transaction().execute(async (trx) => {
      if (await personIdForVisitor(trx, input.visitorId)) return;
      const at = ctx.clock.now().toISOString();
      const person = await upsertPersonByEmail(trx, { id: newId('per'), email, at });
      await linkVisitor(trx, input.visitorId, person.id, at);
    });
  }
  return { accepted: true };
}
