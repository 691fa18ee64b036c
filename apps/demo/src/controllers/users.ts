/**
 * Users (the SQL tutorial's user routes, and the security tutorial's
 * `/users/me`). `/users/me` is declared before `/users/{user_id}`: routes
 * match in order, and "me" is not an integer id.
 */
import { z } from 'zod';
import { Body, Controller, Depends, Get, HTTPException, Int, Path, Post, Query } from 'fastapi-ts';
import { getCurrentActiveUser } from '../auth';
import { getSettings, type Settings } from '../config';
import { createUser, createUserItem, getUser, getUserByEmail, getUsers, type UserWithItems } from '../crud';
import { getDb, type Session } from '../db';
import { Item, ItemCreate, User, UserCreate } from '../models';

function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: string } | null)?.code === 'SQLITE_CONSTRAINT_UNIQUE';
}

/** `/users/...`: register, list, read, the current user, and a user's new items. */
@Controller('/users', { tags: ['users'] })
export class UsersController {
  @Post('/', { responseModel: User })
  async createUser(@Body() user: UserCreate, @Depends(getDb) db: Session, @Depends(getSettings) settings: Settings) {
    if (getUserByEmail(db, user.email)) throw new HTTPException(400, 'Email already registered');
    try {
      return await createUser(db, user, settings.scryptLogN);
    } catch (error) {
      // Two registrations of one e-mail at once: the second one loses at the UNIQUE index.
      if (isUniqueViolation(error)) throw new HTTPException(400, 'Email already registered');
      throw error;
    }
  }

  @Get('/', { responseModel: z.array(User.schema) })
  readUsers(@Query('skip', Int.default(0)) skip: number, @Query('limit', Int.default(100)) limit: number, @Depends(getDb) db: Session) {
    return getUsers(db, skip, limit);
  }

  @Get('/me', { responseModel: User })
  readUsersMe(@Depends(getCurrentActiveUser) currentUser: UserWithItems) {
    return currentUser;
  }

  @Get('/{user_id}', { responseModel: User })
  readUser(@Path('user_id', Int) userId: number, @Depends(getDb) db: Session) {
    const user = getUser(db, userId);
    if (user === undefined) throw new HTTPException(404, 'User not found');
    return user;
  }

  @Post('/{user_id}/items/', { responseModel: Item })
  createItemForUser(@Path('user_id', Int) userId: number, @Body() item: ItemCreate, @Depends(getDb) db: Session) {
    // The tutorial would store an item for a missing owner; a 404 is what a client can act on.
    if (getUser(db, userId) === undefined) throw new HTTPException(404, 'User not found');
    return createUserItem(db, item, userId);
  }
}
