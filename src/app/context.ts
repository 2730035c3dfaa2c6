import type { Logger } from 'pino';
import type { Config } from '../config.js';
import type { Store } from '../store/store.js';
import type { Clock } from './clock.js';
import type { CampaignIndex } from './campaigns/campaign-index.js';

/** What every use case may use: the store, the clock, the configuration, a logger, the campaign index. */
export interface AppContext {
  store: Store;
  clock: Clock;
  config: Config;
  logger: Logger;
  /** Active campaigns by trigger type, shared by everything that records activities. */
  campaigns: CampaignIndex;
}
