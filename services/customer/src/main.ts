import { serviceMain } from '@liaison/runtime/telemetry';
serviceMain('customer', () => import('./app').then((app) => app.startCustomerService()));
