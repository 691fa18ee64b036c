import { FastAPI, RedirectResponse } from 'fastapi-ts';

export const app = new FastAPI();

// A returned Response is sent as it is: 307 Temporary Redirect by default.
app.get('/typer', {}, () => new RedirectResponse('https://typer.tiangolo.com'));

// Any 3xx status: 301 for a page that moved for good.
app.get('/old-docs', {}, () => new RedirectResponse('/docs', { status: 301 }));
