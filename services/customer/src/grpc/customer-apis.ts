import type { PostgresGrpcServer } from '@liaison/platform';
import type { Pool, ServiceHost } from '@liaison/runtime';
import { AlertService } from '../domain/alert-service';
import { customerApprovals } from '../domain/approval-kinds';
import { AssignmentService } from '../domain/assignment-service';
import { BaseDataService } from '../domain/base-data-service';
import { ContactService } from '../domain/contact-service';
import { CustomFieldService } from '../domain/custom-field-service';
import { CustomerService } from '../domain/customer-service';
import { CustomerViewService } from '../domain/customer-view-service';
import { ExportService } from '../domain/export-service';
import { FollowUpService } from '../domain/followup-service';
import { HandoverService } from '../domain/handover-service';
import { HistoryService } from '../domain/history-service';
import { ImportService } from '../domain/import-service';
import { alertHandlers } from './alert-handlers';
import { approvalHandlers } from '@liaison/approvals';
import { deprecatedApprovalHandlers } from './approval-handlers';
import { invalidApplicationHandlers } from './invalid-application-handlers';
import { assignmentHandlers } from './assignment-handlers';
import { baseDataHandlers } from './base-data-handlers';
import { contactHandlers } from './contact-handlers';
import { customFieldHandlers } from './custom-field-handlers';
import { customerHandlers } from './customer-handlers';
import { customerViewHandlers } from './customer-view-handlers';
import { exportHandlers } from './export-handlers';
import { followUpHandlers } from './followup-handlers';
import { handoverHandlers } from './handover-handlers';
import { historyHandlers } from './history-handlers';
import { importHandlers } from './import-handlers';
import { customerMaintenanceHandlers, customerMaintenanceServices } from './customer-maintenance-handlers';

// Every gRPC API of the customer service, one line each: a new API is one more line here and
// its proto file in CUSTOMER_PROTO_FILES (for reflection).

export const CUSTOMER_PROTO_FILES = [
  'customer',
  'import_export',
  'customer_maintenance',
  'base_data',
  'custom_field',
  'approval',
  'assignment',
  'handover',
  'followup',
  'history',
  'contact',
  'customer_view',
  'alert',
  'invalid_application',
]
  .map((name) => `liaison/customer/v1/${name}.proto`)
  .concat('liaison/approval/v1/approval.proto');

export interface CustomerApiDependencies {
  pool: Pool;
  host: ServiceHost;
  baseData: BaseDataService;
  importChunkRows: number;
}

/** The use cases that scheduled jobs drive as well. */
export interface CustomerJobServices {
  assignments: AssignmentService;
  alerts: AlertService;
}

export async function addCustomerApis(grpc: PostgresGrpcServer, deps: CustomerApiDependencies): Promise<CustomerJobServices> {
  const { pool, host, baseData } = deps;
  const customers = new CustomerService(pool);
  const customFields = new CustomFieldService(pool);
  const imports = new ImportService(pool, { chunkRows: deps.importChunkRows, logger: host.logger });
  await imports.failOrphans();
  host.onStop('imports', () => imports.stop());
  const assignments = new AssignmentService(pool);
  const approvals = customerApprovals(pool, assignments);
  const alerts = new AlertService(pool);

  grpc.addService(customerHandlers.definition, customerHandlers(customers), customerHandlers.policies);
  grpc.addService(importHandlers.definition, importHandlers(imports), importHandlers.policies);
  grpc.addService(exportHandlers.definition, exportHandlers(new ExportService(customers, customFields)), exportHandlers.policies);
  grpc.addService(
    customerMaintenanceHandlers.definition,
    customerMaintenanceHandlers(customerMaintenanceServices(pool)),
    customerMaintenanceHandlers.policies,
  );
  grpc.addService(baseDataHandlers.definition, baseDataHandlers(baseData), baseDataHandlers.policies);
  grpc.addService(customFieldHandlers.definition, customFieldHandlers(customFields), customFieldHandlers.policies);
  grpc.addService(approvalHandlers.definition, approvalHandlers(approvals.approvals), approvalHandlers.policies);
  grpc.addService(
    invalidApplicationHandlers.definition,
    invalidApplicationHandlers(approvals.invalidApplications),
    invalidApplicationHandlers.policies,
  );
  grpc.addService(deprecatedApprovalHandlers.definition, deprecatedApprovalHandlers(approvals), deprecatedApprovalHandlers.policies);
  grpc.addService(assignmentHandlers.definition, assignmentHandlers(assignments, approvals.transfers), assignmentHandlers.policies);
  grpc.addService(handoverHandlers.definition, handoverHandlers(new HandoverService(pool)), handoverHandlers.policies);
  grpc.addService(followUpHandlers.definition, followUpHandlers(new FollowUpService(pool)), followUpHandlers.policies);
  grpc.addService(historyHandlers.definition, historyHandlers(new HistoryService(pool)), historyHandlers.policies);
  grpc.addService(contactHandlers.definition, contactHandlers(new ContactService(pool)), contactHandlers.policies);
  grpc.addService(customerViewHandlers.definition, customerViewHandlers(new CustomerViewService(pool)), customerViewHandlers.policies);
  grpc.addService(alertHandlers.definition, alertHandlers(alerts), alertHandlers.policies);
  return { assignments, alerts };
}
