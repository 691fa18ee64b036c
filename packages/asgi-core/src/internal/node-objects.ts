/**
 * node:http's request/response objects as the server creates them. Listeners
 * are shared module functions (no closure per request) that find their cycle
 * through the `cycle` slot of the object they are attached to.
 */
import { IncomingMessage, ServerResponse } from 'node:http';
import type { HTTPCycle } from './http-cycle';

/**
 * node:http request/response classes with a slot for their cycle, declared up
 * front so every instance keeps one shape (adding a property later would
 * change the hidden class of node's own objects on the hot path).
 */
export class ASGIRequest extends IncomingMessage {
  cycle: HTTPCycle | null = null;
}
/** See {@link ASGIRequest}. */
export class ASGIResponse extends ServerResponse<ASGIRequest> {
  cycle: HTTPCycle | null = null;
}

/** `readable`/`end`/`drain` listener shared by all requests: wakes the cycle's waiters. */
export function onWake(this: ASGIRequest | ASGIResponse): void {
  this.cycle?.wake();
}
