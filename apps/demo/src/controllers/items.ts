/** Items of every user (the SQL tutorial's `GET /items/`). */
import { z } from 'zod';
import { Controller, Depends, Get, Int, Query } from 'fastapi-ts';
import { getItems } from '../crud';
import { getDb, type Session } from '../db';
import { Item } from '../models';

/** `/items/`: a page of items. */
@Controller('/items', { tags: ['items'] })
export class ItemsController {
  @Get('/', { responseModel: z.array(Item.schema) })
  readItems(@Query('skip', Int.default(0)) skip: number, @Query('limit', Int.default(100)) limit: number, @Depends(getDb) db: Session) {
    return getItems(db, skip, limit);
  }
}
