// Opaque bearer tokens (customer conversations, agent sessions): 256 random bits, stored only as a hash.
import { createHash, randomBytes } from 'node:crypto';

/** A new unguessable token. */
export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

/** The form a token is stored and looked up in. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}
