import 'reflect-metadata';
import { z } from 'zod';
import { Body, Controller, Depends, FastAPI, Get, HTTPException, Model, Path, Post } from 'fastapi-ts';

export class CreateCatDto extends Model('CreateCatDto', {
  name: z.string().min(1),
  age: z.int().min(0),
}) {}

// A "provider": any class. Dependencies are resolved per request (or shared, as here, through a function).
export class CatsService {
  private readonly cats: Array<{ id: number; name: string; age: number }> = [];
  create(cat: CreateCatDto) {
    const created = { id: this.cats.length + 1, name: cat.name, age: cat.age };
    this.cats.push(created);
    return created;
  }
  find(id: number) {
    return this.cats.find((cat) => cat.id === id);
  }
}

const service = new CatsService();
export const getCatsService = () => service;

@Controller('/cats', { tags: ['cats'] })
class CatsController {
  @Post('/', { statusCode: 201 })
  create(@Body() cat: CreateCatDto, @Depends(getCatsService) cats: CatsService) {
    return cats.create(cat);
  }

  @Get('/{id}')
  findOne(@Path('id', z.coerce.number().int()) id: number, @Depends(getCatsService) cats: CatsService) {
    const cat = cats.find(id);
    if (cat === undefined) throw new HTTPException(404, 'Cat not found');
    return cat;
  }
}

export const app = new FastAPI({ title: 'Cats' }).include(CatsController);
