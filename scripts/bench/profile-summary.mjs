#!/usr/bin/env node
// Where a server's CPU went, from a V8 CPU profile (node --cpu-prof, or the benches' --profile):
// self time by package (a node_modules package, a Liaison lib or service, a node: module, or
// V8's own work) and the functions with the most self and total time.
//
//   node scripts/bench/profile-summary.mjs PROFILE.cpuprofile [--top 25] [--last SECONDS]
//
// --last keeps the samples of the profile's last seconds only: the gateway-customers bench runs
// its get phase last, so `--last 12` is that phase (warm-up included) of the gateway or a service.

import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

const { values, positionals } = parseArgs({
  options: { top: { type: 'string', default: '25' }, last: { type: 'string' } },
  allowPositionals: true,
});
if (positionals.length !== 1) {
  console.error('usage: node scripts/bench/profile-summary.mjs PROFILE.cpuprofile [--top 25] [--last SECONDS]');
  process.exit(2);
}
const top = Number(values.top);
const profile = JSON.parse(readFileSync(positionals[0], 'utf8'));

// Where a script comes from: the package that owns it, so that a cost reads as a decision.
function packageOf(url, functionName) {
  if (!url) return `(${functionName || 'v8'})`;
  const modules = url.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/g);
  if (modules) return modules[modules.length - 1].replace('node_modules/', '');
  const liaison = url.match(/\/(libs|services)\/([^/]+)\//) ?? url.match(/\/(gateway)\//);
  if (liaison) return liaison[1] === 'gateway' ? 'gateway' : `${liaison[1]}/${liaison[2]}`;
  if (url.startsWith('node:')) return url.split('/').slice(0, 2).join('/');
  return url.replace(/^.*\//, '');
}

const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
const selfUs = new Map();
const from = values.last === undefined ? -Infinity : profile.endTime - Number(values.last) * 1e6;
let at = profile.startTime;
profile.samples.forEach((id, i) => {
  at += profile.timeDeltas[i] ?? 0;
  if (at >= from) selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
});
const totalUs = [...selfUs.values()].reduce((a, b) => a + b, 0);
const idleUs = [...selfUs].filter(([id]) => nodes.get(id).callFrame.functionName === '(idle)').reduce((a, [, us]) => a + us, 0);
const busyUs = totalUs - idleUs;

const nameOf = ({ callFrame: frame }) =>
  `${frame.functionName || '(anonymous)'} ${packageOf(frame.url, frame.functionName)}${frame.url ? `:${frame.lineNumber + 1}` : ''}`;

// Total (inclusive) time of a function counts each sample once, however deep the recursion.
const parentOf = new Map();
for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);
const total = new Map();
const self = new Map();
const byPackage = new Map();
for (const [id, us] of selfUs) {
  const node = nodes.get(id);
  if (node.callFrame.functionName === '(idle)') continue;
  self.set(nameOf(node), (self.get(nameOf(node)) ?? 0) + us);
  const pkg = packageOf(node.callFrame.url, node.callFrame.functionName);
  byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + us);
  const seen = new Set();
  for (let at = id; at !== undefined; at = parentOf.get(at)) {
    const name = nameOf(nodes.get(at));
    if (seen.has(name)) continue;
    seen.add(name);
    total.set(name, (total.get(name) ?? 0) + us);
  }
}

const share = (us) => `${((100 * us) / busyUs).toFixed(1).padStart(5)}%`;
const ranked = (map) => [...map].sort((a, b) => b[1] - a[1]).slice(0, top);
console.log(`${positionals[0]}\nbusy ${(busyUs / 1e6).toFixed(1)} s of ${(totalUs / 1e6).toFixed(1)} s (shares below are of busy time)\n`);
console.log('self time by package');
for (const [pkg, us] of ranked(byPackage)) console.log(`  ${share(us)}  ${pkg}`);
console.log('\nself time by function');
for (const [name, us] of ranked(self)) console.log(`  ${share(us)}  ${name}`);
console.log('\ntotal time by function (callees included)');
for (const [name, us] of ranked(total)) console.log(`  ${share(us)}  ${name}`);
