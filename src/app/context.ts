import type { Logger } from 'pino';
import type { Config } from '../config.js';
import type { Store } from '../store/store.js';
import type { Clock } from './clock.js';

/** What every use case may use: the store, the clock, the configuration, a logger. */
export interface AppContext {
  store: Store;
  clock: Clock;
  config: Config;
  logger: Logger;
}
