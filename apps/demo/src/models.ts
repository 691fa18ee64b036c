/**
 * The API's models (the SQL tutorial's `schemas.py`, the security tutorial's
 * `Token`, the seed's response-model `Item`). What a client sends and what it
 * gets back are separate models: a `User` never carries its password.
 */
import { z } from 'zod';
import { Model } from 'fastapi-ts';

/** The fields a client gives to create an item. */
export class ItemCreate extends Model('ItemCreate', {
  title: z.string(),
  description: z.string().nullable().default(null),
}) {}

/** An item as stored: with its id and its owner. */
export class Item extends Model('Item', {
  title: z.string(),
  description: z.string().nullable().default(null),
  id: z.int(),
  owner_id: z.int(),
}) {}

/** The fields a client gives to register. */
export class UserCreate extends Model('UserCreate', {
  email: z.string(),
  password: z.string(),
}) {}

/** A user as the API shows it: never the password, always the items. */
export class User extends Model('User', {
  email: z.string(),
  id: z.int(),
  is_active: z.boolean(),
  items: z.array(Item.schema).default([]),
}) {}

/** The answer of `POST /token` (OAuth2's token response, RFC 6749 §5.1). */
export class Token extends Model('Token', {
  access_token: z.string(),
  token_type: z.string(),
}) {}

/** The seed's response-model example: unset fields are left out of the answer. */
export class CatalogItem extends Model('CatalogItem', {
  name: z.string(),
  description: z.string().nullable().optional(),
  price: z.number(),
  tax: z.number().default(10.5),
  tags: z.array(z.string()).default([]),
}) {}
