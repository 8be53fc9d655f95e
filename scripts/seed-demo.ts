// Demo customers for the local platform, created through the gateway as the demo reps so that
// ownership and data scope look real. Idempotency keys make re-running scripts/start harmless.
import { userToken } from '../libs/testkit/src/tokens';

const GATEWAY = process.env.GATEWAY_URL ?? 'http://localhost:8080/api/v1';

interface DemoCustomer {
  name: string;
  kind: 'company' | 'person';
  industry?: string;
  source?: string;
  phone?: string;
  starRating?: number;
  category?: 'potential' | 'intentional' | 'key';
  nature?: string;
  region?: { province: string; city?: string };
  isTarget?: boolean;
}

const DEMO: Record<string, DemoCustomer[]> = {
  'rep.east.1': [
    {
      name: '上海华东精密机械有限公司',
      kind: 'company',
      industry: '机械制造',
      source: '展会',
      phone: '+86 21-6888 8888',
      starRating: 4,
      category: 'key',
      nature: '民营企业',
      region: { province: '上海市', city: '上海市' },
      isTarget: true,
    },
    {
      name: '杭州西湖龙井茶业有限公司',
      kind: 'company',
      industry: '食品饮料',
      source: '老客户介绍',
      starRating: 3,
      category: 'intentional',
      nature: '民营企业',
      region: { province: '浙江省', city: '杭州市' },
    },
    { name: '王晓明', kind: 'person', source: '官网', phone: '13812345678', region: { province: '浙江省', city: '宁波市' } },
  ],
  'rep.east.2': [
    {
      name: '苏州工业园区智能制造有限公司',
      kind: 'company',
      industry: '电子',
      source: '电话营销',
      starRating: 2,
      nature: '外资企业',
      region: { province: '江苏省', city: '苏州市' },
    },
    {
      name: '南京紫金山软件科技有限公司',
      kind: 'company',
      industry: '软件',
      source: '展会',
      starRating: 5,
      category: 'key',
      nature: '国有企业',
      region: { province: '江苏省', city: '南京市' },
      isTarget: true,
    },
  ],
  'rep.west.1': [
    {
      name: '成都天府软件园运营有限公司',
      kind: 'company',
      industry: '软件',
      source: '官网',
      starRating: 3,
      nature: '国有企业',
      region: { province: '四川省', city: '成都市' },
    },
    {
      name: '重庆两江新区物流有限公司',
      kind: 'company',
      industry: '物流',
      source: '合作伙伴',
      starRating: 4,
      category: 'intentional',
      nature: '民营企业',
      region: { province: '重庆市', city: '重庆市' },
    },
  ],
};

// Warning and care rules (CUS-12/13) an administrator would set up first; created once, by name.
const DEMO_ALERT_RULES = [
  { kind: 'no_contact', name: '30天未联系预警', days: 30 },
  { kind: 'no_order', name: '90天无订单预警', days: 90, categories: ['deal'] },
  {
    kind: 'contact_birthday',
    name: '联系人生日关怀',
    days: 3,
    channels: ['sms'],
    sendTime: '09:00',
    message: '{contact}您好，祝您生日快乐，工作顺利！',
  },
];

async function seedAlertRules(): Promise<void> {
  const headers = { 'authorization': `Bearer ${await userToken('admin')}`, 'content-type': 'application/json' };
  const existing = await fetch(`${GATEWAY}/alert-rules`, { headers });
  if (existing.status !== 200) throw new Error(`reading alert rules failed: ${existing.status} ${await existing.text()}`);
  const names = new Set(((await existing.json()) as { items: { name: string }[] }).items.map((rule) => rule.name));
  for (const rule of DEMO_ALERT_RULES.filter((candidate) => !names.has(candidate.name))) {
    const response = await fetch(`${GATEWAY}/alert-rules`, { method: 'POST', headers, body: JSON.stringify(rule) });
    if (response.status !== 201) throw new Error(`seeding alert rule ${rule.name} failed: ${response.status} ${await response.text()}`);
  }
  process.stdout.write(`[seed] ${DEMO_ALERT_RULES.length} demo warning and care rules\n`);
}

async function main(): Promise<void> {
  let created = 0;
  for (const [rep, customers] of Object.entries(DEMO)) {
    const token = await userToken(rep);
    for (const [index, customer] of customers.entries()) {
      const response = await fetch(`${GATEWAY}/customers`, {
        method: 'POST',
        headers: { 'authorization': `Bearer ${token}`, 'content-type': 'application/json', 'idempotency-key': `demo-${rep}-${index}` },
        body: JSON.stringify(customer),
      });
      // 404: a replay of a demo customer that someone has deleted or passed on since; leave it so.
      if (response.status === 404) continue;
      if (response.status !== 201) throw new Error(`seeding ${customer.name} failed: ${response.status} ${await response.text()}`);
      created += 1;
      process.stdout.write(`\r[seed] ${created} demo customers`);
    }
  }
  process.stdout.write(' (idempotent: re-runs create no duplicates)\n');
  await seedAlertRules();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
