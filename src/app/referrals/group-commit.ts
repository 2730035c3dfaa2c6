/**
 * Group commit: callers hand in writes and wait for the transaction that
 * carries them. While one batch commits, new writes queue, and the next batch
 * takes them all, so one disk flush serves many requests and nobody is answered
 * before their write is durable. A library for this would be a job queue with
 * its own storage; what we need is twenty lines around the store's transaction.
 */
export class GroupCommit<T> {
  private queue: { item: T; resolve: () => void; reject: (err: unknown) => void }[] = [];
  private running = false;

  constructor(
    private readonly writeBatch: (items: T[]) => Promise<void>,
    private readonly maxBatch = 500,
  ) {}

  submit(item: T): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      if (!this.running) {
        this.running = true;
        // setImmediate lets the requests that arrived in this turn of the event loop join the first batch.
        setImmediate(() => void this.drain());
      }
    });
  }

  /** Waits until everything submitted so far is written. */
  async flush(): Promise<void> {
    while (this.running || this.queue.length > 0) await new Promise((r) => setTimeout(r, 5));
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, this.maxBatch);
      try {
        await this.writeBatch(batch.map((b) => b.item));
        for (const b of batch) b.resolve();
      } catch (err) {
        for (const b of batch) b.reject(err);
      }
    }
    this.running = false;
  }
}
