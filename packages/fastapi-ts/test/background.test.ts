// FastAPI's tutorial tests for background tasks (tutorial/background_tasks), ported.
import 'reflect-metadata';
import { z } from 'zod';
import { BackgroundTasks, Controller, Depends, dependency, FastAPI, Path, Post, Query } from '../src';
import { JSONResponse } from 'starlette-ts';
import { call } from './helpers';

describe('background tasks', () => {
  const log: string[] = [];
  const writeNotification = (email: string, message = '') => void log.push(`notification for ${email}: ${message}`);
  const writeLog = (message: string) => void log.push(message);

  @Controller()
  class Notifications {
    @Post('/send-notification/{email}')
    send(@Path('email') email: string, tasks: BackgroundTasks) {
      tasks.addTask(writeNotification, email, 'some notification');
      return { message: 'Notification sent in the background' };
    }
  }

  const getQuery = dependency({ background_tasks: BackgroundTasks, q: Query(z.string().nullable().default(null)) }, ({ background_tasks, q }) => {
    if (q) background_tasks.addTask(writeLog, `found query: ${q}\n`);
    return q;
  });

  const app = new FastAPI().include(Notifications);
  app.post('/send-dep/{email}', { params: { email: Path(), background_tasks: BackgroundTasks, q: Depends(getQuery) } }, ({ email, background_tasks }) => {
    background_tasks.addTask(writeLog, `message to ${email}\n`);
    return { message: 'Message sent' };
  });
  app.post('/own-response', { params: { tasks: BackgroundTasks } }, ({ tasks }) => {
    tasks.addTask(writeLog, 'lost');
    return new JSONResponse({ own: true });
  });

  beforeEach(() => {
    log.length = 0;
  });

  test('a task added by the handler runs after the response (tutorial001)', async () => {
    const r = await call(app, 'POST', '/send-notification/foo@example.com');
    expect([r.status, r.json()]).toEqual([200, { message: 'Notification sent in the background' }]);
    expect(log).toEqual(['notification for foo@example.com: some notification']);
  });

  test('handler and dependency share one BackgroundTasks (tutorial002)', async () => {
    const r = await call(app, 'POST', '/send-dep/foo@example.com?q=some-query');
    expect([r.status, r.json()]).toEqual([200, { message: 'Message sent' }]);
    expect(log.join('')).toBe('found query: some-query\nmessage to foo@example.com\n');
  });

  test('a returned Response gets the tasks when it has none', async () => {
    const r = await call(app, 'POST', '/own-response');
    expect(r.json()).toEqual({ own: true });
    expect(log).toEqual(['lost']);
  });
});
