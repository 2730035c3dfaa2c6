import { activityCountKey, filtersPass } from '../../domain/campaigns/evaluation.js';
import type { FilterFacts } from '../../domain/campaigns/evaluation.js';
import { qualificationCutoff } from '../../domain/campaigns/campaign.js';
import type { Campaign, Step } from '../../domain/campaigns/campaign.js';
import { GoalpostError } from '../../domain/errors.js';
import { newId } from '../../domain/ids.js';
import { escapeHtml } from '../../domain/messages/tokens.js';
import { activityRowToActivity } from '../../store/repositories/activity.repository.js';
import {
  claimDueRuns,
  claimQualification,
  findCampaign,
  insertStepResult,
  updateRun,
} from '../../store/repositories/campaign.repository.js';
import type { CampaignRunRow } from '../../store/repositories/campaign.repository.js';
import { addListMember, listIdsOfPerson, removeListMember } from '../../store/repositories/list.repository.js';
import { enqueueMessage } from '../../store/repositories/outbox.repository.js';
import { findParticipantFor, setFulfillmentState } from '../../store/repositories/participant.repository.js';
import type { PersonTable } from '../../store/schema.js';
import type { Store } from '../../store/store.js';
import { postSignedWebhook, WebhookError } from '../../delivery/webhooks.js';
import type { AppContext } from '../context.js';
import { PollingLoop } from '../polling-loop.js';
import { queueFulfillmentEmail } from '../referrals/credit.js';
import { loadLiveOffer } from '../referrals/live-offer.js';
import { enqueueEmail } from '../referrals/mail.js';
import { creditReferrerOfPerson } from '../referrals/trigger-credit.js';

type Trx = Store['db'];
type PersonRow = PersonTable;

export interface RunnerOptions {
  pollMs?: number;
  batchSize?: number;
  leaseMs?: number;
  /** Webhook attempts before the step is marked failed. */
  webhookAttempts?: number;
  webhookRetryBaseMs?: number;
  webhookTimeoutMs?: number;
}

interface StepOutcome {
  status: string;
  result: Record<string, unknown>;
}

interface RunContext {
  run: CampaignRunRow;
  campaign: Campaign;
  person: PersonRow;
  stepIndex: number;
}

const COLUMN_OF: Record<string, keyof PersonRow> = {
  firstName: 'first_name',
  lastName: 'last_name',
  company: 'company',
  phone: 'phone',
  consent: 'consent',
  email: 'email',
  locale: 'locale',
  createdAt: 'created_at',
  referredVisits: 'referred_visits',
  referredSignups: 'referred_signups',
};

/**
 * Executes campaign runs from the store: claims due runs with a lease,
 * qualifies them (filters, then the qualification rule), then runs the flow
 * step by step. A step's effect and its recorded result commit together, so a
 * crash and a retry never repeat an effect; a Wait is a time in the store, so
 * it survives restarts; a failing webhook is retried with backoff, then marked
 * failed, while other runs go on.
 */
export class CampaignRunner {
  private readonly opts: Required<RunnerOptions>;
  private readonly loop: PollingLoop;

  constructor(private readonly ctx: AppContext, options: RunnerOptions = {}) {
    this.opts = {
      pollMs: 500,
      batchSize: 50,
      // Longer than a run can take at the webhook timeout, so no second worker takes a run still under way.
      leaseMs: 5 * 60_000,
      webhookAttempts: 5,
      webhookRetryBaseMs: 10_000,
      webhookTimeoutMs: 10_000,
      ...options,
    };
    this.loop = new PollingLoop(() => this.pass(), this.opts.pollMs, ctx.logger, 'campaign runner');
  }

  start(): void {
    this.loop.start();
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }

  /** One pass over due runs; returns how many were advanced. */
  runOnce(): Promise<number> {
    return this.loop.runOnce();
  }

  /** Runs passes until nothing is due (tests use it instead of waiting). */
  async drain(maxPasses = 100): Promise<void> {
    for (let i = 0; i < maxPasses; i++) if ((await this.runOnce()) === 0) return;
  }

