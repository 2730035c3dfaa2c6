import pino from 'pino';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import { migrateToLatest, openStore } from '../store/store.js';
import { systemClock } from './clock.js';
import type { Clock } from './clock.js';
import type { AppContext } from './context.js';
import { CampaignIndex } from './campaigns/campaign-index.js';

/** Opens the store named by the configuration, migrates it and returns the context use cases run in. */
export async function openContext(
  config: Config,
  options: { logger?: Logger; clock?: Clock; migrate?: boolean } = {},
): Promise<AppContext> {
  const logger = options.logger ?? pino({ level: config.logLevel });
  const store = await openStore(config.databaseUrl);
  if (options.migrate !== false) {
    const { applied } = await migrateToLatest(store);
    if (applied.length > 0) logger.info({ applied }, 'migrations applied');
  }
  return { store, clock: options.clock ?? systemClock, config, logger, campaigns: new CampaignIndex() };
}
