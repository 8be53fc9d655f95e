import { randomUUID } from 'node:crypto';
import mongoose from 'mongoose';
import { createLogger, createPool, runMigrations, type Pool } from '@liaison/runtime';
import { ensureDatabase, stack } from '@liaison/testkit';
import {
  jobsMigrations,
  JOBS_MIGRATION_SCOPE,
  MongoJobLedger,
  PeriodicJob,
  PgJobLedger,
  type JobLedger,
  type JobRunDocument,
} from '../src';

// Both ledgers against the real databases: one claim per slot whatever the concurrency, and a
// schedule on two replicas that runs every slot exactly once.

const RUN = randomUUID().slice(0, 8);
const logger = createLogger({ service: 'jobs-it', level: 'silent' });
let pool: Pool;
let mongo: mongoose.Connection;

beforeAll(async () => {
  pool = createPool(await ensureDatabase('jobs_it'));
  await runMigrations(pool, JOBS_MIGRATION_SCOPE, jobsMigrations);
  mongo = await mongoose.createConnection(stack.mongoUrl('jobs_it')).asPromise();
});

afterAll(async () => {
  await pool.end();
  await mongo.close();
});

const ledgers: Record<string, () => JobLedger> = {
  postgres: () => new PgJobLedger(pool),
  mongodb: () =>
    new MongoJobLedger(
      mongo.db!.collection<JobRunDocument>('job_runs'),
      async () => (await mongo.db!.admin().command({ hello: 1 })).localTime as Date,
    ),
};

describe.each(Object.keys(ledgers))('the %s ledger', (kind) => {
  const ledger = () => ledgers[kind]();

  it('lets exactly one of many concurrent runners claim a slot', async () => {
    const slot = { job: `single-fire-${RUN}`, slot: new Date().toISOString() };
    const claims = await Promise.all(Array.from({ length: 8 }, (_, i) => ledger().claim({ ...slot, runner: `runner-${i}` })));
    expect(claims.filter(Boolean)).toHaveLength(1);
  });

  it('schedules on every replica and runs each slot once', async () => {
    const job = `scheduled-${RUN}`;
    let runs = 0;
    const work = async () => {
      runs += 1;
      await new Promise((resolve) => setTimeout(resolve, 50));
      return runs;
    };
    const replicas = ['a', 'b'].map(
      (name) => new PeriodicJob({ name: job, intervalMs: 1_000, jitterMs: 100, ledger: ledger(), logger, runner: name, work }),
    );
    replicas.forEach((replica) => replica.start());
    await new Promise((resolve) => setTimeout(resolve, 3_500));
    await Promise.all(replicas.map((replica) => replica.stop()));
    const slots = await slotsOf(kind, job);
    expect(slots).toBeGreaterThanOrEqual(2);
    expect(runs).toBe(slots);
  });

  it('records how a run ended and prunes old entries', async () => {
    const job = `outcome-${RUN}`;
    const tick = await new PeriodicJob({
      name: job,
      intervalMs: 60_000,
      ledger: ledger(),
      logger,
      runner: 'solo',
      work: async () => ({ done: 3 }),
    }).tick();
    expect(tick).toEqual({ ran: true, result: { done: 3 } });
    await expect(ledger().prune(job, 0)).resolves.toBe(1);
    expect(await slotsOf(kind, job)).toBe(0);
  });
});

async function slotsOf(kind: string, job: string): Promise<number> {
  if (kind === 'postgres') return Number((await pool.query('SELECT count(*) FROM job_runs WHERE job = $1', [job])).rows[0].count);
  return mongo.db!.collection('job_runs').countDocuments({ job });
}
