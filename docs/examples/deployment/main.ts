import { FastAPI, Request } from 'fastapi-ts';

export const app = new FastAPI({ title: 'Inventory' });

// Behind a proxy that serves the app under /api (with --root-path /api, or `rootPath` here),
// URLs the app builds include the prefix, and the docs load /api/openapi.json.
app.get('/where', { params: { request: Request } }, ({ request }) => ({
  root_path: request.scope.root_path,
  url: String(request.url),
  client: request.client?.host ?? null,
  scheme: request.url.scheme,
}));
