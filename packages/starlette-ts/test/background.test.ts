import { BackgroundTask, BackgroundTasks, JSONResponse, PlainTextResponse, Route, Starlette, TestClient } from '../src';

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

  test('a failing task is logged with its stack and breaks neither the response nor later requests', async () => {
    const logged: unknown[][] = [];
    const spy = jest.spyOn(console, 'error').mockImplementation((...args: unknown[]) => void logged.push(args));
    try {
      const after: string[] = [];
      const tasks = new BackgroundTasks([new BackgroundTask(() => { throw new Error('task exploded'); })]);
      tasks.addTask(() => void after.push('not reached'));
      const app = new Starlette({ routes: [new Route('/', () => new PlainTextResponse('fine', { background: tasks }))] });
      const client = new TestClient(app);
      const r = await client.get('/');
      expect([r.status, r.text]).toEqual([200, 'fine']);
      expect(logged).toHaveLength(1);
      expect(logged[0][0]).toBe('Background task failed:');
      expect(String(logged[0][1])).toMatch(/^Error: task exploded\n\s+at /);
      expect(after).toEqual([]);
      expect((await client.get('/')).status).toBe(200);
    } finally {
      spy.mockRestore();
    }
  });
});
