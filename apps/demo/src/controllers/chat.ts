/**
 * WebSockets: `WS /ws` echoes each text message; `WS /chat` is a chat room
 * that broadcasts every message to everyone connected (FastAPI's websockets
 * tutorial `ConnectionManager`), and `GET /chat` is the page that uses it.
 */
import { z } from 'zod';
import { Controller, Get, HTMLResponse, Query, WebSocket, WebSocketDisconnect, WebSocketRoute } from 'fastapi-ts';

/** The connected chat clients. */
export class ConnectionManager {
  /** Open sockets, in the order they joined. */
  readonly activeConnections = new Set<WebSocket>();

  /** Accepts the socket and adds it to the room. */
  async connect(websocket: WebSocket): Promise<void> {
    await websocket.accept();
    this.activeConnections.add(websocket);
  }

  /** Removes a socket that left. */
  disconnect(websocket: WebSocket): void {
    this.activeConnections.delete(websocket);
  }

  /** Sends `message` to every connected client; a client that fails to receive it is dropped. */
  async broadcast(message: string): Promise<void> {
    await Promise.all(
      [...this.activeConnections].map(async (connection) => {
        try {
          await connection.sendText(message);
        } catch {
          this.activeConnections.delete(connection);
        }
      }),
    );
  }
}

/** The one chat room of this process. */
export const manager = new ConnectionManager();

const CHAT_PAGE = `<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>Chat</title>
    <link rel="stylesheet" href="/static/chat.css">
  </head>
  <body>
    <h1>WebSocket Chat</h1>
    <form id="join">
      <label>Your name <input id="name" autocomplete="off" maxlength="40" value="guest"></label>
      <button>Join</button>
    </form>
    <form id="send" hidden>
      <input id="message" autocomplete="off" placeholder="Say something">
      <button>Send</button>
    </form>
    <ul id="messages"></ul>
    <script src="/static/chat.js"></script>
  </body>
</html>
`;

/** `/ws`, `/chat` (WebSocket) and `/chat` (the page). */
@Controller('', { tags: ['websockets'] })
export class ChatController {
  @WebSocketRoute('/ws')
  async echo(websocket: WebSocket) {
    await websocket.accept();
    try {
      for (;;) {
        const text = await websocket.receiveText();
        await websocket.sendText(`Echo: ${text}`);
      }
    } catch (error) {
      if (!(error instanceof WebSocketDisconnect)) throw error;
    }
  }

  @WebSocketRoute('/chat')
  async chat(websocket: WebSocket, @Query('name', z.string().trim().min(1).max(40).default('anonymous')) name: string) {
    await manager.connect(websocket);
    await manager.broadcast(`${name} joined the chat`);
    try {
      for (;;) {
        const text = await websocket.receiveText();
        await manager.broadcast(`${name}: ${text}`);
      }
    } catch (error) {
      if (!(error instanceof WebSocketDisconnect)) throw error;
    } finally {
      manager.disconnect(websocket);
    }
    await manager.broadcast(`${name} left the chat`);
  }

  @Get('/chat', { responseClass: HTMLResponse })
  chatPage() {
    return CHAT_PAGE;
  }
}
