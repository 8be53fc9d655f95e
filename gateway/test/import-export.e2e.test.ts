import ExcelJS from 'exceljs';
import { userToken } from '@liaison/testkit';
import { startPlatform, type Platform } from './platform';

// CUS-14 through the front door: a file streamed up through the gateway into an import job,
// progress polled until it completes, the error report and exports streamed back down.

const RUN = Date.now().toString(36);
let platform: Platform;

beforeAll(async () => {
  platform = await startPlatform('customer_import_e2e', { IMPORT_CHUNK_ROWS: '2' });
});

afterAll(async () => {
  await platform?.stop();
});

async function request(method: string, path: string, user: string, body?: { bytes: Buffer; type: string }) {
  const headers: Record<string, string> = { authorization: `Bearer ${await userToken(user)}` };
  if (body) headers['content-type'] = body.type;
  return fetch(`${platform.baseUrl}${path}`, { method, headers, body: body?.bytes });
}

const csv = (lines: string[]) => ({ bytes: Buffer.from(`\uFEFF${lines.join('\r\n')}\r\n`), type: 'text/csv' });

async function waitForJob(user: string, id: string) {
  for (let attempt = 0; attempt < 200; attempt += 1) {
    const job = (await (await request('GET', `/customer-imports/${id}`, user)).json()) as { status: string; stats: Record<string, number> };
    if (job.status === 'completed' || job.status === 'failed') return job;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`import ${id} did not finish`);
}

