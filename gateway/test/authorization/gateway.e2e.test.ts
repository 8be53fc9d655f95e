import { fixtureKinds, recipes } from './gateway-recipes';
import { describeServiceMatrix } from './walker';

// The gateway's own endpoints in the authorization matrix (authorization/gateway.json), walked
// as every demo user like every service's (see customer.e2e.test.ts).

describeServiceMatrix('gateway', { fixtureKinds, recipes });
