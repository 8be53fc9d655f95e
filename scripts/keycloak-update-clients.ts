// Brings the clients of a running Keycloak in line with a changed realm file through the admin REST
// API. scripts/stack calls it when the realm file changed while Keycloak is up: a fresh import means
// a restart and a wiped database under everyone using the shared stack, which a change to clients
// alone (redirect URIs, flows, mappers) does not need. Anything else still takes the fresh import.
//
//   tsx scripts/keycloak-update-clients.ts [--check] IMPORTED_REALM_FILE NEW_REALM_FILE KEYCLOAK_URL
//
// Exit 0: the running realm now has the new file's clients (with --check: it could, nothing sent);
// exit 3: the change cannot be applied live (reason on stderr); exit 1: the admin API failed.
import { readFileSync } from 'node:fs';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Client = { clientId: string } & { [key: string]: Json };
type Realm = { realm: string; clients?: Client[] } & { [key: string]: Json | Client[] | undefined };

class NotLive extends Error {}

/** JSON text with object keys sorted, so key order alone never counts as a change. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonical(item)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

function byClientId(realm: Realm): Map<string, Client> {
  return new Map((realm.clients ?? []).map((client) => [client.clientId, client]));
}

/** Keys the old client had and the new one lacks: an update leaves them as they are, only an import drops them. */
function removedKeys(before: Client, after: Client): string[] {
  const gone = Object.keys(before).filter((key) => !(key in after));
  const attributes = (client: Client) => (client.attributes ?? {}) as Record<string, Json>;
  const goneAttributes = Object.keys(attributes(before)).filter((key) => !(key in attributes(after)));
  return [...gone, ...goneAttributes.map((key) => `attributes.${key}`)];
}

/** The clients to update, or NotLive when the change reaches beyond what a client update can do. */
function changedClients(imported: Realm, next: Realm): Client[] {
  const rest = ({ clients: _clients, ...settings }: Realm) => canonical(settings);
  if (rest(imported) !== rest(next)) throw new NotLive('realm settings, roles, groups or users changed');
  const before = byClientId(imported);
  const after = byClientId(next);
  if (canonical([...before.keys()].sort()) !== canonical([...after.keys()].sort())) throw new NotLive('clients were added or removed');
  const changed = [...after.values()].filter((client) => canonical(client) !== canonical(before.get(client.clientId)));
  for (const client of changed) {
    const gone = removedKeys(before.get(client.clientId)!, client);
    if (gone.length > 0) throw new NotLive(`client ${client.clientId} lost settings (${gone.join(', ')})`);
  }
  return changed;
}

async function call(url: string, init: RequestInit): Promise<Response> {
  const response = await fetch(url, { ...init, signal: AbortSignal.timeout(10_000) });
  if (!response.ok) throw new Error(`${init.method ?? 'GET'} ${url}: ${response.status} ${await response.text()}`);
  return response;
}

/** A token of the master realm's bootstrap admin, which scripts/stack creates as admin/admin. */
async function adminToken(keycloakUrl: string): Promise<string> {
  const form = new URLSearchParams({ grant_type: 'password', client_id: 'admin-cli', username: 'admin', password: 'admin' });
  const response = await call(`${keycloakUrl}/realms/master/protocol/openid-connect/token`, { method: 'POST', body: form });
  return ((await response.json()) as { access_token: string }).access_token;
}

/** PUT replaces the client's settings, redirect URIs, web origins and protocol mappers in place, keeping its id and sessions. */
async function updateClient(adminUrl: string, token: string, client: Client): Promise<void> {
  const headers = { 'authorization': `Bearer ${token}`, 'content-type': 'application/json' };
  const found = await call(`${adminUrl}/clients?clientId=${encodeURIComponent(client.clientId)}`, { headers });
  const [live] = (await found.json()) as { id: string }[];
  if (!live) throw new Error(`client ${client.clientId} is not in the running realm`);
  await call(`${adminUrl}/clients/${live.id}`, { method: 'PUT', headers, body: JSON.stringify({ ...client, id: live.id }) });
}

async function main(args: string[]): Promise<number> {
  const check = args[0] === '--check';
  const [importedFile, nextFile, keycloakUrl] = check ? args.slice(1) : args;
  if (!keycloakUrl) throw new Error('usage: keycloak-update-clients.ts [--check] IMPORTED_REALM_FILE NEW_REALM_FILE KEYCLOAK_URL');
  const read = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as Realm;
  const next = read(nextFile);
  const clients = changedClients(read(importedFile), next);
  const names = clients.map((client) => client.clientId).join(', ') || 'none';
  if (check) {
    console.log(`clients to update: ${names}`);
    return 0;
  }
  const token = await adminToken(keycloakUrl);
  for (const client of clients) await updateClient(`${keycloakUrl}/admin/realms/${next.realm}`, token, client);
  console.log(`clients updated: ${names}`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(error instanceof NotLive ? 3 : 1);
  },
);
