import { Client, request } from 'undici';
import { latch, sendText, sleep, startServer, waitFor } from './helpers';

describe('graceful shutdown', () => {
  test('close() waits for an in-flight request, closes idle keep-alive connections and refuses new ones', async () => {
    const release = latch();
    let entered = false;
    const server = await startServer(async (scope, _receive, send) => {
      if (scope.type !== 'http') return;
      if (scope.path === '/slow') {
        entered = true;
        await release.promise;
      }
      await sendText(send, 200, scope.path);
    });
    const idle = new Client(server.url);
    await (await idle.request({ path: '/warm', method: 'GET' })).body.text();
    const inFlight = request(`${server.url}/slow`);
    await waitFor(() => entered);
    let closed = false;
    const closing = server.close().then(() => (closed = true));
    await sleep(100);
    expect(closed).toBe(false);
    await expect(request(`${server.url}/new`)).rejects.toThrow();
    release.open();
    const res = await inFlight;
    expect(res.headers.connection).toBe('close');
    expect(await res.body.text()).toBe('/slow');
    await closing;
    expect(server.logs).toContain('INFO:     Waiting for connections to close. (CTRL+C to force quit)');
    await idle.close();
  });

  test('timeoutGracefulShutdown gives up on requests that do not finish and still runs lifespan shutdown', async () => {
    const events: string[] = [];
    let disconnect = '';
    const server = await startServer(async (scope, receive, send) => {
      if (scope.type === 'lifespan') {
        await receive();
        await send({ type: 'lifespan.startup.complete' });
        events.push((await receive()).type);
        await send({ type: 'lifespan.shutdown.complete' });
        return;
      }
      if (scope.type !== 'http') return;
      await receive();
      disconnect = (await receive()).type; // never answers: waits for the disconnect
    }, { lifespan: 'on', timeoutGracefulShutdown: 0.3 });
    const pending = request(server.url).catch((error: Error) => error);
    await sleep(100);
    const started = Date.now();
    await server.close();
    expect(Date.now() - started).toBeLessThan(2000);
    expect(server.logs).toContain('ERROR:    Cancel 1 running task(s), timeout graceful shutdown exceeded');
    expect(events).toEqual(['lifespan.shutdown']);
    expect(await pending).toBeInstanceOf(Error);
    await waitFor(() => disconnect !== '');
    expect(disconnect).toBe('http.disconnect');
  });
});
