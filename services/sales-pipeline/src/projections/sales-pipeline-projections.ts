import type { ProjectionSpec } from '@liaison/platform';

// The read models of the sales-pipeline service fed by events of other services (libs/events
// ProjectorRegistry, as the customer service's 360 view). None yet; return them here, e.g.
//   { name: 'sales-pipeline-projections', topics: [Topics.customer], handler: projectionHandler }.
export function salesPipelineProjections(): ProjectionSpec[] {
  return [];
}
