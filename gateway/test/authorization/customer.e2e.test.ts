import { fixtureKinds, recipes } from './customer-recipes';
import { describeServiceMatrix } from './walker';

// The customer service's authorization matrix (gateway/authorization/customer.json) against the
// running platform, as every demo user: the rows are the reviewed expectation, customer-recipes.ts
// makes the fixtures and requests, walker.ts judges the answers and says how a service adds its own.

describeServiceMatrix('customer', { fixtureKinds, recipes });
