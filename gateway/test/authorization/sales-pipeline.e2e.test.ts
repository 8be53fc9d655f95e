import { fixtureKinds, recipes } from './sales-pipeline-recipes';
import { describeServiceMatrix } from './walker';

// The sales-pipeline service's authorization matrix (gateway/authorization/sales-pipeline.json)
// against the running platform, as every demo user (see customer.e2e.test.ts and walker.ts).

describeServiceMatrix('sales-pipeline', { fixtureKinds, recipes });
