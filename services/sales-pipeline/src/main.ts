import { serviceMain } from '@liaison/runtime/telemetry';
serviceMain('sales-pipeline', () => import('./app').then((app) => app.startSalesPipelineService()));
