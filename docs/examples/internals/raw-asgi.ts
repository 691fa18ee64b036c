import type { Receive, Scope, Send } from 'asgi-core';

// The whole contract: a function of (scope, receive, send). asgi-core serves it as it is.
export async function app(scope: Scope, receive: Receive, send: Send): Promise<void> {
  if (scope.type !== 'http') return; // 'lifespan' and 'websocket' scopes are ignored here
  let body = '';
  let more = true;
  while (more) {
    const message = await receive();
    if (message.type === 'http.disconnect') return;
    if (message.type === 'http.request') {
      body += Buffer.from(message.body ?? new Uint8Array()).toString();
      more = message.more_body ?? false;
    }
  }
  const text = `${scope.method} ${scope.path} received ${body.length} bytes`;
  await send({ type: 'http.response.start', status: 200, headers: [['content-type', 'text/plain; charset=utf-8']] });
  await send({ type: 'http.response.body', body: Buffer.from(text) });
}
