import type { ASGIApp, SendMessage } from 'asgi-core';

describe('the ASGI contract', () => {
  test('a raw ASGI function type-checks and runs against hand-made receive/send', async () => {
    const sent: SendMessage[] = [];
    const app: ASGIApp = async (scope, receive, send) => {
      if (scope.type !== 'http') return;
      const event = await receive();
      const body = event.type === 'http.request' ? event.body : new Uint8Array();
      await send({ type: 'http.response.start', status: 200, headers: [['content-type', 'text/plain']] });
      await send({ type: 'http.response.body', body });
    };
    await app(
      {
        type: 'http', asgi: { version: '3.0', spec_version: '2.4' }, http_version: '1.1', method: 'POST',
        scheme: 'http', path: '/', raw_path: '/', query_string: '', root_path: '', headers: [],
        client: ['127.0.0.1', 5000], server: ['127.0.0.1', 8000],
      },
      async () => ({ type: 'http.request', body: Buffer.from('echo'), more_body: false }),
      async (message) => { sent.push(message); },
    );
    expect(sent).toEqual([
      { type: 'http.response.start', status: 200, headers: [['content-type', 'text/plain']] },
      { type: 'http.response.body', body: Buffer.from('echo') },
    ]);
  });
});