  private async pass(): Promise<number> {
    const now = this.ctx.clock.now();
    const runs = await claimDueRuns(
      this.ctx.store.db,
      this.ctx.store.dialect,
      now.toISOString(),
      new Date(now.getTime() + this.opts.leaseMs).toISOString(),
      this.opts.batchSize,
    );
    // Runs are independent: one slow webhook does not hold up the others.
    await Promise.all(
      runs.map((run) =>
        this.advance(run).catch(async (err: unknown) => {
          this.ctx.logger.error({ err, runId: run.id }, 'campaign run failed');
          await updateRun(this.ctx.store.db, run.id, { status: 'failed', detail: `internal error: ${(err as Error).message}`.slice(0, 500), locked_until: null, updated_at: this.iso(), finished_at: this.iso() });
        }),
      ),
    );
    return runs.length;
  }

  private iso(): string {
    return this.ctx.clock.now().toISOString();
  }

  private async finish(run: CampaignRunRow, status: string, detail: string | null): Promise<void> {
    await updateRun(this.ctx.store.db, run.id, { status, detail, locked_until: null, updated_at: this.iso(), finished_at: this.iso() });
  }

  private async advance(run: CampaignRunRow): Promise<void> {
    const { db } = this.ctx.store;
    const campaign = await findCampaign(db, run.campaign_id);
    if (!campaign) return this.finish(run, 'failed', 'the campaign no longer exists');
    const person = await db.selectFrom('people').selectAll().where('id', '=', run.person_id).executeTakeFirst();
    if (!person) return this.finish(run, 'failed', 'the person no longer exists');

    // Step -1 is qualification: filters, then the rule, recorded like a step so it is decided once.
    const qualified = await db.selectFrom('campaign_step_results').select('status').where('run_id', '=', run.id).where('step_index', '=', -1).executeTakeFirst();
    if (!qualified) {
      const outcome = await db.transaction().execute(async (trx) => {
        const passes = filtersPass(campaign.filters, await this.facts(trx, campaign, person), this.ctx.clock.now());
        const allowed = passes && (await claimQualification(trx, campaign.id, person.id, this.iso(), qualificationCutoff(campaign.qualification, this.ctx.clock.now())));
        const status = !passes ? 'filtered_out' : allowed ? 'qualified' : 'not_qualified';
        await insertStepResult(trx, { run_id: run.id, step_index: -1, step_type: 'qualification', status, result_json: '{}', created_at: this.iso() });
        return status;
      });
      if (outcome !== 'qualified') {
        return this.finish(run, 'skipped', outcome === 'filtered_out' ? 'the person does not pass the filters' : 'the qualification rule does not let the person run again yet');
      }
    } else if (qualified.status !== 'qualified') {
      return this.finish(run, 'skipped', qualified.status);
    }

    for (let i = run.step_index; i < campaign.flow.length; i++) {
      const step = campaign.flow[i]!;
      const rc: RunContext = { run, campaign, person, stepIndex: i };
      if (step.type === 'wait') {
        const until = new Date(this.ctx.clock.now().getTime() + step.minutes * 60_000).toISOString();
        await db.transaction().execute(async (trx) => {
          await insertStepResult(trx, { run_id: run.id, step_index: i, step_type: 'wait', status: 'done', result_json: JSON.stringify({ until }), created_at: this.iso() });
          await updateRun(trx, run.id, { status: 'waiting', step_index: i + 1, next_run_at: until, locked_until: null, updated_at: this.iso() });
        });
        return;
      }
      if (step.type === 'call_webhook') {
        const next = await this.webhook(rc, step);
        if (next === 'later') return;
        continue;
      }
      await db.transaction().execute(async (trx) => {
        const outcome = await this.execute(trx, rc, step);
        if (await insertStepResult(trx, { run_id: run.id, step_index: i, step_type: step.type, status: outcome.status, result_json: JSON.stringify(outcome.result), created_at: this.iso() })) {
          await updateRun(trx, run.id, { step_index: i + 1, attempts: 0, updated_at: this.iso() });
        } else {
          // Another worker finished this step first; its effect stands, ours is rolled back.
          throw new StepAlreadyDone();
        }
      }).catch((err: unknown) => {
        if (!(err instanceof StepAlreadyDone)) throw err;
      });
    }
    await this.finish(run, 'completed', null);
  }

