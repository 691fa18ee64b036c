import { request } from 'undici';
import { BackgroundTask, BackgroundTasks, JSONResponse, PlainTextResponse, Route, Starlette, TestClient } from '../src';
import { serveRecording, until, type LogRecord } from './support/server';


describe('BackgroundTask', () => {
  test('runs a sync or async function with its arguments after the response', async () => {
    const calls: unknown[] = [];
    const app = new Starlette({
      routes: [
        new Route('/', () => new PlainTextResponse('ok', {
          background: new BackgroundTask(async (a: number, b: string) => {
            await new Promise((r) => setTimeout(r, 5));
            calls.push([a, b]);
          }, 1, 'x'),
        })),
      ],
    });
    const r = await new TestClient(app).get('/');
    expect(r.text).toBe('ok');
    expect(calls).toEqual([[1, 'x']]);
  });
});

describe('BackgroundTasks', () => {
  test('runs queued tasks in order', async () => {
    const order: string[] = [];
    const tasks = new BackgroundTasks();
    tasks.addTask((s: string) => void order.push(s), 'first');
    tasks.addTask(async (s: string) => void order.push(s), 'second');
    const app = new Starlette({ routes: [new Route('/', () => new JSONResponse({ queued: tasks.tasks.length }, { background: tasks }))] });
    expect((await new TestClient(app).get('/')).json()).toEqual({ queued: 2 });
    expect(order).toEqual(['first', 'second']);
  });

  test('a failing task propagates after the response: the TestClient raises it, the remaining tasks are skipped', async () => {
    const after: string[] = [];
    const tasks = new BackgroundTasks([new BackgroundTask(() => { throw new Error('task exploded'); })]);
    tasks.addTask(() => void after.push('not reached'));
    const app = new Starlette({ routes: [new Route('/', () => new PlainTextResponse('fine', { background: tasks }))] });
    await expect(new TestClient(app).get('/')).rejects.toThrow('task exploded');
    expect(after).toEqual([]);
    // Without raising, the client has the response that was sent before the task ran.
    const r = await new TestClient(app, { raiseServerExceptions: false }).get('/');
    expect([r.status, r.text]).toEqual([200, 'fine']);
    expect(after).toEqual([]);
  });

  test('over a real server, a failing task is logged once by the server logger, with its stack, and the server keeps serving', async () => {
    const records: LogRecord[] = [];
    const consoleErrors: unknown[][] = [];
    const spy = jest.spyOn(console, 'error').mockImplementation((...args: unknown[]) => void consoleErrors.push(args));
    const failing = new Route('/fail', () =>
      new PlainTextResponse('fine', { background: new BackgroundTask(function explodingTask() { throw new Error('task exploded'); }) }),
    );
    const app = new Starlette({ routes: [failing, new Route('/ok', () => new PlainTextResponse('ok'))] });
    const { handle, port } = await serveRecording(app, records);
    try {
      const base = `http://127.0.0.1:${port}`;
      const r = await request(`${base}/fail`);
      expect([r.statusCode, await r.body.text()]).toEqual([200, 'fine']);
      await until(() => records.some((record) => record.level === 'error'), 'the error record', 10_000);
      const next = await request(`${base}/ok`);
      expect([next.statusCode, await next.body.text()]).toEqual([200, 'ok']);
      const errors = records.filter((record) => record.level === 'error' || record.level === 'critical');
      expect(errors).toHaveLength(1);
      expect(errors[0]!.line).toMatch(/^ERROR: {4}Exception in ASGI application\nError: task exploded\n\s+at (?:\S+\.)?explodingTask\b/);
      expect(consoleErrors).toEqual([]);
    } finally {
      spy.mockRestore();
      await handle.close();
    }
  });
});
