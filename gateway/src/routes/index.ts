import type { ServiceClients } from '../clients';
import type { ApiRouter } from '../http/api-router';
import { customerRoutes } from './customers';

/** Each resource module declares its routes on the router with the clients it needs. */
export type RouteModule = (api: ApiRouter, clients: ServiceClients) => void;

export const routeModules: RouteModule[] = [
  (api, clients) => customerRoutes(api, clients.customers),
];