describe('customer import and export through the gateway', () => {
  it('uploads a CSV, answers 202 with the job, and the job completes with its statistics', async () => {
    const marker = `网关导入${RUN}`;
    const lines = ['客户名称,电话,星级', ...[1, 2, 3, 4, 5].map((i) => `${marker}${i},1380000000${i},${i}`), `${marker}坏行,12,9`];
    const reply = await request(
      'POST',
      `/customer-imports?fileName=${encodeURIComponent('客户名单.csv')}&assignTo=pool`,
      'manager.east',
      csv(lines),
    );
    expect(reply.status).toBe(202);
    const job = (await reply.json()) as { id: string; fileName: string; status: string };
    expect(reply.headers.get('location')).toBe(`/api/v1/customer-imports/${job.id}`);
    expect(job).toMatchObject({ fileName: '客户名单.csv', assignTo: 'pool', encoding: 'utf-8' });
    expect(['running', 'completed']).toContain(job.status);
    const done = await waitForJob('manager.east', job.id);
    expect(done).toMatchObject({
      status: 'completed',
      stats: { total: 6, processed: 6, imported: 5, failed: 1, assigned: 0, unassigned: 5, updated: 0, skipped: 0 },
    });

    const report = await request('GET', `/customer-imports/${job.id}/errors`, 'manager.east');
    expect(report.status).toBe(200);
    expect(report.headers.get('content-type')).toContain('text/csv');
    expect(report.headers.get('content-disposition')).toContain('attachment');
    const text = await report.text();
    expect(text).toContain('7,电话,12,');
    expect(text).toContain('7,星级,9,');

    const list = (await (await request('GET', '/customer-imports', 'manager.east')).json()) as { items: { id: string }[] };
    expect(list.items.map((item) => item.id)).toContain(job.id);
    expect((await request('GET', `/customer-imports/${job.id}`, 'manager.west')).status).toBe(404);
  });

  it('uploads an XLSX file as the raw body', async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('客户');
    sheet.addRow(['客户名称', '目标客户']);
    sheet.addRow([`网关表格${RUN}`, '是']);
    const bytes = Buffer.from(await workbook.xlsx.writeBuffer());
    const reply = await request('POST', '/customer-imports?fileName=a.xlsx', 'manager.west', {
      bytes,
      type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    });
    expect(reply.status).toBe(202);
    const job = (await reply.json()) as { id: string; format: string };
    expect(job.format).toBe('xlsx');
    expect(await waitForJob('manager.west', job.id)).toMatchObject({ status: 'completed', stats: { imported: 1 } });
  });

  it('refuses reps, JSON bodies, unknown options and files without a name column, as problems', async () => {
    const rep = await request('POST', '/customer-imports', 'rep.east.1', csv(['name', 'x']));
    expect({ status: rep.status, code: ((await rep.json()) as { code: string }).code }).toEqual({ status: 403, code: 'forbidden' });
    const json = await request('POST', '/customer-imports', 'manager.east', { bytes: Buffer.from('{}'), type: 'application/json' });
    expect(json.status).toBe(415);
    const option = await request('POST', '/customer-imports?duplicates=merge', 'manager.east', csv(['name', 'x']));
    expect(option.status).toBe(400);
    const header = await request('POST', '/customer-imports', 'manager.east', csv(['phone', '13800000000']));
    expect(header.status).toBe(400);
    expect(header.headers.get('content-type')).toContain('application/problem+json');
  });

  it("downloads exports of the caller's scope as CSV with BOM and as XLSX with Chinese headers", async () => {
    const marker = `网关导出${RUN}`;
    for (const user of ['rep.east.1', 'rep.west.1']) {
      const created = await fetch(`${platform.baseUrl}/customers`, {
        method: 'POST',
        headers: { 'authorization': `Bearer ${await userToken(user)}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name: `${marker}, ${user}`, kind: 'company' }),
      });
      expect(created.status).toBe(201);
    }
    const east = await request('GET', `/customers/export?q=${encodeURIComponent(marker)}`, 'manager.east');
    expect(east.status).toBe(200);
    expect(east.headers.get('content-type')).toContain('text/csv');
    const bytes = Buffer.from(await east.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = bytes.toString('utf8');
    expect(text).toContain(`"${marker}, rep.east.1"`);
    expect(text).not.toContain('rep.west.1');

    const xlsx = await request('GET', `/customers/export?q=${encodeURIComponent(marker)}&format=xlsx&headers=zh`, 'admin');
    expect(xlsx.status).toBe(200);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(await xlsx.arrayBuffer());
    const sheet = workbook.worksheets[0];
    expect(sheet.getRow(1).getCell(2).value).toBe('客户名称');
    expect(sheet.rowCount).toBe(3);

    const rep = await request('GET', '/customers/export', 'rep.east.1');
    expect(rep.status).toBe(403);
    const bad = await request('GET', '/customers/export?format=pdf', 'manager.east');
    expect(bad.status).toBe(400);
  });

  it('refuses a file that is no workbook as 400 naming the file, however it is sent', async () => {
    const jpeg = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, ...Array(500).fill(7)]);
    for (const [path, type] of [
      ['/customer-imports?fileName=photo.xlsx', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
      ['/customer-imports?format=xlsx', 'application/octet-stream'],
    ]) {
      const reply = await request('POST', path, 'manager.east', { bytes: jpeg, type });
      const problem = (await reply.json()) as { code: string; violations: { field: string }[] };
      expect({ path, status: reply.status, code: problem.code, fields: problem.violations.map((v) => v.field) }).toEqual({
        path,
        status: 400,
        code: 'invalid_argument',
        fields: ['file'],
      });
    }
  });

  it('refuses a filter the search refuses before the download starts, in either format', async () => {
    for (const format of ['csv', 'xlsx']) {
      const reply = await request('GET', `/customers/export?phone=00-&format=${format}`, 'manager.east');
      expect(reply.headers.get('content-type')).toContain('application/problem+json');
      expect({ status: reply.status, body: await reply.json() }).toMatchObject({
        status: 400,
        body: { code: 'invalid_argument', violations: [{ field: 'phone' }] },
      });
    }
  });

  it('pages the import jobs with the tokens it hands out', async () => {
    const first = await request('GET', '/customer-imports?pageSize=1', 'manager.east');
    const page = (await first.json()) as { items: { id: string }[]; nextPageToken: string | null };
    expect(page.items).toHaveLength(1);
    expect(page.nextPageToken).toEqual(expect.any(String));
    const second = await request('GET', `/customer-imports?pageSize=1&pageToken=${page.nextPageToken}`, 'manager.east');
    expect(second.status).toBe(200);
    expect(((await second.json()) as { items: { id: string }[] }).items[0].id).not.toBe(page.items[0].id);
  });
});
