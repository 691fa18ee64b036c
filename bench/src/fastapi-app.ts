// The fastapi-ts bench app: the production path (compiled JS on asgi-core),
// written as a user would write it, doing the same work as apps/*.js.
import 'reflect-metadata';
import { z } from 'zod';
import { serve } from 'asgi-core';
import { EventSourceResponse } from 'starlette-ts';
import {
  Controller, Depends, FastAPI, Get, HTTPException, Header, Model, Path, Post, Query, WebSocket,
  WebSocketRoute, WebSocketDisconnect, Body, dependency,
} from 'fastapi-ts';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { items, SSE_DEFAULT_EVENTS } = require('../apps/data') as {
  items: Record<string, Record<string, unknown>>;
  SSE_DEFAULT_EVENTS: number;
};

class Item extends Model('Item', {
  name: z.string().min(1),
  description: z.string().nullable().optional(),
  price: z.number().gt(0),
  tax: z.number().default(10.5),
  tags: z.array(z.string()).default([]),
}) {}

const commonParameters = dependency(
  {
    q: Query(z.string().optional()),
    skip: Query(z.coerce.number().int().default(0)),
    limit: Query(z.coerce.number().int().default(100)),
  },
  ({ q, skip, limit }) => ({ q: q ?? null, skip, limit }),
);

const verifyToken = dependency({ x_token: Header(z.string()) }, ({ x_token }) => {
  if (x_token !== 'secret') throw new HTTPException(400, 'X-Token header invalid');
});

@Controller()
class BenchController {
  @Get('/hello')
  hello() {
    return { message: 'Hello World' };
  }

  @Get('/items/{item_id}', { responseModel: Item, responseModelExcludeUnset: true })
  readItem(@Path('item_id') itemId: string) {
    const item = items[itemId];
    if (!item) throw new HTTPException(404, 'Item not found');
    return item;
  }

  @Post('/items', { responseModel: Item })
  createItem(@Body() item: Item) {
    return item;
  }

  @Get('/users/', { dependencies: [Depends(verifyToken)] })
  readUsers(@Depends(commonParameters) commons: { q: string | null; skip: number; limit: number }) {
    return commons;
  }

  @Get('/sse')
  sse(@Query('n', z.coerce.number().int().default(SSE_DEFAULT_EVENTS)) n: number) {
    return new EventSourceResponse((function* () {
      for (let i = 0; i < n; i++) yield `message ${i}`;
    })(), { ping: 0 });
  }

  @WebSocketRoute('/ws')
  async echo(websocket: WebSocket) {
    await websocket.accept();
    try {
      for await (const text of websocket.iterText()) await websocket.sendText(`Echo: ${text}`);
    } catch (error) {
      // The load generator drops its sockets at the end of a run (1006), as FastAPI's docs catch it.
      if (!(error instanceof WebSocketDisconnect)) throw error;
    }
  }
}

export const app = new FastAPI({ title: 'bench' });
app.include(BenchController);

if (require.main === module) {
  void serve(app, { port: Number(process.env.PORT ?? 8000), accessLog: false, logLevel: 'warning', handleSignals: true });
}
