import fs from 'node:fs';
import path from 'node:path';
import type { ServiceNames } from './names';

// The places outside its folder where a service is registered: its contract alias and topic,
// its chart values entry and its skaffold artifact. Each registration has its exact inverse, so
// that removing a generated service (the suite's throwaway ones) leaves the tree as it was.
// scripts/start and scripts/stack find services by their local.env and need no registration.

export const repoRoot = path.resolve(__dirname, '../..');
const file = (relative: string) => path.join(repoRoot, relative);

function edit(relative: string, change: (text: string) => string): void {
  const before = fs.readFileSync(file(relative), 'utf8');
  const after = change(before);
  if (after !== before) fs.writeFileSync(file(relative), after);
}

function insertBefore(text: string, anchor: string, addition: string, where: string): string {
  const at = text.indexOf(anchor);
  if (at < 0) throw new Error(`${where}: anchor not found: ${anchor.trim()}`);
  return text.slice(0, at) + addition + text.slice(at);
}

// --- contracts: the generated code's alias, and the domain's topic ---------------------------

const INDEX = 'libs/contracts/src/index.ts';
const EVENT_TYPES = 'libs/contracts/src/event-types.ts';

function aliasLine(n: ServiceNames): string {
  return `export * as ${n.domainCamel}SettingV1 from './gen/liaison/${n.domain}/v1/setting';\n`;
}

function topicLine(n: ServiceNames): string {
  return `  ${n.domainCamel}: 'liaison.${n.domain}.v1',\n`;
}

const TOPICS_END = '} as const;\n\nconst EVENTS_PACKAGE';

export function registerContracts(n: ServiceNames): void {
  edit(INDEX, (text) => (text.includes(aliasLine(n)) ? text : insertBefore(text, 'export { FieldMask }', aliasLine(n), INDEX)));
  edit(EVENT_TYPES, (text) =>
    new RegExp(`^  ${n.domainCamel}: `, 'm').test(text) ? text : insertBefore(text, TOPICS_END, topicLine(n), EVENT_TYPES),
  );
}

/** `keepTopic`: the domain had its topic before the service was generated. */
export function unregisterContracts(n: ServiceNames, keepTopic: boolean): void {
  edit(INDEX, (text) => text.replace(aliasLine(n), ''));
  if (!keepTopic) edit(EVENT_TYPES, (text) => text.replace(topicLine(n), ''));
}

export function hasTopic(n: ServiceNames): boolean {
  return new RegExp(`^  ${n.domainCamel}: `, 'm').test(fs.readFileSync(file(EVENT_TYPES), 'utf8'));
}

// --- the Helm chart's values --------------------------------------------------------------------

const VALUES = 'deploy/helm/liaison/values.yaml';
const VALUES_ANCHOR = '\n# Public entry point: an Ingress in front of the gateway.';

function valuesBlock(n: ServiceNames): string {
  const database = n.store === 'postgres' ? 'postgres' : 'mongodb';
  return `  ${n.name}:\n    enabled: true\n    kind: grpc\n    database: ${database}\n    image:\n      repository: liaison/${n.name}\n`;
}

const MONGODB_OFF =
  'mongodb:\n  # Needed only by the MongoDB services (service-ticket, messaging, telephony-recording).\n  enabled: false\n';
const MONGODB_ON = MONGODB_OFF.replace('enabled: false', 'enabled: true');

/** Whether the chart's in-chart MongoDB is on (a MongoDB service needs one, or an external one). */
export function chartHasMongodb(): boolean {
  return !fs.readFileSync(file(VALUES), 'utf8').includes(MONGODB_OFF);
}

// A planned service has its entry already, disabled: generating it enables it. A MongoDB service
// turns the in-chart MongoDB on, as its pods cannot start without one.
export function registerChart(n: ServiceNames): void {
  if (n.store === 'mongo') edit(VALUES, (text) => text.replace(MONGODB_OFF, MONGODB_ON));
  edit(VALUES, (text) => {
    const planned = `  ${n.name}:\n    enabled: false\n`;
    if (text.includes(planned)) return text.replace(planned, `  ${n.name}:\n    enabled: true\n`);
    if (text.includes(`\n  ${n.name}:\n`)) return text;
    return insertBefore(text, VALUES_ANCHOR, valuesBlock(n), VALUES);
  });
}

/** `keepMongodb`: the in-chart MongoDB was on before the service was generated. */
export function unregisterChart(n: ServiceNames, keepMongodb: boolean): void {
  edit(VALUES, (text) => text.replace(valuesBlock(n), ''));
  if (n.store === 'mongo' && !keepMongodb) edit(VALUES, (text) => text.replace(MONGODB_ON, MONGODB_OFF));
}

// --- skaffold -----------------------------------------------------------------------------------

const SKAFFOLD = 'skaffold.yaml';

function artifact(n: ServiceNames): string {
  return `    - image: liaison/${n.name}\n      context: .\n      docker:\n        dockerfile: services/${n.name}/Dockerfile\n`;
}

function imageValues(n: ServiceNames): string {
  const variable = `liaison_${n.name.replace(/-/g, '_')}`;
  return (
    `          services.${n.name}.image.repository: "{{.IMAGE_REPO_${variable}}}"\n` +
    `          services.${n.name}.image.tag: "{{.IMAGE_TAG_${variable}}}@{{.IMAGE_DIGEST_${variable}}}"\n`
  );
}

export function registerSkaffold(n: ServiceNames): void {
  edit(SKAFFOLD, (text) => {
    if (text.includes(artifact(n))) return text;
    const withArtifact = insertBefore(text, '    - image: liaison/gateway\n', artifact(n), SKAFFOLD);
    return insertBefore(withArtifact, '          services.gateway.image.repository', imageValues(n), SKAFFOLD);
  });
}

export function unregisterSkaffold(n: ServiceNames): void {
  edit(SKAFFOLD, (text) => text.replace(artifact(n), '').replace(imageValues(n), ''));
}
