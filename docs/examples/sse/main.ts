import { EventSourceResponse, FastAPI, Header, ServerSentEvent } from 'fastapi-ts';
import { z } from 'zod';

export const app = new FastAPI();

const updates = ['build started', 'tests passed', 'deployed'];

// Each yielded event becomes `event:` / `id:` / `data:` lines; the browser's
// EventSource sends the last id back as `Last-Event-ID` when it reconnects.
app.get('/deployments/events', { params: { last_event_id: Header(z.coerce.number().int().nullable().default(null)) } }, ({ last_event_id }) => {
  async function* events(): AsyncGenerator<ServerSentEvent> {
    const start = last_event_id === null ? 0 : last_event_id + 1;
    for (let id = start; id < updates.length; id++) {
      yield new ServerSentEvent({ event: 'status', id, data: updates[id] });
    }
  }
  return new EventSourceResponse(events(), { ping: 15 });
});
