/**
 * The inventory service. `createApp(settings)` builds the app; `app` is the
 * one built from the environment; run this file (`node dist/main.js`, or
 * `npm run demo` from the repository root) to serve it on HOST:PORT.
 */
import 'reflect-metadata';
import { join } from 'node:path';
import { serve, type ServerHandle } from 'asgi-core';
import { FastAPI } from 'fastapi-ts';
import { StaticFiles } from 'starlette-ts';
import { loadSettings, type Settings } from './config';
import { AuthController } from './controllers/auth';
import { CatalogController } from './controllers/catalog';
import { ChatController } from './controllers/chat';
import { DepsController } from './controllers/deps';
import { ItemsController } from './controllers/items';
import { loadModels, tutorials, type MlModels } from './controllers/tutorials';
import { UsersController } from './controllers/users';
import { Engine } from './db';

/** The chat page's assets (`static/` next to `src/` and `dist/`). */
export const STATIC_DIRECTORY = join(__dirname, '..', 'static');

/** What the lifespan puts in `request.state`. */
export interface AppState {
  engine: Engine;
  settings: Settings;
  /** The models loaded at start-up (the seed's `ml_models`). */
  mlModels: MlModels;
}

/**
 * Builds the app. Nothing touches the disk until start-up: the lifespan
 * opens the database (creating the tables) and loads the model, and undoes
 * both at shutdown.
 */
export function createApp(overrides: Partial<Settings> = {}): FastAPI {
  const settings: Settings = { ...loadSettings(), ...overrides };
  const app = new FastAPI({
    title: 'Inventory',
    version: '0.1.0',
    description: 'Users, items and their owners on SQLite, OAuth2 bearer tokens, and the FastAPI tutorials, on fastapi-ts.',
    maxBodySize: settings.maxBodySize,
    lifespan: async function* lifespan(): AsyncGenerator<AppState> {
      const engine = new Engine(settings.database);
      const mlModels = loadModels();
      try {
        yield { engine, settings, mlModels };
      } finally {
        mlModels.clear();
        engine.dispose();
      }
    },
  });
  // The security tutorial's login comes before /users/me, which Swagger UI's Authorize button uses.
  app.include(AuthController);
  app.include(UsersController);
  app.include(ItemsController);
  app.include(CatalogController);
  app.includeRouter(tutorials);
  app.include(DepsController);
  app.include(ChatController);
  app.mount('/static', new StaticFiles({ directory: STATIC_DIRECTORY }), 'static');
  return app;
}

/** The app, configured from the environment (`DEMO_DATABASE`, `DEMO_MAX_BODY`, ...). */
export const app = createApp();

function port(raw: string | undefined): number {
  if (raw === undefined || raw === '') return 8000;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0 || value > 65535) throw new RangeError(`PORT must be an integer from 0 to 65535, got "${raw}"`);
  return value;
}

/**
 * Serves {@link app} on `HOST` (default 127.0.0.1) and `PORT` (default 8000)
 * until SIGINT (Ctrl-C) or SIGTERM, then shuts down gracefully.
 */
export async function main(env: NodeJS.ProcessEnv = process.env): Promise<ServerHandle> {
  const handle = await serve(app, { host: env.HOST || '127.0.0.1', port: port(env.PORT), handleSignals: true });
  process.stdout.write(`Inventory demo: ${handle.url}\nAPI docs:       ${handle.url}/docs (ReDoc: ${handle.url}/redoc)\nChat:           ${handle.url}/chat\n`);
  return handle;
}

if (require.main === module) {
  main().then(
    async (handle) => {
      await handle.closed;
      // Everything is closed; if some library still holds the event loop, do not hang on it.
      setTimeout(() => process.exit(0), 1000).unref();
    },
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : error);
      process.exit(1);
    },
  );
}
