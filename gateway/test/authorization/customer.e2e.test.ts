import { fixtureKinds, recipes } from './customer-recipes';
import { describeServiceMatrix } from './walker';

// The customer service's authorization matrix (gateway/authorization/customer.json) against the
// running platform, as every demo user: the rows are the reviewed expectation, customer-recipes.ts
// makes the fixtures and requests, walker.ts judges the answers. Another service adds its matrix
// the same way, with files of its own: gateway/authorization/<service>.json, <service>-recipes.ts
// (exporting fixtureKinds and recipes) and a <service>.e2e.test.ts like this one; shared.e2e.test.ts
// then fails until every operation the gateway serves has exactly one row among the files.

describeServiceMatrix('customer', { fixtureKinds, recipes });
