/**
 * The seed's small tutorials, written with the functional API on an
 * `APIRouter`: a plain string answer, a redirect, a streamed body,
 * server-sent events, a model loaded by the lifespan, and background tasks.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { APIRouter, BackgroundTasks, Depends, Int, Path, Query, RedirectResponse, Request, StreamingResponse } from 'fastapi-ts';
import { getSettings } from '../config';

/** The routes of this module; `app.includeRouter(tutorials)`. */
export const tutorials = new APIRouter({ tags: ['tutorials'] });

// ---- Hello and redirect (the seed's RedirectResponse example, "way 1").
tutorials.get('/hello-world', {}, function helloWorld() {
  return 'Hello!';
});

tutorials.get('/my-redirect', { responseClass: RedirectResponse }, function redirectTyper() {
  return new RedirectResponse('/hello-world'); // 307 Temporary Redirect, the default
});

// ---- StreamingResponse: the body is sent as it is produced.
async function* textStream(): AsyncGenerator<string> {
  for (let i = 0; i < 5; i++) yield `chunk ${i}\n`;
}

tutorials.get('/stream', { responseClass: StreamingResponse }, function stream() {
  return new StreamingResponse(textStream(), { mediaType: 'text/plain' });
});

// ---- Server-sent events with a StreamingResponse, stopping when the client leaves (the seed's `streamer`).
async function* streamer(id: number, request: Request, intervalMs: number): AsyncGenerator<string> {
  for (let i = 0; i < 5; i++) {
    if (await request.isDisconnected()) break;
    yield `id:${id}, message ${i}\n\n`;
    if (i < 4) await sleep(intervalMs);
  }
}

tutorials.get(
  '/sse/{id}',
  { responseClass: StreamingResponse, params: { id: Path(Int), request: Request, settings: Depends(getSettings) } },
  function sse({ id, request, settings }) {
    return new StreamingResponse(streamer(id, request, settings.sseIntervalMs), { mediaType: 'text/event-stream' });
  },
);

// ---- Lifespan: a "model" loaded once at start-up, shared by every request.
/** A stand-in for an expensive machine-learning model. */
function fakeAnswerToEverythingMlModel(x: number): number {
  return x * 42;
}

/** The models an app has loaded, by name (the seed's `ml_models`). */
export type MlModels = Map<string, (x: number) => number>;

/** Loads the models; the lifespan calls this at start-up and clears the map at shutdown. */
export function loadModels(): MlModels {
  return new Map([['answer_to_everything', fakeAnswerToEverythingMlModel]]);
}

tutorials.get('/predict', { params: { x: Query(z.number()), request: Request } }, function predict({ x, request }) {
  const model = (request.state.mlModels as MlModels | undefined)?.get('answer_to_everything');
  if (model === undefined) throw new Error('The model is not loaded: the app was started without its lifespan');
  return { result: model(x) };
});

// ---- Background tasks: run after the response has been sent.
/** What the notification task has "sent", oldest first. */
export const notifications: string[] = [];

function writeNotification(email: string, message = ''): void {
  notifications.push(`notification for ${email}: ${message}`);
}

tutorials.post(
  '/send-notification/{email}',
  { params: { email: Path(), backgroundTasks: BackgroundTasks } },
  function sendNotification({ email, backgroundTasks }) {
    backgroundTasks.addTask(writeNotification, email, 'some notification');
    return { message: 'Notification sent in the background' };
  },
);

tutorials.get('/notifications', { responseModel: z.array(z.string()) }, function readNotifications() {
  return notifications;
});
