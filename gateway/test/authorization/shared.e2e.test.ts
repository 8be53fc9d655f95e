import fs from 'node:fs';
import path from 'node:path';
import { decodeJwt } from 'jose';
import { principalFromClaims, rolePermissions } from '@liaison/auth';
import { servedOperations, startWalk, stopWalk, tokenOf } from './harness';
import { listedEndpoints, matrixFileOf, matrixServices, sharedUsers } from './matrix';

// What no single service's matrix can check (walker.ts walks each one from its own test file):
// that the service files together give every operation the gateway serves exactly one row, that
// every service file is walked, and that the demo users of shared.json have the roles it lists.

const DATABASE = 'authz_shared';
const users = sharedUsers();

beforeAll(() => startWalk(DATABASE, Object.keys(users)));

afterAll(stopWalk);

/** The files that list each endpoint, once per listing. */
function listingsByEndpoint(): Map<string, string[]> {
  const listings = new Map<string, string[]>();
  for (const service of matrixServices()) {
    for (const endpoint of listedEndpoints(service)) listings.set(endpoint, [...(listings.get(endpoint) ?? []), matrixFileOf(service)]);
  }
  return listings;
}

describe('the authorization matrix, all services together', () => {
  it('has one row for every operation the gateway serves, in one service file, and none for an operation it does not', async () => {
    const served = (await servedOperations()).map((operation) => operation.endpoint);
    const listings = listingsByEndpoint();
    const missingRows = served.filter((endpoint) => !listings.has(endpoint));
    const rowsForUnservedOperations = [...listings.keys()].filter((endpoint) => !served.includes(endpoint));
    const listedTwice = [...listings]
      .filter(([, files]) => files.length > 1)
      .map(([endpoint, files]) => `${endpoint}: ${files.join(', ')}`);
    expect({ missingRows, rowsForUnservedOperations, listedTwice }).toEqual({
      missingRows: [],
      rowsForUnservedOperations: [],
      listedTwice: [],
    });
  });

  it('walks every service file: each has its recipes and its test file', () => {
    const expectedFiles = (service: string) => [`${service}-recipes.ts`, `${service}.e2e.test.ts`];
    const missing = matrixServices().flatMap((service) =>
      expectedFiles(service)
        .filter((file) => !fs.existsSync(path.join(__dirname, file)))
        .map((file) => `${matrixFileOf(service)}: no test/authorization/${file}`),
    );
    expect(missing).toEqual([]);
  });

  it('lists the roles each demo user really has in Keycloak', () => {
    const knownRoles = new Set(Object.keys(rolePermissions));
    const problems = Object.keys(users).flatMap((user) => {
      const actual = principalFromClaims(decodeJwt(tokenOf(user)), tokenOf(user))
        .roles.filter((role) => knownRoles.has(role))
        .sort();
      const listed = [...users[user]].sort();
      return actual.join(',') === listed.join(',') ? [] : [`${user}: shared.json lists roles [${listed}], the token has [${actual}]`];
    });
    expect(problems).toEqual([]);
  });
});