  /** Gathers only the facts the campaign's filters ask about. */
  private async facts(trx: Trx, campaign: Campaign, person: PersonRow): Promise<FilterFacts> {
    const fields = JSON.parse(person.fields_json) as Record<string, unknown>;
    const personFacts: Record<string, unknown> = {};
    for (const [name, column] of Object.entries(COLUMN_OF)) personFacts[name] = person[column];
    for (const [name, value] of Object.entries(fields)) personFacts[`fields.${name}`] = value;
    const needs = (type: string) => campaign.filters.some((f) => f.type === type);
    const lists = needs('in_list') || needs('not_in_list') ? await listIdsOfPerson(trx, person.id) : new Set<string>();
    const referredByOffers = new Set<string>();
    if (needs('referred_by_offer')) {
      const rows = await trx.selectFrom('referrals').select('offer_id').where('friend_key', '=', `person:${person.id}`).execute();
      for (const r of rows) referredByOffers.add(r.offer_id);
    }
    const activityCounts = new Map<string, number>();
    for (const f of campaign.filters) {
      if (f.type !== 'has_activity') continue;
      const since = new Date(this.ctx.clock.now().getTime() - f.withinDays * 86_400_000).toISOString();
      const row = await trx
        .selectFrom('activities')
        .select((eb) => eb.fn.countAll<string | number>().as('n'))
        .where('person_id', '=', person.id)
        .where('type', '=', f.activityType)
        .where('occurred_at', '>=', since)
        .executeTakeFirstOrThrow();
      activityCounts.set(activityCountKey(f.activityType, f.withinDays), Number(row.n));
    }
    return { person: personFacts, lists, referredByOffers, activityCounts };
  }

  /** The steps whose effect is a write in the store, inside the step's transaction. */
  private async execute(trx: Trx, rc: RunContext, step: Step): Promise<StepOutcome> {
    const { ctx } = this;
    const { run } = rc;
    // Read in the step's transaction: an earlier step of this run may have changed the person.
    const person = (await trx.selectFrom('people').selectAll().where('id', '=', rc.person.id).executeTakeFirst()) ?? rc.person;
    const recipient = { personId: person.id, email: person.email, firstName: person.first_name, lastName: person.last_name, company: person.company, locale: person.locale };
    try {
      switch (step.type) {
        case 'give_credit_to_referrer': {
          const r = await creditReferrerOfPerson(trx, ctx, { offerId: step.offerId, personId: person.id, campaignRunId: run.id, attributes: { campaignId: rc.campaign.id } });
          if (!r.credited) return { status: r.reason === 'no_referrer' ? 'no_referrer' : 'not_credited', result: { reason: r.reason } };
          return { status: 'done', result: { credit: r.credit, fulfilled: r.fulfilled } };
        }
        case 'send_email': {
          const queued = await enqueueEmail(trx, ctx, { emailId: step.emailId, kind: 'campaign', dedupeKey: `campaign:${run.id}:${rc.stepIndex}`, offerId: null, to: recipient, tokens: {} });
          return { status: queued ? 'done' : 'not_sent', result: { emailId: step.emailId } };
        }
        case 'send_fulfillment_email': {
          const offer = await loadLiveOffer(trx, step.offerId);
          const participant = await findParticipantFor(trx, step.offerId, person.id);
          if (!participant?.fulfilled_at) return { status: 'not_fulfilled', result: { reason: 'the person has not met the goal of this offer' } };
          // As for manual delivery: the email waits for its promo code, and once queued the participant shows it sent.
          if (participant.fulfillment_state === 'needs_code') return { status: 'needs_code', result: { participantId: participant.id, reason: 'waits for a promo code' } };
          const code = await trx.selectFrom('promo_codes').select('code').where('participant_id', '=', participant.id).executeTakeFirst();
          const queued = await queueFulfillmentEmail(trx, ctx, offer, participant, code?.code ?? null);
          if (queued) await setFulfillmentState(trx, participant.id, 'sent');
          return { status: queued ? 'done' : 'already_sent', result: { participantId: participant.id } };
        }
        case 'change_data_value': {
          const at = this.iso();
          if (step.field.startsWith('fields.')) {
            const fields = JSON.parse(person.fields_json) as Record<string, unknown>;
            if (step.value === null) delete fields[step.field.slice(7)];
            else fields[step.field.slice(7)] = step.value;
            await trx.updateTable('people').set({ fields_json: JSON.stringify(fields), updated_at: at }).where('id', '=', person.id).execute();
          } else {
            await trx.updateTable('people').set({ [COLUMN_OF[step.field]!]: step.value, updated_at: at }).where('id', '=', person.id).execute();
          }
          return { status: 'done', result: { field: step.field, value: step.value } };
        }
        case 'add_to_list':
          return { status: (await addListMember(trx, step.listId, person.id, this.iso())) ? 'done' : 'already_member', result: { listId: step.listId } };
        case 'remove_from_list':
          return { status: (await removeListMember(trx, step.listId, person.id)) ? 'done' : 'not_member', result: { listId: step.listId } };
        case 'send_alert': {
          const activity = await trx.selectFrom('activities').selectAll().where('id', '=', run.activity_id).executeTakeFirst();
          const what = activity ? activityRowToActivity(activity).type : 'an activity';
          const text = `${step.message ? `${step.message}\n\n` : ''}Campaign: ${rc.campaign.name}\nPerson: ${person.email}\nTrigger: ${what}\nRun: ${run.id}`;
          const at = this.iso();
          await enqueueMessage(trx, {
            id: newId('out'),
            kind: 'alert',
            dedupe_key: `campaign:${run.id}:${rc.stepIndex}`,
            offer_id: null,
            person_id: person.id,
            to_address: step.to,
            subject: `Goalpost alert: ${rc.campaign.name}`,
            html: `<pre>${escapeHtml(text)}</pre>`,
            text_body: text,
            status: 'pending',
            attempts: 0,
            next_attempt_at: at,
            locked_until: null,
            last_error: null,
            created_at: at,
            sent_at: null,
          });
          return { status: 'done', result: { to: step.to } };
        }
        case 'wait':
        case 'call_webhook':
          throw new Error(`${step.type} is not executed in a transaction`);
      }
    } catch (err) {
      // A rule that refuses (an archived offer, say) is the step's result, not the run's failure.
      if (err instanceof GoalpostError) return { status: 'refused', result: { code: err.code, message: err.message } };
      throw err;
    }
  }

