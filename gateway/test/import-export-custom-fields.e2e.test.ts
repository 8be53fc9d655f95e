import ExcelJS from 'exceljs';
import { userToken } from '@liaison/testkit';
import { startPlatform, type Platform } from './platform';

// CUS-17 custom fields in CUS-14 files through the front door: a CSV with custom field columns
// up, the values on the customers, a bad cell in the error report, and the export back down
// with the fields as Chinese-headed columns, in CSV and XLSX. Own database: definitions hold
// for a whole database, and earlier runs' are switched off first.

const RUN = Date.now().toString(36);
let platform: Platform;

beforeAll(async () => {
  platform = await startPlatform('customer_import_custom_fields_e2e', { IMPORT_CHUNK_ROWS: '2' });
});

afterAll(async () => {
  await platform?.stop();
});

async function call(method: string, path: string, user: string, body?: { bytes: Buffer | string; type: string }) {
  const headers: Record<string, string> = { authorization: `Bearer ${await userToken(user)}` };
  if (body) headers['content-type'] = body.type;
  return fetch(`${platform.baseUrl}${path}`, { method, headers, body: body?.bytes });
}

const json = (value: unknown) => ({ bytes: JSON.stringify(value), type: 'application/json' });
const csv = (lines: string[]) => ({ bytes: Buffer.from(`\uFEFF${lines.join('\r\n')}\r\n`), type: 'text/csv' });

async function waitForJob(user: string, id: string) {
  for (let attempt = 0; attempt < 200; attempt += 1) {
    const job = (await (await call('GET', `/customer-imports/${id}`, user)).json()) as { status: string; stats: Record<string, number> };
    if (job.status === 'completed' || job.status === 'failed') return job;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`import ${id} did not finish`);
}

async function switchOffEarlierFields(): Promise<void> {
  const { items } = (await (await call('GET', '/custom-fields', 'admin')).json()) as { items: { key: string }[] };
  for (const { key } of items) expect((await call('PATCH', `/custom-fields/${key}`, 'admin', json({ enabled: false }))).status).toBe(200);
}

describe('custom fields in customer import and export through the gateway', () => {
  it('imports custom field columns by label, reports bad cells, and exports them as labelled columns in CSV and XLSX', async () => {
    await switchOffEarlierFields();
    const level = {
      key: `level_${RUN}`,
      label: `客户级别${RUN}`,
      type: 'option',
      options: [
        { value: 'a', label: 'A级' },
        { value: 'b', label: 'B级' },
      ],
      sortOrder: 1,
    };
    const founded = { key: `founded_${RUN}`, label: `成立日期${RUN}`, type: 'date', sortOrder: 2 };
    const revenue = { key: `revenue_${RUN}`, label: `年营业额${RUN}`, type: 'number', constraints: { decimals: 2 }, sortOrder: 3 };
    for (const definition of [level, founded, revenue])
      expect((await call('POST', '/custom-fields', 'admin', json(definition))).status).toBe(201);

    const marker = `网关字段${RUN}`;
    const upload = await call(
      'POST',
      '/customer-imports?fileName=fields.csv',
      'manager.east',
      csv([
        `客户名称,${level.label},${founded.label},${revenue.key}`,
        `${marker}甲,B级,2024/3/5,"1,000.5"`,
        `${marker}乙,C级,2024-01-01,1`,
      ]),
    );
    expect(upload.status).toBe(202);
    const job = (await upload.json()) as { id: string };
    expect(await waitForJob('manager.east', job.id)).toMatchObject({ status: 'completed', stats: { imported: 1, failed: 1 } });
    const report = await (await call('GET', `/customer-imports/${job.id}/errors`, 'manager.east')).text();
    expect(report).toContain(`3,${level.label},C级,C级 is not an option of this field`);

    const list = (await (await call('GET', `/customers?q=${encodeURIComponent(marker)}`, 'manager.east')).json()) as {
      items: { name: string; customFields: Record<string, unknown> }[];
    };
    expect(list.items.map((item) => [item.name, item.customFields])).toEqual([
      [`${marker}甲`, { [founded.key]: '2024-03-05', [level.key]: 'b', [revenue.key]: 1000.5 }],
    ]);
    const west = (await (await call('GET', `/customers?q=${encodeURIComponent(marker)}`, 'manager.west')).json()) as { items: unknown[] };
    expect(west.items).toEqual([]);

    const exported = await call('GET', `/customers/export?q=${encodeURIComponent(marker)}&headers=zh`, 'manager.east');
    expect(exported.status).toBe(200);
    const [header, row] = (await exported.text()).replace(/^\uFEFF/, '').split('\r\n');
    expect(header.split(',').slice(-3)).toEqual([level.label, founded.label, revenue.label]);
    expect(row.split(',').slice(-3)).toEqual(['B级', '2024-03-05', '1000.5']);

    const xlsx = await call('GET', `/customers/export?q=${encodeURIComponent(marker)}&headers=zh&format=xlsx`, 'manager.east');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(await xlsx.arrayBuffer());
    const cells = (workbook.worksheets[0].getRow(2).values as unknown[]).slice(-3);
    expect(cells).toEqual(['B级', new Date(Date.UTC(2024, 2, 5)), 1000.5]);

    const westExport = await (await call('GET', `/customers/export?q=${encodeURIComponent(marker)}&headers=zh`, 'manager.west')).text();
    expect(westExport).not.toContain(marker);
    expect((await call('GET', '/customers/export?headers=zh', 'rep.east.1')).status).toBe(403);
  });
});
