/**
 * `BackgroundTasks` as FastAPI injects it: one instance per request, shared
 * by the handler and every dependency that asks for it, run after the
 * response has been sent.
 */
import { BackgroundTasks as StarletteBackgroundTasks } from 'starlette-ts';

/**
 * Declare a parameter of this type (or `{ tasks: BackgroundTasks }` in a
 * declaration map) to receive the request's background tasks.
 *
 * @example
 * @Post('/send') send(@Body() msg: Msg, tasks: BackgroundTasks) { tasks.addTask(writeLog, msg.text); return { ok: true }; }
 */
export class BackgroundTasks extends StarletteBackgroundTasks {}
