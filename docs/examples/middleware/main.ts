import type { ASGIApp, Receive, Scope, Send, SendMessage } from 'asgi-core';
import { FastAPI } from 'fastapi-ts';
import { CORSMiddleware, GZipMiddleware, Middleware } from 'starlette-ts';

// A pure ASGI middleware: a function of the app it wraps, returning an ASGI app.
// It adds a header with the time the app took, without buffering the body.
export function processTime(app: ASGIApp): ASGIApp {
  return async (scope: Scope, receive: Receive, send: Send) => {
    if (scope.type !== 'http') return app(scope, receive, send);
    const start = performance.now();
    await app(scope, receive, async (message: SendMessage) => {
      if (message.type === 'http.response.start') {
        const ms = (performance.now() - start).toFixed(3);
        message = { ...message, headers: [...(message.headers ?? []), ['x-process-time', ms]] };
      }
      await send(message);
    });
  };
}

export const app = new FastAPI({
  // The first middleware is the outermost.
  middleware: [
    new Middleware(CORSMiddleware, { allowOrigins: ['https://example.com'], allowMethods: ['GET', 'POST'], allowHeaders: ['content-type'] }),
    new Middleware(GZipMiddleware, { minimumSize: 500 }),
    new Middleware(processTime),
  ],
});

app.get('/report', {}, () => ({ rows: Array.from({ length: 100 }, (_, i) => `row ${i}`) }));
app.get('/small', {}, () => ({ ok: true }));
