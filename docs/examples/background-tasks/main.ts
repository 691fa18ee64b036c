import { z } from 'zod';
import { BackgroundTasks, FastAPI, Path } from 'fastapi-ts';

export const sent: string[] = [];

async function writeNotification(email: string, message: string): Promise<void> {
  sent.push(`notification for ${email}: ${message}`);
}

export const app = new FastAPI();

// The task runs after the response was sent, in the same process.
app.post('/send-notification/{email}', { params: { email: Path(z.email()), tasks: BackgroundTasks } }, ({ email, tasks }) => {
  tasks.addTask(writeNotification, email, 'some notification');
  return { message: 'Notification sent in the background' };
});
