import {
  alertV1,
  approvalV1,
  invalidApplicationV1,
  assignmentV1,
  baseDataV1,
  contactV1,
  customerV1,
  customerViewV1,
  customFieldV1,
  followUpV1,
  handoverV1,
  historyV1,
  importExportV1,
  customerMaintenanceV1,
  salesLeadV1,
} from '@liaison/contracts';
import { createGrpcClient, type ServiceMetrics } from '@liaison/runtime';
import { ApprovalBackends } from './backends/approval-backends';

// gRPC clients of the gateway, one per backend service API. Reads are idempotent and may be
// retried; writes never are.

// The statement timeout the customer service sets for a handover (handover-repository.ts).
const HANDOVER_DEADLINE_MS = 300_000;

export interface ServiceClients {
  customers: customerV1.CustomerServiceClient;
  baseData: baseDataV1.BaseDataServiceClient;
  customFields: customFieldV1.CustomFieldServiceClient;
  customerMaintenance: customerMaintenanceV1.CustomerMaintenanceServiceClient;
  assignments: assignmentV1.CustomerAssignmentServiceClient;
  approvalBackends: ApprovalBackends;
  invalidApplications: invalidApplicationV1.InvalidApplicationServiceClient;
  followUps: followUpV1.FollowUpServiceClient;
  history: historyV1.CustomerHistoryServiceClient;
  contacts: contactV1.ContactServiceClient;
  customerViews: customerViewV1.CustomerViewServiceClient;
  customerImports: importExportV1.CustomerImportServiceClient;
  customerExports: importExportV1.CustomerExportServiceClient;
  alerts: alertV1.CustomerAlertServiceClient;
  handovers: handoverV1.HandoverServiceClient;
  leads: salesLeadV1.LeadServiceClient;
  leadAssignment: salesLeadV1.LeadAssignmentServiceClient;
  leadForms: salesLeadV1.LeadFormServiceClient;
}

export interface ClientSettings {
  customerAddress: string;
  salesPipelineAddress: string;
  /** Every backend service by name (from its <NAME>_GRPC_ADDR); those serving approvals are found among them. */
  serviceAddresses: Record<string, string>;
  deadlineMs: number;
  metrics: ServiceMetrics;
}

export function createClients(settings: ClientSettings): ServiceClients {
  const options = (serviceName: string, idempotentMethods: string[]) => ({
    serviceName,
    idempotentMethods,
    deadlineMs: settings.deadlineMs,
    metrics: settings.metrics,
  });
  return {
    customers: createGrpcClient(
      customerV1.CustomerServiceClient,
      settings.customerAddress,
      options('liaison.customer.v1.CustomerService', ['GetCustomer', 'ListCustomers']),
    ),
    baseData: createGrpcClient(
      baseDataV1.BaseDataServiceClient,
      settings.customerAddress,
      options('liaison.customer.v1.BaseDataService', ['ListBaseDataEntries', 'ListRegions']),
    ),
    customFields: createGrpcClient(
      customFieldV1.CustomFieldServiceClient,
      settings.customerAddress,
      options('liaison.customer.v1.CustomFieldService', ['ListCustomFieldDefinitions']),
    ),
    customerMaintenance: createGrpcClient(
      customerMaintenanceV1.CustomerMaintenanceServiceClient,
      settings.customerAddress,
      options('liaison.customer.v1.CustomerMaintenanceService', ['FindDuplicateCustomers', 'ListDeletedCustomers', 'ListCustomerShares']),
    ),
    assignments: createGrpcClient(
      assignmentV1.CustomerAssignmentServiceClient,
      settings.customerAddress,
      options('liaison.customer.v1.CustomerAssignmentService', ['ListPool', 'ListPending', 'GetOwnershipHistory', 'GetPoolRule']),
    ),
    // A handover moves every customer of a person in one transaction whose statements may run for
    // minutes: the gateway waits that long rather than answer 504 while it still commits.
    handovers: createGrpcClient(handoverV1.HandoverServiceClient, settings.customerAddress, {
      ...options('liaison.customer.v1.HandoverService', ['GetHandover', 'ListHandovers']),
      deadlineMs: Math.max(settings.deadlineMs, HANDOVER_DEADLINE_MS),
    }),
    leads: createGrpcClient(
      salesLeadV1.LeadServiceClient,
      settings.salesPipelineAddress,
      options('liaison.sales.v1.LeadService', ['GetLead', 'ListLeads']),
    ),
    leadAssignment: createGrpcClient(
      salesLeadV1.LeadAssignmentServiceClient,
      settings.salesPipelineAddress,
      options('liaison.sales.v1.LeadAssignmentService', ['ListLeadAssignmentRules']),
    ),
    leadForms: createGrpcClient(
      salesLeadV1.LeadFormServiceClient,
      settings.salesPipelineAddress,
      options('liaison.sales.v1.LeadFormService', ['ListLeadForms']),
    ),
    approvalBackends: new ApprovalBackends(
      Object.entries(settings.serviceAddresses).map(([service, address]) => ({
        service,
        client: createGrpcClient(
          approvalV1.ApprovalServiceClient,
          address,
          options('liaison.approval.v1.ApprovalService', ['GetApproval', 'ListApprovals', 'ListApprovalKinds']),
        ),
      })),
    ),
    invalidApplications: createGrpcClient(
      invalidApplicationV1.InvalidApplicationServiceClient,
      settings.customerAddress,
      options('liaison.customer.v1.InvalidApplicationService', []),
    ),
    followUps: createGrpcClient(
      followUpV1.FollowUpServiceClient,
      settings.customerAddress,
      options('liaison.customer.v1.FollowUpService', ['GetFollowUp', 'ListFollowUps', 'ListTeamFollowUps']),
    ),
    history: createGrpcClient(
      historyV1.CustomerHistoryServiceClient,
      settings.customerAddress,
      options('liaison.customer.v1.CustomerHistoryService', ['GetCustomerHistory']),
    ),
    contacts: createGrpcClient(
      contactV1.ContactServiceClient,
      settings.customerAddress,
      options('liaison.customer.v1.ContactService', ['GetContact', 'ListContacts', 'GetContactGraph']),
    ),
    customerViews: createGrpcClient(
      customerViewV1.CustomerViewServiceClient,
      settings.customerAddress,
      options('liaison.customer.v1.CustomerViewService', ['GetCustomer360', 'GetCustomerTimeline']),
    ),
    customerImports: createGrpcClient(
      importExportV1.CustomerImportServiceClient,
      settings.customerAddress,
      options('liaison.customer.v1.CustomerImportService', ['GetCustomerImport', 'ListCustomerImports']),
    ),
    customerExports: createGrpcClient(
      importExportV1.CustomerExportServiceClient,
      settings.customerAddress,
      options('liaison.customer.v1.CustomerExportService', []),
    ),
    alerts: createGrpcClient(
      alertV1.CustomerAlertServiceClient,
      settings.customerAddress,
      options('liaison.customer.v1.CustomerAlertService', ['ListAlertRules', 'GetAlertRule', 'ListAlerts']),
    ),
  };
}

export function closeClients(clients: ServiceClients): void {
  const { approvalBackends, ...single } = clients;
  approvalBackends.close();
  for (const client of Object.values(single)) (client as { close(): void }).close();
}
