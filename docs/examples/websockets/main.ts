import { z } from 'zod';
import { FastAPI, Query, WebSocket, WebSocketDisconnect } from 'fastapi-ts';

export const app = new FastAPI();

app.websocket('/ws', { params: { websocket: WebSocket, name: Query(z.string().default('anonymous')) } }, async ({ websocket, name }) => {
  await websocket.accept();
  try {
    while (true) {
      const text = await websocket.receiveText();
      await websocket.sendJson({ from: name, echo: text });
    }
  } catch (error) {
    // The client left: nothing to answer.
    if (!(error instanceof WebSocketDisconnect)) throw error;
  }
});
