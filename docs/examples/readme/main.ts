import 'reflect-metadata';
import { z } from 'zod';
import { Body, Controller, FastAPI, Get, HTTPException, Int, Model, Path, Post, Query, serve } from 'fastapi-ts';

class Item extends Model('Item', {
  name: z.string().min(1),
  price: z.number().gt(0),
  description: z.string().nullable().default(null),
  tags: z.array(z.string()).default([]),
}) {}

const items = new Map<number, Item>();

@Controller('/items', { tags: ['items'] })
class ItemsController {
  @Get('/{item_id}', { responseModel: Item, responseModelExcludeUnset: true })
  read(@Path('item_id', Int) itemId: number) {
    const item = items.get(itemId);
    if (!item) throw new HTTPException(404, 'Item not found');
    return item;
  }

  @Get('/')
  list(@Query('q', z.string().optional()) q?: string) {
    return [...items.values()].filter((item) => !q || item.name.includes(q));
  }

  @Post('/', { responseModel: Item, statusCode: 201 })
  create(@Body() item: Item) {
    items.set(items.size + 1, item);
    return item;
  }
}

export const app = new FastAPI({ title: 'My first API' });
app.include(ItemsController);
app.get('/', {}, () => ({ message: 'Hello World' }));

if (require.main === module) {
  void serve(app, { port: Number(process.env.PORT ?? 8000), handleSignals: true });
}
