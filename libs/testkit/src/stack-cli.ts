import { startContainerStack, stateFilePath, stopContainerStack } from './containers';
import { repoRoot } from './stack';

// `npx tsx libs/testkit/src/stack-cli.ts up|down`: the container stack for LIAISON_STACK=testcontainers,
// used by scripts/test in place of `scripts/stack up`.

async function up(): Promise<void> {
  console.log('starting PostgreSQL, Kafka, Keycloak and FerretDB containers (the first run pulls the images)');
  const state = await startContainerStack({ repoRoot });
  for (const [component, id] of Object.entries(state.containers)) console.log(`${component}: up (container ${id.slice(0, 12)})`);
  console.log(`container ids recorded in ${stateFilePath()}`);
}

async function down(): Promise<void> {
  const removed = await stopContainerStack();
  console.log(removed.length ? `removed ${removed.length} container(s)` : 'no Liaison containers were running');
}

async function main(verb: string | undefined): Promise<void> {
  if (verb === 'up') return up();
  if (verb === 'down') return down();
  console.error('usage: npx tsx libs/testkit/src/stack-cli.ts up|down');
  process.exitCode = 2;
}

// Exiting explicitly: open Docker client sockets must not keep scripts/test waiting.
main(process.argv[2]).then(
  () => process.exit(process.exitCode ?? 0),
  (error: unknown) => {
    console.error(`stack-cli: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
