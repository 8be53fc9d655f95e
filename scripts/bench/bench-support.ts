// What every benchmark does before measuring: say what it does, bring the local stack up, build
// what it runs, and know the demo sales users who own the seeded customers.
import { execFileSync } from 'node:child_process';
import { subjectOf, userToken } from '../../libs/testkit/src';

export const progress = (message: string) => process.stdout.write(`[bench] ${message}\n`);

/** Starts the stack (idempotent) and, unless skipped, builds the given projects. */
export function prepare(options: { skipBuild: boolean; projects: string[] }): void {
  progress('ensuring the local stack is up');
  execFileSync('bash', ['scripts/stack', 'up'], { stdio: 'inherit' });
  if (options.skipBuild) return;
  progress(`building ${options.projects.join(', ')}`);
  execFileSync('npx', ['nx', 'run-many', '-t', 'build', `--projects=${options.projects.join(',')}`, '--output-style=static'], {
    stdio: 'ignore',
  });
}

/** The demo users that own seeded customers, each in the unit the realm puts them in. */
export const SALES_USERS: Readonly<Record<string, string>> = {
  'admin': '/Sales/East/Key',
  'manager.east': '/Sales/East',
  'rep.east.1': '/Sales/East',
  'rep.east.2': '/Sales/East',
  'manager.west': '/Sales/West',
  'rep.west.1': '/Sales/West',
};

export interface SalesTeam {
  users: string[];
  tokens: Map<string, string>;
  /** Keycloak subject (the owner id) per user. */
  owners: Map<string, string>;
  units: Readonly<Record<string, string>>;
}

export async function salesTeam(): Promise<SalesTeam> {
  const users = Object.keys(SALES_USERS);
  const tokens = new Map(await Promise.all(users.map(async (user) => [user, await userToken(user)] as const)));
  const owners = new Map(users.map((user) => [user, subjectOf(tokens.get(user)!)]));
  return { users, tokens, owners, units: SALES_USERS };
}
