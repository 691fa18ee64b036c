// The seed's tutorials: response model exclude-unset, redirect, streaming,
// server-sent events, the lifespan's model, background tasks.
import type { HTTPScope, ReceiveMessage, SendMessage } from 'asgi-core';
import type { FastAPI } from 'fastapi-ts';
import type { TestClient } from 'starlette-ts';
import { notifications, type MlModels } from '../src/controllers/tutorials';
import { startClient } from './helpers';

let client: TestClient;
let app: FastAPI;

beforeAll(async () => {
  ({ client, app } = await startClient());
});

afterAll(async () => {
  await client.close();
});

describe('GET /catalog/{item_id} (responseModelExcludeUnset)', () => {
  test.each([
    ['foo', { name: 'Foo', price: 50.2 }],
    ['bar', { name: 'Bar', description: 'The bartenders', price: 62, tax: 20.2 }],
    ['baz', { name: 'Baz', description: null, price: 50.2, tax: 10.5, tags: [] }],
  ])('%s answers only the fields it sets', async (id, expected) => {
    const r = await client.get(`/catalog/${id}`);
    expect([r.status, r.json()]).toEqual([200, expected]);
    expect(Object.keys(r.json() as object)).toEqual(Object.keys(expected)); // in the model's field order
  });

  test.each(['nope', 'constructor', '__proto__'])('an unknown item (%s) is 404 "Item not found"', async (id) => {
    const r = await client.get(`/catalog/${id}`);
    expect([r.status, r.json()]).toEqual([404, { detail: 'Item not found' }]);
  });
});

describe('hello and redirect', () => {
  test('GET /hello-world answers the JSON string "Hello!"', async () => {
    const r = await client.get('/hello-world');
    expect([r.status, r.text, r.headers.get('content-type')]).toEqual([200, '"Hello!"', 'application/json']);
  });

  test('GET /my-redirect is a 307 to /hello-world', async () => {
    const r = await client.get('/my-redirect', { followRedirects: false });
    expect([r.status, r.headers.get('location'), r.text]).toEqual([307, '/hello-world', '']);
  });

  test('following the redirect lands on "Hello!"', async () => {
    const r = await client.get('/my-redirect');
    expect([r.status, r.json(), r.history.map((h) => h.status)]).toEqual([200, 'Hello!', [307]]);
  });
});

interface Driven {
  status: number;
  headers: [string, string][];
  chunks: string[];
  ended: boolean;
  /** The notifications recorded at the moment the response was complete. */
  notificationsAtEnd: string[] | null;
}

/**
 * Runs one request through a started app, recording every message it sends;
 * after `disconnectAfter` body chunks, the client leaves.
 */
async function drive(
  path: string,
  options: { method?: string; disconnectAfter?: number; target?: { app: FastAPI; client: TestClient } } = {},
): Promise<Driven> {
  const { method = 'GET', disconnectAfter = Infinity } = options;
  const target = options.target ?? { app, client };
  const scope: HTTPScope = {
    type: 'http',
    asgi: { version: '3.0', spec_version: '2.4' },
    http_version: '1.1',
    method,
    scheme: 'http',
    path,
    raw_path: path,
    query_string: '',
    root_path: '',
    headers: [['host', 'testserver']],
    client: ['127.0.0.1', 5000],
    server: ['testserver', 80],
    state: { ...target.client.appState },
  };
  const out: Driven = { status: 0, headers: [], chunks: [], ended: false, notificationsAtEnd: null };
  let requestSent = false;
  let leave!: () => void;
  const left = new Promise<void>((resolve) => (leave = resolve));
  const receive = async (): Promise<ReceiveMessage> => {
    if (!requestSent) {
      requestSent = true;
      return { type: 'http.request', body: new Uint8Array(0), more_body: false };
    }
    await left;
    return { type: 'http.disconnect' };
  };
  const send = async (message: SendMessage): Promise<void> => {
    if (message.type === 'http.response.start') {
      out.status = message.status;
      out.headers = [...(message.headers ?? [])].map(([k, v]) => [k, v]);
    } else if (message.type === 'http.response.body') {
      if (message.body && message.body.length > 0) out.chunks.push(Buffer.from(message.body).toString());
      if (!message.more_body) {
        out.ended = true;
        out.notificationsAtEnd = [...notifications];
      }
      if (out.chunks.length >= disconnectAfter) leave();
    }
  };
  await target.app.call(scope, receive, send);
  return out;
}

