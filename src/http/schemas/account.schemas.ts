import { Type } from '@sinclair/typebox';
import { MAX_PASSWORD_LENGTH } from '../../domain/accounts.js';
import { Nullable, pageOf, Str, Strict } from './common.js';

const Role = Type.Union([Type.Literal('administrator'), Type.Literal('marketer'), Type.Literal('analyst')]);
// The length rule (at least 10) is checked by the use case, so the answer says why in words (422).
const Password = Str(MAX_PASSWORD_LENGTH, { minLength: 1 });

export const AccountSchema = Strict({
  id: Type.String(),
  email: Type.String(),
  role: Role,
  awards: Type.Boolean({ description: 'May see promo codes (always true for administrators)' }),
  createdAt: Type.String(),
  updatedAt: Type.String(),
  lastSignInAt: Nullable(Type.String()),
});

export const AccountPage = pageOf(AccountSchema);

export const CreateAccountBody = Strict({
  email: Str(254, { minLength: 3 }),
  role: Role,
  awards: Type.Optional(Type.Boolean()),
  password: Password,
});

export const SetPasswordBody = Strict({ password: Password });

export const SignInBody = Strict({ email: Str(254, { minLength: 1 }), password: Password });

export const ChangeOwnPasswordBody = Strict({ currentPassword: Password, newPassword: Password });

export const SessionSchema = Strict({
  account: AccountSchema,
  csrfToken: Type.String({ description: 'Send it as the x-csrf-token header on every write (POST, PATCH, PUT, DELETE) made with the session cookie' }),
  expiresAt: Type.String({ description: 'When the session ends unless it is used (12 hours idle, 7 days at most)' }),
});
