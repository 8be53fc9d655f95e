import fs from 'node:fs';
import path from 'node:path';

// The files of the authorization matrix, under gateway/authorization: shared.json (the demo users
// and their roles) and one <service>.json per service that owns endpoints (its fixtures and rows).
// Service files are found by listing the folder, so that a new service adds a file and edits none.

export const MATRIX_DIR = path.join(__dirname, '../../authorization');
const SHARED_FILE = 'shared.json';

export type Outcome = 'allow' | 'deny' | 'not-found' | 'filtered';
export const OUTCOMES: readonly Outcome[] = ['allow', 'deny', 'not-found', 'filtered'];

export interface FixtureSpec {
  /** A kind of record that the service's recipes know how to make. */
  kind: string;
  owner: string;
  sharedWith?: string[];
  /** For a record of a customer (a contact): the key of the customer's fixture, listed before it. */
  customer?: string;
}

export interface MatrixCase {
  fixture?: string;
  /** A named kind of request that the endpoint's recipe knows, e.g. a move only supervisors make. */
  variant?: string;
  /** Permissions the request needs beyond the route's, checked by the service inside the scope. */
  requires?: string[];
  /** The code of the 403 when a `requires` permission is missing (the route's own is `forbidden`). */
  denyCode?: string;
  /**
   * Only the record's author may do this (the recipes record it as the fixture's owner): anyone
   * else inside the scope with every permission is denied with denyCode.
   */
  authorOnly?: boolean;
  /** The users the approval step names as its deciders; anyone else inside the scope with every permission is denied with denyCode. */
  deciders?: string[];
  expect: Record<string, Outcome>;
}

export interface MatrixRow {
  permission: string;
  cases: MatrixCase[];
}

/** One service's matrix with the shared users. */
export interface Matrix {
  /** The service that owns the rows: the name of its file. */
  service: string;
  users: Record<string, string[]>;
  fixtures: Record<string, FixtureSpec>;
  endpoints: Record<string, MatrixRow>;
}

const readMatrixFile = (file: string) => fs.readFileSync(path.join(MATRIX_DIR, file), 'utf8');

export const matrixFileOf = (service: string) => `${service}.json`;

/** The demo users and their roles. */
export function sharedUsers(): Record<string, string[]> {
  return (JSON.parse(readMatrixFile(SHARED_FILE)) as { users: Record<string, string[]> }).users;
}

/** The services that have a matrix file. */
export function matrixServices(): string[] {
  return fs
    .readdirSync(MATRIX_DIR)
    .filter((file) => file.endsWith('.json') && file !== SHARED_FILE)
    .map((file) => path.basename(file, '.json'))
    .sort();
}

/** Read when a test file loads, so that jest can name one test per row. */
export function loadMatrix(service: string): Matrix {
  const parsed = JSON.parse(readMatrixFile(matrixFileOf(service))) as Partial<Matrix>;
  return { service, users: sharedUsers(), fixtures: parsed.fixtures ?? {}, endpoints: parsed.endpoints ?? {} };
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Every endpoint a service's file lists, as often as it lists it. JSON.parse keeps the last of two
 * equal keys, so a row listed twice in one file (two branches adding the same endpoint) would
 * vanish unnoticed: the keys are counted in the text.
 */
export function listedEndpoints(service: string): string[] {
  const text = readMatrixFile(matrixFileOf(service));
  const endpoints = Object.keys((JSON.parse(text) as Partial<Matrix>).endpoints ?? {});
  return endpoints.flatMap((endpoint) => {
    const times = text.match(new RegExp(`"${escapeRegExp(endpoint)}"\\s*:`, 'g'))?.length ?? 1;
    return Array.from({ length: times }, () => endpoint);
  });
}