  /** Calls the webhook outside any transaction; 'later' when a retry is scheduled. */
  private async webhook(rc: RunContext, step: Extract<Step, { type: 'call_webhook' }>): Promise<'next' | 'later'> {
    const { run, campaign, stepIndex } = rc;
    const done = await this.ctx.store.db.selectFrom('campaign_step_results').select('status').where('run_id', '=', run.id).where('step_index', '=', stepIndex).executeTakeFirst();
    if (done) return 'next';
    // As an earlier step of this run may have left them.
    const person = (await this.ctx.store.db.selectFrom('people').selectAll().where('id', '=', rc.person.id).executeTakeFirst()) ?? rc.person;
    const activity = await this.ctx.store.db.selectFrom('activities').selectAll().where('id', '=', run.activity_id).executeTakeFirst();
    const record = (status: string, result: Record<string, unknown>) =>
      this.ctx.store.db.transaction().execute(async (trx) => {
        await insertStepResult(trx, { run_id: run.id, step_index: stepIndex, step_type: 'call_webhook', status, result_json: JSON.stringify(result), created_at: this.iso() });
        await updateRun(trx, run.id, { step_index: stepIndex + 1, attempts: 0, updated_at: this.iso() });
      });
    // The run's attempts count the step it was claimed at; a webhook reached after other steps starts afresh.
    const attempts = (run.step_index === stepIndex ? run.attempts : 0) + 1;
    try {
      const { status } = await postSignedWebhook(
        {
          url: step.url,
          secret: step.secret,
          messageId: `${run.id}.${stepIndex}`,
          at: this.ctx.clock.now(),
          payload: {
            type: 'campaign.step',
            campaign: { id: campaign.id, name: campaign.name },
            runId: run.id,
            person: { id: person.id, email: person.email, firstName: person.first_name, lastName: person.last_name },
            activity: activity ? activityRowToActivity(activity) : null,
          },
        },
        this.opts.webhookTimeoutMs,
      );
      await record('done', { httpStatus: status, attempts });
      return 'next';
    } catch (err) {
      const permanent = err instanceof WebhookError && err.permanent;
      if (permanent || attempts >= this.opts.webhookAttempts) {
        await record('failed', { error: (err as Error).message, attempts });
        return 'next';
      }
      const delay = this.opts.webhookRetryBaseMs * 2 ** (attempts - 1);
      await updateRun(this.ctx.store.db, run.id, {
        status: 'retrying',
        attempts,
        next_run_at: new Date(this.ctx.clock.now().getTime() + delay).toISOString(),
        detail: `webhook: ${(err as Error).message}`.slice(0, 500),
        locked_until: null,
        updated_at: this.iso(),
      });
      return 'later';
    }
  }
}

class StepAlreadyDone extends Error {}
