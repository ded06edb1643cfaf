// Identity verification for customers signed in at the shop (docs/SECURITY.md): the shop's own server signs a
// short-lived HS256 JWT `{ sub, email?, name?, iat, exp }` with the secret it shares with us
// (TANDEM_IDENTITY_SECRET); the widget passes it on unread, and jose checks it here. Nothing else the browser
// says about who the customer is is believed.
import { errors, jwtVerify } from 'jose';
import { z } from 'zod';
import type { ShopIdentity } from '../../shared/protocol.ts';
import type { Clock } from '../core/clock.ts';

/** Longest lifetime a token may have (exp − iat): a leaked token is worthless within the hour. */
const IDENTITY_MAX_LIFETIME_SECONDS = 60 * 60;
/** How far apart the shop's clock and ours may be. */
const IDENTITY_CLOCK_TOLERANCE_SECONDS = 30;
/** RFC 7518 section 3.2: an HS256 key has at least 256 bits. */
export const IDENTITY_SECRET_MIN_BYTES = 32;

const Claims = z.object({
  sub: z.string().min(1).max(200),
  email: z.string().email().max(200).optional(),
  name: z.string().trim().min(1).max(200).optional(),
  iat: z.number(),
  exp: z.number(),
});

export type IdentityCheck =
  | { ok: true; identity: ShopIdentity }
  | { ok: false; code: 'invalid_identity' | 'identity_not_configured'; message: string };

function refused(reason: string): IdentityCheck {
  return { ok: false, code: 'invalid_identity', message: `The shop's sign-in token was not accepted: ${reason}. Reload the page to sign in again.` };
}

/** Why jose refused a token, in words for the shop's developer (nothing here is secret). */
function reasonOf(error: unknown): string {
  if (error instanceof errors.JWTExpired) return 'it has expired';
  if (error instanceof errors.JWSSignatureVerificationFailed) return "it is not signed with the shop's secret";
  if (error instanceof errors.JOSEAlgNotAllowed) return 'it must be signed with HS256';
  if (error instanceof errors.JWTClaimValidationFailed) return `its "${error.claim}" claim is missing or wrong (${error.reason})`;
  return 'it is not a valid signed JWT';
}

export class ShopIdentityVerifier {
  readonly #key: Uint8Array | null;
  readonly #clock: Clock;

  /** `secret` undefined: identity verification is off, and any token offered is refused. */
  constructor(secret: string | undefined, clock: Clock) {
    if (secret !== undefined && Buffer.byteLength(secret) < IDENTITY_SECRET_MIN_BYTES) {
      throw new Error(`the identity secret must have at least ${IDENTITY_SECRET_MIN_BYTES} bytes`);
    }
    this.#key = secret === undefined ? null : new TextEncoder().encode(secret);
    this.#clock = clock;
  }

  /** The shop user a token names, when it is signed with our secret, unexpired, and short-lived. */
  async verify(token: string): Promise<IdentityCheck> {
    if (!this.#key) {
      return {
        ok: false,
        code: 'identity_not_configured',
        message: 'This support chat does not verify shop sign-ins (TANDEM_IDENTITY_SECRET is not set), so it cannot accept a sign-in token.',
      };
    }
    let payload: unknown;
    try {
      ({ payload } = await jwtVerify(token, this.#key, {
        algorithms: ['HS256'],
        requiredClaims: ['sub', 'iat', 'exp'],
        clockTolerance: IDENTITY_CLOCK_TOLERANCE_SECONDS,
        maxTokenAge: IDENTITY_MAX_LIFETIME_SECONDS,
        currentDate: new Date(this.#clock.now()),
      }));
    } catch (error) {
      if (error instanceof errors.JOSEError) return refused(reasonOf(error));
      throw error;
    }
    const claims = Claims.safeParse(payload);
    if (!claims.success) return refused(`its claims are malformed (${claims.error.issues.map((i) => i.path.join('.') || i.message).join(', ')})`);
    const { sub, email, name, iat, exp } = claims.data;
    if (exp - iat > IDENTITY_MAX_LIFETIME_SECONDS) return refused(`it lives longer than ${IDENTITY_MAX_LIFETIME_SECONDS / 60} minutes (exp − iat)`);
    const identity: ShopIdentity = { userId: sub };
    if (email) identity.email = email.toLowerCase();
    if (name) identity.name = name;
    return { ok: true, identity };
  }
}
