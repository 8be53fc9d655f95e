import type { ScheduledWork } from '@liaison/jobs';

// The scheduled work of the sales-pipeline service: each job fires once per interval across all
// replicas (libs/jobs). None yet; return them here, e.g.
//   { name: 'sla-check', intervalMs: 60_000, work: () => tickets.checkSla() }.
export function salesPipelineJobs(): ScheduledWork<unknown>[] {
  return [];
}
