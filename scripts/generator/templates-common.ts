import type { ServiceNames } from './names';

// Files every generated service has whatever its store: the package, the TypeScript and jest
// configurations, the Dockerfile, the proto of its first API, its README and local settings.

export function packageJson(n: ServiceNames): string {
  const dependencies: Record<string, string> = {
    '@liaison/auth': '*',
    '@liaison/contracts': '*',
    '@liaison/events': '*',
    '@liaison/jobs': '*',
    '@liaison/platform': '*',
    '@liaison/runtime': '*',
    ...(n.store === 'mongo' ? { mongoose: '*' } : { pg: '*' }),
  };
  const manifest = {
    name: `@liaison/${n.name}`,
    version: '0.1.0',
    private: true,
    main: 'dist/main.js',
    scripts: {
      'build': 'tsc -p tsconfig.build.json',
      'lint': 'bash ../../scripts/lint-project',
      'test': 'jest --passWithNoTests=false',
      'start': 'node dist/main.js',
      'test:int': 'jest -c jest.int.config.js --runInBand',
      'typecheck': 'tsc -p tsconfig.json',
    },
    nx: { tags: ['type:service'] },
    dependencies,
    devDependencies: { '@liaison/testkit': '*' },
    files: n.store === 'postgres' ? ['dist', 'migrations'] : ['dist'],
  };
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

export const tsconfig = `{
  "extends": "../../tsconfig.base.json",
  "compilerOptions": { "noEmit": true, "types": ["node", "jest"] },
  "include": ["src", "test"]
}
`;

export const tsconfigBuild = `{
  "extends": "../../tsconfig.base.json",
  "compilerOptions": { "outDir": "dist", "rootDir": "src" },
  "include": ["src"],
  "exclude": ["src/**/*.test.ts"]
}
`;

export const jestConfig = `// Unit tests only (beside the code); integration tests live in test/ and run with the stack.
module.exports = {
  ...require('../../jest.preset.js'),
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.test.ts'],
};
`;

export const jestIntConfig = `// Integration tests: the service in-process against the real local stack (scripts/stack up).
module.exports = {
  ...require('../../jest.preset.js'),
  rootDir: __dirname,
  testMatch: ['<rootDir>/test/**/*.int.test.ts'],
  testTimeout: 60_000,
};
`;

export function dockerfile(n: ServiceNames): string {
  return `# syntax=docker/dockerfile:1
# Image of @liaison/${n.name}. The build context is the repository root:
#   docker build -f services/${n.name}/Dockerfile -t liaison/${n.name} .
ARG NODE_IMAGE=node:20-bookworm-slim

# --- build: install the workspace, compile the project and its libs, keep what runs ---
FROM \${NODE_IMAGE} AS build
WORKDIR /app
ENV CI=true NX_DAEMON=false NX_NO_CLOUD=true NX_TUI=false
COPY . .
RUN --mount=type=cache,target=/root/.npm npm ci --no-audit --no-fund
RUN npx nx run @liaison/${n.name}:build
# Production dependencies only; then the run-time tree: root manifest, node_modules
# (workspace links point into libs/ and services/${n.name}/), the libs and the project, without sources.
RUN npm prune --omit=dev --no-audit --no-fund \\
 && mkdir -p /out/services \\
 && cp -a package.json node_modules libs /out/ \\
 && cp -a services/${n.name} /out/services/${n.name} \\
 && rm -rf /out/libs/*/src /out/libs/*/test /out/services/${n.name}/src /out/services/${n.name}/test /out/services/${n.name}/Dockerfile

# --- runtime: non-root, read-only friendly ---
FROM \${NODE_IMAGE}
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /out/ /app/
# uid/gid 1000 is the image's "node" user; numeric so that runAsNonRoot can verify it.
USER 1000:1000
EXPOSE 50051 9464
CMD ["node", "services/${n.name}/dist/main.js"]
`;
}

export function settingProto(n: ServiceNames): string {
  return `syntax = "proto3";

package liaison.${n.domain}.v1;

import "google/protobuf/struct.proto";
import "google/protobuf/timestamp.proto";

// Settings of the ${n.name} service: values administrators keep by key, with optimistic
// concurrency. The service's first API, made by scripts/new-service; its own APIs join it in
// this package. Calls carry the caller's bearer token.
service SettingService {
  // One setting (admin:read).
  rpc GetSetting(GetSettingRequest) returns (GetSettingResponse);
  // Creates (expected_version 0) or replaces a setting (admin:update).
  rpc PutSetting(PutSettingRequest) returns (PutSettingResponse);
}

message Setting {
  // Lower-case letters, digits, ".", "_" and "-"; at most 100 characters.
  string key = 1;
  google.protobuf.Value value = 2;
  // Incremented by every change.
  int64 version = 3;
  string updated_by = 4;
  google.protobuf.Timestamp update_time = 5;
}

message GetSettingRequest {
  string key = 1;
}

message GetSettingResponse {
  Setting setting = 1;
}

message PutSettingRequest {
  string key = 1;
  google.protobuf.Value value = 2;
  // 0 creates the setting; otherwise the version read, refused (ABORTED) if it changed since.
  int64 expected_version = 3;
}

message PutSettingResponse {
  Setting setting = 1;
}
`;
}

export function readme(n: ServiceNames): string {
  const store =
    n.store === 'postgres' ? `PostgreSQL, database \`${n.database}\`` : `MongoDB (FerretDB locally), database \`${n.database}\``;
  return `# ${n.name}

Made by \`scripts/new-service ${n.name} --db ${n.store === 'postgres' ? 'postgres' : 'mongo'} --domain ${n.domain}\`; see
[docs/adding-a-service.md](../../docs/adding-a-service.md) for what comes next.

**Owns**: its settings (the generated first API); ${store}.

**API** (\`proto/liaison/${n.domain}/v1\`, gRPC on 50051, admin HTTP on 9464):
\`SettingService\` — \`GetSetting\` (admin:read), \`PutSetting\` (admin:update, optimistic concurrency).
Permissions and transactions are declared per RPC beside the handlers (\`src/grpc/*-handlers.ts\`).

**Events**: publishes on \`liaison.${n.domain}.v1\` through its outbox (\`src/events\`); none yet.

**Layout**: \`src/main.ts\` (entry) · \`app.ts\` (wiring on libs/platform) · \`config.ts\` ·
\`grpc/\` (handlers, mappers, the API registry) · \`domain/\` (use cases, rules) · \`persistence/\`
(${n.store === 'postgres' ? 'repositories; SQL migrations in `migrations/`' : 'models and repositories'}) · \`events/\` · \`jobs/\` (scheduled work) ·
\`projections/\` (read models fed by events) · \`test/\` (integration tests).

**Tests**: \`npm test -w @liaison/${n.name}\` (unit), \`npm run test:int -w @liaison/${n.name}\` (against
the local stack: health, the API as an admin and as a rep, version conflicts).
`;
}

export function localEnv(n: ServiceNames, grpcPort: number, httpPort: number): string {
  const url =
    n.store === 'postgres'
      ? `DATABASE_URL=postgresql://liaison:liaison@127.0.0.1:5432/${n.database}`
      : `MONGODB_URL=mongodb://127.0.0.1:27017/${n.database}`;
  return `# How scripts/start runs this service on a developer machine (scripts/new-service writes this
# file for a new service). The gateway is given <NAME>_GRPC_ADDR for every service found here.
SERVICE_NAME=${n.name}
GRPC_PORT=${grpcPort}
HTTP_PORT=${httpPort}
${url}
`;
}
