import { z } from 'zod';
import { FastAPI, Int, Path } from 'fastapi-ts';

export const app = new FastAPI();

// `Int` is an integer; a bare number schema would accept 4.5, as Python's float does.
app.get('/items/{item_id}', { params: { item_id: Path(Int) } }, ({ item_id }) => ({ item_id }));

// Fixed routes are declared before the parameterised one that would also match them.
app.get('/users/me', {}, () => ({ user_id: 'the current user' }));
app.get('/users/{user_id}', { params: { user_id: Path(z.string()) } }, ({ user_id }) => ({ user_id }));

const ModelName = z.enum(['alexnet', 'resnet', 'lenet']);
app.get('/models/{model_name}', { params: { model_name: Path(ModelName) } }, ({ model_name }) => {
  if (model_name === 'alexnet') return { model_name, message: 'Deep Learning FTW!' };
  if (model_name === 'lenet') return { model_name, message: 'LeCNN all the images' };
  return { model_name, message: 'Have some residuals' };
});

// `:path` lets a parameter span slashes.
app.get('/files/{file_path:path}', { params: { file_path: Path(z.string()) } }, ({ file_path }) => ({ file_path }));
