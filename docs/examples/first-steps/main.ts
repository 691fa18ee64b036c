import { serve } from 'asgi-core';
import { FastAPI } from 'fastapi-ts';

export const app = new FastAPI();

// The function's name becomes the summary ("Root") and operationId ("root__get") in /docs.
app.get('/', {}, function root() {
  return { message: 'Hello World' };
});

// `npx ts-node main.ts` serves it; `npx fastapi-ts dev main.ts` does too, with reload.
if (require.main === module) {
  void serve(app, { port: Number(process.env.PORT ?? 8000) });
}
