import 'reflect-metadata';
import { z } from 'zod';
import { Controller, Depends, FastAPI, Get, Int, Query } from 'fastapi-ts';

const fakeItemsDb = [{ item_name: 'Foo' }, { item_name: 'Bar' }, { item_name: 'Baz' }];

// A class is a dependency too: its constructor parameters are declared with the same decorators.
export class CommonQueryParams {
  constructor(
    @Query('q', z.string().nullable().default(null)) public q: string | null,
    @Query('skip', Int.default(0)) public skip: number,
    @Query('limit', Int.default(100)) public limit: number,
  ) {}
}

@Controller()
class ItemsController {
  // `@Depends()` with no argument uses the parameter's type (FastAPI's `Depends()` shortcut).
  @Get('/items/')
  readItems(@Depends() commons: CommonQueryParams) {
    const items = fakeItemsDb.slice(commons.skip, commons.skip + commons.limit);
    return commons.q === null ? { items } : { q: commons.q, items };
  }
}

export const app = new FastAPI().include(ItemsController);
