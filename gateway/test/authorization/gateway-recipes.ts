import type { FixtureKind, Recipe } from './harness';

// Requests of the gateway's own endpoints for the authorization matrix (authorization/gateway.json).

export const recipes: Record<string, Recipe> = {
  'GET /audit-records': {
    async prepare() {
      return { method: 'GET', path: '/audit-records?pageSize=5' };
    },
  },
};

export const fixtureKinds: Record<string, FixtureKind> = {};
