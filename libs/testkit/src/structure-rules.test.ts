import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

// The structure rules of .dependency-cruiser.cjs, run by every project's lint: they must refuse
// an import cycle (type-only imports included) and a use case that reaches up into transport.
// Probed on a throwaway service folder, removed afterwards.

const repoRoot = path.resolve(__dirname, '../../..');

function violations(files: Record<string, string>): string[] {
  const project = `services/zz-structure-probe-${process.pid}`;
  try {
    for (const [file, code] of Object.entries(files)) {
      const full = path.join(repoRoot, project, 'src', file);
      fs.mkdirSync(path.dirname(full), { recursive: true });
      fs.writeFileSync(full, code);
    }
    const depcruise = path.join(repoRoot, 'node_modules/.bin/depcruise');
    const run = spawnSync(depcruise, ['--config', '.dependency-cruiser.cjs', '--output-type', 'json', `${project}/src`], {
      cwd: repoRoot,
      encoding: 'utf8',
    });
    if (!run.stdout) throw new Error(`dependency-cruiser failed: ${run.stderr}`);
    const result = JSON.parse(run.stdout) as { summary: { violations: { rule: { name: string } }[] } };
    return result.summary.violations.map((violation) => violation.rule.name);
  } finally {
    fs.rmSync(path.join(repoRoot, project), { recursive: true, force: true });
  }
}

describe('structure rules', () => {
  jest.setTimeout(60_000);

  it('refuse an import cycle, even one made of type-only imports', () => {
    expect(
      violations({
        'domain/alert-service.ts': "import type { AlertJob } from './alert-job';\nexport type AlertService = { job?: AlertJob };\n",
        'domain/alert-job.ts': "import type { AlertService } from './alert-service';\nexport type AlertJob = { service?: AlertService };\n",
      }),
    ).toContain('no-circular');
  });

  it('refuse a use case that imports its gRPC handler or its job', () => {
    expect(
      violations({
        'grpc/thing-handlers.ts': 'export const handlers = 1;\n',
        'jobs/thing-job.ts': 'export const job = 1;\n',
        'domain/thing-service.ts':
          "import { handlers } from '../grpc/thing-handlers';\nimport { job } from '../jobs/thing-job';\nexport const x = [handlers, job];\n",
      }),
    ).toEqual(['domain-knows-no-transport', 'domain-knows-no-transport']);
  });

  it('let handlers, use cases, repositories and events depend downwards', () => {
    expect(
      violations({
        'persistence/thing-repository.ts': 'export const repository = 1;\n',
        'grpc/thing-mapper.ts': 'export const toProto = 1;\n',
        'events/thing-events.ts': "import { toProto } from '../grpc/thing-mapper';\nexport const events = toProto;\n",
        'domain/thing-service.ts':
          "import { repository } from '../persistence/thing-repository';\nimport { events } from '../events/thing-events';\nexport const x = [repository, events];\n",
        'grpc/thing-handlers.ts':
          "import { x } from '../domain/thing-service';\nimport { toProto } from './thing-mapper';\nexport const handlers = [x, toProto];\n",
      }),
    ).toEqual([]);
  });
});
