import { customerV1 } from '@liaison/contracts';
import { createGrpcClient, type ServiceMetrics } from '@liaison/runtime';

// gRPC clients of the gateway, one per backend service API. Reads are idempotent and may be
// retried; writes never are.

export interface ServiceClients {
  customers: customerV1.CustomerServiceClient;
}

export interface ClientSettings {
  customerAddress: string;
  deadlineMs: number;
  metrics: ServiceMetrics;
}

export function createClients(settings: ClientSettings): ServiceClients {
  const options = (serviceName: string, idempotentMethods: string[]) => ({
    serviceName, idempotentMethods, deadlineMs: settings.deadlineMs, metrics: settings.metrics,
  });
  return {
    customers: createGrpcClient(customerV1.CustomerServiceClient, settings.customerAddress,
      options('liaison.customer.v1.CustomerService', ['GetCustomer', 'ListCustomers'])),
  };
}

export function closeClients(clients: ServiceClients): void {
  for (const client of Object.values(clients)) (client as { close(): void }).close();
}
