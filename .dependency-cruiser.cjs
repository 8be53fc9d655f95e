// Structure rules, checked by every project's lint (scripts/lint-project). Type-only imports
// count: a cycle of types is still two modules that know each other, and it is how layers start
// to blur (a job importing its use case's types while the use case imports the job).
//
// The layers of a service (docs/adding-a-service.md): grpc (transport) → domain (use cases) →
// persistence / events; jobs and projections drive the domain; nothing below knows what is above.
const service = '^services/[^/]+/src';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'Modules form a tree: a cycle means two modules that should be one, or a third that is missing.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'domain-knows-no-transport',
      severity: 'error',
      comment: 'Use cases do not depend on gRPC handlers or the jobs and projections that drive them.',
      from: { path: `${service}/domain/` },
      to: { path: `${service}/(grpc|jobs|projections)/` },
    },
    {
      name: 'persistence-is-below-the-domain',
      severity: 'error',
      comment: 'Repositories know tables and domain types, not use cases, events or transport.',
      from: { path: `${service}/persistence/` },
      to: { path: [`${service}/(grpc|jobs|projections|events)/`, `${service}/domain/.*-service\\.ts$`] },
    },
    {
      name: 'events-use-mappers-only',
      severity: 'error',
      comment: 'Event payloads reuse the protobuf mappers, never the handlers (which know the use cases).',
      from: { path: `${service}/events/` },
      to: { path: `${service}/grpc/`, pathNot: '-mapper\\.ts$' },
    },
    {
      name: 'mappers-are-leaves',
      severity: 'error',
      comment: 'A mapper converts between domain types and protobuf; it calls no use case and writes no event.',
      from: { path: `${service}/grpc/.*-mapper\\.ts$` },
      to: { path: [`${service}/(events|jobs|projections)/`, `${service}/grpc/.*-handlers\\.ts$`] },
    },
    {
      name: 'mappers-read-types-only',
      severity: 'error',
      comment: 'A mapper may name the shapes that use cases and repositories return, but never call them.',
      from: { path: `${service}/grpc/.*-mapper\\.ts$` },
      to: { path: [`${service}/persistence/`, `${service}/domain/.*-service\\.ts$`], dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'no-test-code-in-production',
      severity: 'error',
      from: { path: '^(services|libs|gateway)/.*src/', pathNot: '\\.test\\.ts$' },
      to: { path: ['\\.test\\.ts$', '^(services|libs|gateway)/[^/]+/test/', '^gateway/test/'] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: ['(^|/)dist/', 'libs/contracts/src/gen/'] },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.base.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.json'] },
  },
};
