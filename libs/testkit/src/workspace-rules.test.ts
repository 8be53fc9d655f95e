import { spawnSync } from 'node:child_process';
import path from 'node:path';

// The lint rule that keeps services apart: a service (or the gateway) may import libs and
// generated contracts only, never another service. Linted as if the code lived in those files.

const repoRoot = path.resolve(__dirname, '../../..');

// ESLint runs as its own process: its flat config is an ES module, which jest's sandbox cannot load.
async function boundaryErrors(filePath: string, code: string): Promise<string[]> {
  const eslint = path.join(repoRoot, 'node_modules/.bin/eslint');
  const run = spawnSync(eslint, ['--stdin', '--stdin-filename', path.join(repoRoot, filePath), '--format', 'json'], {
    cwd: repoRoot,
    input: code,
    encoding: 'utf8',
  });
  if (!run.stdout) throw new Error(`eslint failed: ${run.stderr}`);
  const [result] = JSON.parse(run.stdout) as { messages: { ruleId: string | null; message: string }[] }[];
  return result.messages.filter((m) => m.ruleId === '@nx/enforce-module-boundaries').map((m) => m.message);
}

describe('module boundaries', () => {
  jest.setTimeout(60_000);

  it('refuses a service importing the gateway or another service', async () => {
    expect(
      await boundaryErrors(
        'services/customer/src/probe.ts',
        "import { createGatewayApp } from '@liaison/gateway';\nexport const x = createGatewayApp;\n",
      ),
    ).not.toEqual([]);
    expect(
      await boundaryErrors(
        'gateway/src/probe.ts',
        "import { startCustomerService } from '@liaison/customer';\nexport const x = startCustomerService;\n",
      ),
    ).not.toEqual([]);
  });

  it('refuses a library importing a service', async () => {
    expect(
      await boundaryErrors(
        'libs/runtime/src/probe.ts',
        "import { startCustomerService } from '@liaison/customer';\nexport const x = startCustomerService;\n",
      ),
    ).not.toEqual([]);
  });

  it('allows services to use libs and contracts', async () => {
    expect(
      await boundaryErrors(
        'services/customer/src/probe.ts',
        "import { customerV1 } from '@liaison/contracts';\nimport { AppError } from '@liaison/runtime';\nexport const x = [customerV1, AppError];\n",
      ),
    ).toEqual([]);
  });
});
