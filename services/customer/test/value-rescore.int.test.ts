import { customerV1, customerViewV1, EventTypes } from '@liaison/contracts';
import { PeriodicJob, PgJobLedger } from '@liaison/jobs';
import { createGrpcClient, createPool, unary, type Pool } from '@liaison/runtime';
import { collectRecords, ensureDatabase, waitFor, type RecordCollector } from '@liaison/testkit';
import type { RunningCustomerService } from '../src/app';
import { valueRescoreWork } from '../src/jobs/customer-jobs';
import { rescoreStaleSummaries } from '../src/jobs/value-rescore-job';
import { callerMetadata as as, startServiceUnderTest } from './support';

// CUS-19 periodic rescore against the real database and Kafka: a customer whose last orders age
// out of the 12-month window loses its grade without any new event, exactly once per run, and the
// change reaches Kafka as CustomerValueChanged.

const Grade = customerViewV1.CustomerValueGrade;
const DATABASE = 'customer_value_rescore_it';

let service: RunningCustomerService;
let customers: customerV1.CustomerServiceClient;
let pool: Pool;
let events: RecordCollector;

const createCustomer = async (name: string) =>
  (
    await unary(
      customers.createCustomer.bind(customers),
      customerV1.CreateCustomerRequest.fromPartial({ name: `${name} ${Date.now()}`, kind: customerV1.CustomerKind.CUSTOMER_KIND_COMPANY }),
      await as('rep.east.1'),
    )
  ).customer!;

/** Twelve orders of 1,000,000 yuan each, placed `daysAgo` days ago, and a summary last computed two days ago. */
async function orderHistory(customerId: string, daysAgo: number): Promise<void> {
  for (let order = 0; order < 12; order += 1) {
    await pool.query(
      `INSERT INTO customer_facts (kind, ref_id, customer_id, amount_minor, currency, started_at)
       VALUES ('order', $1, $2, 100000000, 'CNY', now() - make_interval(days => $3))`,
      [`order-${customerId}-${order}`, customerId, daysAgo],
    );
  }
  await pool.query(`INSERT INTO customer_summary (customer_id, computed_at) VALUES ($1, now() - interval '2 days')`, [customerId]);
}

const ageFacts = (customerId: string, days: number) =>
  Promise.all([
    pool.query(`UPDATE customer_facts SET started_at = started_at - make_interval(days => $2) WHERE customer_id = $1`, [customerId, days]),
    pool.query(`UPDATE customer_summary SET computed_at = computed_at - make_interval(days => $2) WHERE customer_id = $1`, [
      customerId,
      days,
    ]),
  ]);

const summaryOf = async (customerId: string) =>
  (
    await pool.query<{ value_grade: string; frequency_points: number; computed_at: Date }>(
      'SELECT value_grade, frequency_points, computed_at FROM customer_summary WHERE customer_id = $1',
      [customerId],
    )
  ).rows[0];

const gradeChanges = (customerId: string) =>
  events.records
    .filter((record) => record.key === customerId && record.headers.ce_type === EventTypes.CustomerValueChanged.type)
    .map((record) => EventTypes.CustomerValueChanged.codec.decode(record.value!));

beforeAll(async () => {
  const databaseUrl = await ensureDatabase(DATABASE);
  events = await collectRecords(['liaison.customer.v1']);
  service = await startServiceUnderTest('customer-rescore-it', databaseUrl, {
    POOL_RULE_INTERVAL_MS: '0',
    VALUE_RESCORE_INTERVAL_MS: '0',
    PROJECTIONS_ENABLED: 'false',
  });
  customers = createGrpcClient(customerV1.CustomerServiceClient, `127.0.0.1:${service.grpcPort}`, {
    serviceName: 'liaison.customer.v1.CustomerService',
    idempotentMethods: [],
    deadlineMs: 10_000,
  });
  pool = createPool(databaseUrl);
  // Summaries an earlier run left behind are made fresh, so each run below rescores only ours.
  await pool.query("UPDATE customer_summary SET computed_at = now() + interval '1 day'");
});

afterAll(async () => {
  customers?.close();
  await events?.stop();
  await pool?.end();
  await service?.host.stop();
});

describe('the periodic value rescore', () => {
  it('lowers the grade of a customer whose orders left the 12-month window, once, and announces it', async () => {
    const customer = await createCustomer('温州鞋业贸易');
    await orderHistory(customer.id, 360);

    expect(await rescoreStaleSummaries(pool)).toEqual({ rescored: 1, gradeChanges: 1 });
    expect(await summaryOf(customer.id)).toMatchObject({ value_grade: 'A', frequency_points: 5 });

    await ageFacts(customer.id, 10);
    expect(await rescoreStaleSummaries(pool)).toEqual({ rescored: 1, gradeChanges: 1 });
    expect(await summaryOf(customer.id)).toMatchObject({ value_grade: 'D', frequency_points: 0 });

    // Everything was computed today: another run the same day rescores nothing.
    expect(await rescoreStaleSummaries(pool)).toEqual({ rescored: 0, gradeChanges: 0 });
    const changes = await waitFor('both grade changes on Kafka', async () =>
      gradeChanges(customer.id).length >= 2 ? gradeChanges(customer.id) : undefined,
    );
    expect(changes.map(({ from, to }) => [from, to])).toEqual([
      [Grade.CUSTOMER_VALUE_GRADE_D, Grade.CUSTOMER_VALUE_GRADE_A],
      [Grade.CUSTOMER_VALUE_GRADE_A, Grade.CUSTOMER_VALUE_GRADE_D],
    ]);
  });

  it('walks every stale summary in batches, and a run that keeps its grade emits nothing', async () => {
    const ids = [];
    for (let index = 0; index < 5; index += 1) {
      const customer = await createCustomer(`嘉兴纺织 ${index}`);
      await orderHistory(customer.id, 100);
      ids.push(customer.id);
    }
    expect(await rescoreStaleSummaries(pool, 2)).toEqual({ rescored: 5, gradeChanges: 5 });
    // The next day: the same orders, a day older, still grade A.
    await pool.query(`UPDATE customer_summary SET computed_at = now() - interval '1 day' WHERE customer_id = ANY($1::uuid[])`, [ids]);
    expect(await rescoreStaleSummaries(pool, 2)).toEqual({ rescored: 5, gradeChanges: 0 });
    for (const id of ids) expect((await summaryOf(id)).value_grade).toBe('A');
  });

  it('runs once per slot when two replicas tick together', async () => {
    const customer = await createCustomer('台州汽配');
    await orderHistory(customer.id, 30);
    const logger = service.host.logger;
    const replicas = ['replica-a', 'replica-b'].map(
      (runner) => new PeriodicJob({ ...valueRescoreWork(pool, 3_600_000), ledger: new PgJobLedger(pool), runner, logger }),
    );
    // Whatever an earlier run of this test claimed for the current hour is forgotten first.
    await pool.query(`DELETE FROM job_runs WHERE job = 'value-rescore'`);
    const outcomes = await Promise.all(replicas.map((replica) => replica.tick()));
    expect(outcomes.filter((outcome) => outcome.ran)).toHaveLength(1);
    expect(outcomes.find((outcome) => outcome.ran)).toMatchObject({ result: { rescored: 1, gradeChanges: 1 } });
  });
});
