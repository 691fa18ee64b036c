/**
 * The seed's response-model example: `responseModelExcludeUnset` leaves out
 * the fields the stored item does not set, even those with defaults.
 */
import { Controller, Get, HTTPException, Path } from 'fastapi-ts';
import { CatalogItem } from '../models';

/** The seed's three items, as plain objects (what a database would return). */
export const catalog: Record<string, Record<string, unknown>> = {
  foo: { name: 'Foo', price: 50.2 },
  bar: { name: 'Bar', description: 'The bartenders', price: 62, tax: 20.2 },
  baz: { name: 'Baz', description: null, price: 50.2, tax: 10.5, tags: [] },
};

/** `/catalog/{item_id}`. */
@Controller('/catalog', { tags: ['catalog'] })
export class CatalogController {
  @Get('/{item_id}', { responseModel: CatalogItem, responseModelExcludeUnset: true })
  readItem(@Path('item_id') itemId: string) {
    if (!Object.prototype.hasOwnProperty.call(catalog, itemId)) throw new HTTPException(404, 'Item not found');
    return catalog[itemId];
  }
}
