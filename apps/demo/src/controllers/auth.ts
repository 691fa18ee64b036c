/**
 * `POST /token` (the security tutorial's login): an OAuth2 password form in,
 * a signed bearer token out.
 */
import { Controller, Depends, HTTPException, OAuth2PasswordRequestForm, Post } from 'fastapi-ts';
import { getSettings, type Settings } from '../config';
import { getUserByEmail } from '../crud';
import { getDb, type Session } from '../db';
import { Token } from '../models';
import { createAccessToken, verifyAgainstDummy, verifyPassword } from '../security';

/** The login route Swagger UI's Authorize button calls. */
@Controller('', { tags: ['auth'] })
export class AuthController {
  @Post('/token', { responseModel: Token })
  async loginForAccessToken(@Depends() form: OAuth2PasswordRequestForm, @Depends(getDb) db: Session, @Depends(getSettings) settings: Settings) {
    const user = getUserByEmail(db, form.username);
    const valid = user ? await verifyPassword(form.password, user.hashed_password) : await verifyAgainstDummy(form.password, settings.scryptLogN);
    if (!user || !valid) throw new HTTPException(400, 'Incorrect username or password');
    return { access_token: createAccessToken(user.email, settings.secretKey, settings.accessTokenMinutes), token_type: 'bearer' };
  }
}
