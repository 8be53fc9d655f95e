import './instrument';
import { startGateway } from './server';

startGateway().catch((error: unknown) => {
  process.stderr.write(`${JSON.stringify({ level: 'fatal', msg: 'gateway failed to start', err: String(error) })}\n`);
  process.exit(1);
});
