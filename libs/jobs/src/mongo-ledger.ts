import type { JobLedger, SlotClaim, SlotOutcome } from './ledger';

// The ledger of a MongoDB service: a `job_runs` collection whose _id names the (job, slot) pair,
// so that the server's unique _id lets exactly one insert win. Typed structurally (the few driver
// calls it needs), so this library does not pin a MongoDB driver version on PostgreSQL services.

export interface JobRunDocument {
  /** `<job> <slot>`. */
  _id: string;
  job: string;
  slot: string;
  runner: string;
  startedAt: Date;
  finishedAt?: Date;
  outcome?: SlotOutcome;
}

export interface JobRunsCollection {
  insertOne(document: JobRunDocument): Promise<unknown>;
  updateOne(filter: { _id: JobRunDocument['_id'] }, update: { $set: Partial<JobRunDocument> }): Promise<unknown>;
  deleteMany(filter: Record<string, unknown>): Promise<{ deletedCount?: number }>;
}

const DUPLICATE_KEY = 11000;

export class MongoJobLedger implements JobLedger {
  /** `serverTime` reads the database's clock, e.g. from the `hello` command's localTime. */
  constructor(
    private readonly collection: JobRunsCollection,
    private readonly serverTime: () => Promise<Date>,
  ) {}

  now(): Promise<Date> {
    return this.serverTime();
  }

  async claim(claim: SlotClaim): Promise<boolean> {
    try {
      const { job, slot, runner } = claim;
      await this.collection.insertOne({ _id: idOf(claim), job, slot, runner, startedAt: await this.now() });
      return true;
    } catch (error) {
      if ((error as { code?: number }).code === DUPLICATE_KEY) return false;
      throw error;
    }
  }

  async finish(claim: SlotClaim, outcome: SlotOutcome): Promise<void> {
    await this.collection.updateOne({ _id: idOf(claim) }, { $set: { finishedAt: await this.now(), outcome } });
  }

  async prune(job: string, retentionDays: number): Promise<number> {
    const before = new Date((await this.now()).getTime() - retentionDays * 86_400_000);
    const { deletedCount } = await this.collection.deleteMany({ job, startedAt: { $lt: before } });
    return deletedCount ?? 0;
  }
}

function idOf(claim: SlotClaim): string {
  return `${claim.job} ${claim.slot}`;
}
