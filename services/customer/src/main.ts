import './instrument';
import { startCustomerService } from './app';

startCustomerService().catch((error: unknown) => {
  process.stderr.write(`${JSON.stringify({ level: 'fatal', msg: 'customer service failed to start', err: String(error) })}\n`);
  process.exit(1);
});
