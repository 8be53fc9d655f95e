import net from 'node:net';
import { freePort, waitFor } from './processes';

describe('test process helpers', () => {
  it('finds a port that can be bound', async () => {
    const port = await freePort();
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    server.close();
  });

  it('waits until the probe holds and fails with the last error otherwise', async () => {
    let calls = 0;
    await expect(waitFor('three calls', async () => ++calls >= 3, 2000, 10)).resolves.toBe(true);
    await expect(
      waitFor(
        'never',
        async () => {
          throw new Error('still down');
        },
        100,
        10,
      ),
    ).rejects.toThrow(/never: Error: still down/);
  });
});
