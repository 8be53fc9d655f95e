import type { ServiceClients } from '../clients';
import type { ApiRouter } from '../http/api-router';
import { customerRoutes } from './customers';
import { importExportRoutes } from './import-export';
import { baseDataRoutes } from './base-data';
import { customFieldRoutes } from './custom-fields';
import { customerMaintenanceRoutes } from './customer-maintenance';
import { assignmentRoutes } from './assignment';
import { approvalRoutes } from './approvals';
import { followUpRoutes } from './followups';
import { historyRoutes } from './history';
import { contactRoutes } from './contacts';
import { customerViewRoutes } from './customer-view';
import { alertRoutes } from './alerts';
import { handoverRoutes } from './handovers';
import { leadAssignmentRoutes, leadRoutes } from './leads';
import { leadFormRoutes } from './lead-forms';

/** Each resource module declares its routes on the router with the clients it needs. */
export type RouteModule = (api: ApiRouter, clients: ServiceClients) => void;

export const routeModules: RouteModule[] = [
  // Before the customers: /customers/export must not be taken for /customers/{id}.
  (api, clients) => importExportRoutes(api, clients.customerImports, clients.customerExports),
  (api, clients) => customerRoutes(api, clients.customers),
  (api, clients) => baseDataRoutes(api, clients.baseData),
  (api, clients) => customFieldRoutes(api, clients.customFields),
  (api, clients) => customerMaintenanceRoutes(api, clients.customerMaintenance),
  (api, clients) => assignmentRoutes(api, clients.assignments),
  (api, clients) => approvalRoutes(api, clients.approvalBackends, clients.invalidApplications),
  (api, clients) => followUpRoutes(api, clients.followUps),
  (api, clients) => historyRoutes(api, clients.history),
  (api, clients) => contactRoutes(api, clients.contacts),
  (api, clients) => customerViewRoutes(api, clients.customerViews),
  (api, clients) => alertRoutes(api, clients.alerts),
  (api, clients) => handoverRoutes(api, clients.handovers),
  (api, clients) => leadRoutes(api, clients.leads),
  (api, clients) => leadAssignmentRoutes(api, clients.leadAssignment),
  (api, clients) => leadFormRoutes(api, clients.leadForms),
];
