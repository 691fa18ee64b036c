// `--workers 2` under load: a worker killed with SIGKILL (or exiting by itself) is replaced,
// and the connections held by the other worker never see an error.
import { join } from 'node:path';
import { Client, request } from 'undici';
import { appDir, killQuietly, spawnCli, type CliProcess } from './cli-helpers';
import { sleep, waitFor } from './helpers';

jest.setTimeout(120000);

const APP = `
exports.app = async (scope, receive, send) => {
  if (scope.type !== 'http') return;
  if (scope.path === '/exit') setImmediate(() => process.exit(1)); // after the response below is written
  else await new Promise((resolve) => setTimeout(resolve, 5));
  await send({ type: 'http.response.start', status: 200, headers: [['content-type', 'text/plain']] });
  await send({ type: 'http.response.body', body: Buffer.from(String(process.pid)) });
};
`;

const CLIENTS = 16;

interface LoadClient {
  client: Client;
  /** The worker its keep-alive connection landed on (cluster hands each connection to one worker). */
  firstPid: number;
  ok: number;
  errors: string[];
}

async function pidOf(url: string, path = '/'): Promise<number> {
  const res = await request(`${url}${path}`, { headers: { connection: 'close' } });
  expect(res.statusCode).toBe(200);
  return Number(await res.body.text());
}

let cli: CliProcess | null = null;
afterEach(() => killQuietly(cli));

test('a worker killed under load is replaced, and no request on the other worker fails', async () => {
  const dir = appDir({ 'app.js': APP });
  cli = spawnCli(['serve', `${join(dir, 'app.js')}:app`, '--port', '0', '--workers', '2', '--lifespan', 'off', '--no-access-log']);
  const url = await cli.waitForUrl();
  await cli.waitForOutput(/(running on[\s\S]*){2}/);

  // Keep-alive clients, one connection each, until both workers hold some of them.
  const clients: LoadClient[] = [];
  while (clients.length < CLIENTS || new Set(clients.map((c) => c.firstPid)).size < 2) {
    if (clients.length >= 4 * CLIENTS) throw new Error('connections never reached both workers');
    const client = new Client(url, { pipelining: 1, keepAliveTimeout: 60_000 });
    const res = await client.request({ path: '/', method: 'GET' });
    const pid = Number(await res.body.text());
    clients.push({ client, firstPid: pid, ok: 0, errors: [] });
  }
  const [victim, survivor] = [...new Set(clients.map((c) => c.firstPid))];

  let running = true;
  const loops = clients.map(async (load) => {
    while (running) {
      try {
        const res = await load.client.request({ path: '/', method: 'GET' });
        const text = await res.body.text();
        if (res.statusCode !== 200 || !/^\d+$/.test(text)) throw new Error(`unexpected ${res.statusCode} ${text}`);
        load.ok++;
      } catch (error) {
        load.errors.push((error as Error).message);
        await sleep(10); // a client that fails at once must not starve the timers in a microtask loop
      }
    }
  });
  const total = () => clients.reduce((sum, c) => sum + c.ok, 0);
  try {
    await waitFor(() => total() >= 300, 30000, '300 requests under load');
    process.kill(victim, 'SIGKILL');
    await cli.waitForOutput(new RegExp(`Child process \\[${victim}\\] died \\(SIGKILL\\)`));
    await cli.waitForOutput(/(running on[\s\S]*){3}/);
    const before = total(); // load goes on for another 300 requests after the replacement is up
    await waitFor(() => total() >= before + 300, 30000, '300 more requests');
  } finally {
    running = false;
    await Promise.all(loops);
  }

  const onSurvivor = clients.filter((c) => c.firstPid === survivor);
  const onVictim = clients.filter((c) => c.firstPid === victim);
  expect(onSurvivor.length).toBeGreaterThan(0);
  expect(onSurvivor.flatMap((c) => c.errors)).toEqual([]);
  // A killed connection fails at most the one request it carried; the next request reconnects.
  for (const load of onVictim) expect(load.errors.length).toBeLessThanOrEqual(1);

  // Back to two workers: fresh connections reach the survivor and one new worker.
  const after = new Set<number>();
  for (let i = 0; i < 40 && after.size < 2; i++) after.add(await pidOf(url));
  expect(after.size).toBe(2);
  expect(after.has(survivor)).toBe(true);
  expect(after.has(victim)).toBe(false);

  // A worker that exits by itself (process.exit(1)) is replaced too.
  const exiting = await pidOf(url, '/exit');
  await cli.waitForOutput(new RegExp(`Child process \\[${exiting}\\] died \\(exit code 1\\)`));
  await cli.waitForOutput(/(running on[\s\S]*){4}/);
  const last = new Set<number>();
  for (let i = 0; i < 40 && last.size < 2; i++) last.add(await pidOf(url));
  expect(last.size).toBe(2);
  expect(last.has(exiting)).toBe(false);

  await Promise.all(clients.map((c) => c.client.close()));
  cli.child.kill('SIGTERM');
  expect(await cli.exited).toBe(0);
});
