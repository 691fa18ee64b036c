import type { ASGIApp } from 'asgi-core';
import { FastAPI, HTTPException } from 'fastapi-ts';
import { Middleware } from 'starlette-ts';

export const seen: string[] = [];

// A user middleware sits between ServerErrorMiddleware (outermost) and ExceptionMiddleware.
function recordStatus(app: ASGIApp): ASGIApp {
  return async (scope, receive, send) => {
    await app(scope, receive, async (message) => {
      if (message.type === 'http.response.start') seen.push(`user middleware saw ${message.status}`);
      await send(message);
    });
  };
}

export const app = new FastAPI({ middleware: [new Middleware(recordStatus)] });

// HTTPException is answered by ExceptionMiddleware, inside the user middleware: it sees the 404.
app.get('/missing', {}, () => {
  throw new HTTPException(404, 'Nothing here');
});

// Any other error passes the user middleware and reaches ServerErrorMiddleware: a plain 500.
app.get('/crash', {}, () => {
  throw new Error('bug');
});