describe('GET /stream', () => {
  test('streams five lines of text/plain, each in its own chunk', async () => {
    const r = await client.get('/stream');
    expect([r.status, r.headers.get('content-type'), r.text]).toEqual([200, 'text/plain; charset=utf-8', 'chunk 0\nchunk 1\nchunk 2\nchunk 3\nchunk 4\n']);
    const raw = await drive('/stream');
    expect(raw.chunks).toEqual(['chunk 0\n', 'chunk 1\n', 'chunk 2\n', 'chunk 3\n', 'chunk 4\n']);
    expect(raw.headers.find(([k]) => k === 'content-length')).toBeUndefined();
  });
});

describe('GET /sse/{id}', () => {
  test('sends five events as text/event-stream', async () => {
    const r = await client.get('/sse/7');
    expect([r.status, r.headers.get('content-type')]).toEqual([200, 'text/event-stream; charset=utf-8']);
    expect(r.text).toBe('id:7, message 0\n\nid:7, message 1\n\nid:7, message 2\n\nid:7, message 3\n\nid:7, message 4\n\n');
  });

  test('each event is sent on its own', async () => {
    const raw = await drive('/sse/1');
    expect(raw.chunks).toEqual([0, 1, 2, 3, 4].map((i) => `id:1, message ${i}\n\n`));
    expect(raw.ended).toBe(true);
  });

  test('stops producing when the client disconnects', async () => {
    const slow = await startClient({ sseIntervalMs: 50 });
    try {
      const raw = await drive('/sse/2', { disconnectAfter: 2, target: slow });
      expect(raw.chunks).toEqual(['id:2, message 0\n\n', 'id:2, message 1\n\n']);
      expect(raw.ended).toBe(false);
    } finally {
      await slow.client.close();
    }
  });

  test('the id must be an integer (422)', async () => {
    const r = await client.get('/sse/abc');
    expect([r.status, r.json()]).toEqual([
      422,
      { detail: [{ type: 'int_parsing', loc: ['path', 'id'], msg: 'Input should be a valid integer, unable to parse string as an integer', input: 'abc' }] },
    ]);
  });
});

describe('GET /predict (a model loaded by the lifespan)', () => {
  test.each([
    ['2', 84],
    ['0.5', 21],
    ['-1', -42],
  ])('x=%s -> %d', async (x, result) => {
    const r = await client.get('/predict', { params: { x } });
    expect([r.status, r.json()]).toEqual([200, { result }]);
  });

  test('x is required', async () => {
    const r = await client.get('/predict');
    expect([r.status, r.json()]).toEqual([422, { detail: [{ type: 'missing', loc: ['query', 'x'], msg: 'Field required', input: null }] }]);
  });

  test('x must be a number', async () => {
    const r = await client.get('/predict?x=two');
    expect([r.status, r.json()]).toEqual([
      422,
      { detail: [{ type: 'float_parsing', loc: ['query', 'x'], msg: 'Input should be a valid number, unable to parse string as a number', input: 'two' }] },
    ]);
  });

  test('the model is loaded at start-up and unloaded at shutdown', async () => {
    const other = await startClient();
    const models = other.client.appState.mlModels as MlModels;
    expect([...models.keys()]).toEqual(['answer_to_everything']);
    await other.client.close();
    expect(models.size).toBe(0);
  });
});

describe('background tasks', () => {
  test('POST /send-notification/{email} answers at once; the task then records the notification', async () => {
    notifications.length = 0;
    const r = await client.post('/send-notification/rick@example.com');
    expect([r.status, r.json()]).toEqual([200, { message: 'Notification sent in the background' }]);
    const list = await client.get('/notifications');
    expect([list.status, list.json()]).toEqual([200, ['notification for rick@example.com: some notification']]);
    await client.post('/send-notification/morty@example.com');
    expect((await client.get('/notifications')).json()).toEqual([
      'notification for rick@example.com: some notification',
      'notification for morty@example.com: some notification',
    ]);
  });

  test('the task runs after the response was sent', async () => {
    notifications.length = 0;
    const raw = await drive('/send-notification/summer@example.com', { method: 'POST' });
    expect([raw.status, raw.chunks]).toEqual([200, ['{"message":"Notification sent in the background"}']]);
    expect(raw.notificationsAtEnd).toEqual([]);
    expect(notifications).toEqual(['notification for summer@example.com: some notification']);
  });

  test('the e-mail is taken as sent, percent-decoded', async () => {
    notifications.length = 0;
    await client.post('/send-notification/a%2Bb@example.com');
    expect(notifications).toEqual(['notification for a+b@example.com: some notification']);
  });
});
