import type { PostgresGrpcServer } from '@liaison/platform';
import type { Pool } from '@liaison/runtime';
import { LeadAssignmentService } from '../domain/lead-assignment-service';
import { LeadFormService } from '../domain/lead-form-service';
import { leadFormHandlers } from './lead-form-handlers';
import { LeadService } from '../domain/lead-service';
import { leadAssignmentHandlers } from './lead-assignment-handlers';
import { SettingService } from '../domain/setting-service';
import { leadHandlers } from './lead-handlers';
import { settingHandlers } from './setting-handlers';

// Every gRPC API of the sales-pipeline service, one line each: a new API is one more line here and its
// proto file in SALES_PIPELINE_PROTO_FILES (for reflection).

export const SALES_PIPELINE_PROTO_FILES = ['setting', 'lead'].map((name) => `liaison/sales/v1/${name}.proto`);

/** The use cases that jobs and tests drive as well. */
export interface SalesPipelineApis {
  settings: SettingService;
  leads: LeadService;
  leadAssignment: LeadAssignmentService;
  leadForms: LeadFormService;
}

export function addSalesPipelineApis(grpc: PostgresGrpcServer, deps: { pool: Pool }): SalesPipelineApis {
  const settings = new SettingService(deps.pool);
  const leads = new LeadService(deps.pool);
  grpc.addService(settingHandlers.definition, settingHandlers(settings), settingHandlers.policies);
  const leadAssignment = new LeadAssignmentService(deps.pool);
  grpc.addService(leadHandlers.definition, leadHandlers(leads), leadHandlers.policies);
  grpc.addService(leadAssignmentHandlers.definition, leadAssignmentHandlers(leadAssignment), leadAssignmentHandlers.policies);
  const leadForms = new LeadFormService(deps.pool, leads);
  grpc.addService(leadFormHandlers.definition, leadFormHandlers(leadForms), leadFormHandlers.policies);
  return { settings, leads, leadAssignment, leadForms };
}
