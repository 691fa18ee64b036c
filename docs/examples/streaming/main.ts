import { z } from 'zod';
import { FastAPI, HTTPException, Int, Path, StreamingResponse } from 'fastapi-ts';

export const app = new FastAPI();

const reports: Record<string, string[]> = { q1: ['jan', 'feb', 'mar'], broken: ['apr', '!', 'jun'] };

async function* lines(rows: string[]): AsyncGenerator<string> {
  for (const row of rows) {
    if (row === '!') throw new Error(`row ${rows.indexOf(row)} is corrupt`);
    yield `${row}\n`;
  }
}

// Check everything that can fail BEFORE returning the response: after the first
// chunk the status line (200) is already on the wire and can no longer become a 404.
app.get('/reports/{name}', { params: { name: Path(z.string()) } }, ({ name }) => {
  const rows = reports[name];
  if (rows === undefined) throw new HTTPException(404, 'Report not found');
  return new StreamingResponse(lines(rows), { mediaType: 'text/plain' });
});

// When a failure can only happen mid-stream, report it inside the stream,
// in a format the client understands (here: one JSON object per line).
async function* ndjson(rows: string[]): AsyncGenerator<string> {
  try {
    for await (const line of lines(rows)) yield JSON.stringify({ row: line.trim() }) + '\n';
  } catch (error) {
    yield JSON.stringify({ error: (error as Error).message }) + '\n';
  }
}

app.get('/reports/{name}/ndjson', { params: { name: Path(z.string()) } }, ({ name }) => {
  const rows = reports[name];
  if (rows === undefined) throw new HTTPException(404, 'Report not found');
  return new StreamingResponse(ndjson(rows), { mediaType: 'application/x-ndjson' });
});

// Numbers, streamed as they are produced.
app.get('/count/{n}', { params: { n: Path(Int.min(0).max(1000)) } }, ({ n }) => {
  async function* count(): AsyncGenerator<string> {
    for (let i = 1; i <= n; i++) yield `${i}\n`;
  }
  return new StreamingResponse(count(), { mediaType: 'text/plain' });
});
