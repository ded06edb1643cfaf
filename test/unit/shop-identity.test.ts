// The shop's sign-in tokens on a manual clock: lifetime, clock tolerance, claims, and the secret's own rules.
import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config.ts';
import { ManualClock } from '../../server/core/clock.ts';
import { ShopIdentityVerifier } from '../../server/security/shop-identity.ts';

const SECRET = 'a-secret-the-shop-and-tandem-share-0123456789';
const START = Date.parse('2026-03-01T10:00:00.000Z');

function token(claims: Record<string, unknown>, iat: number, lifetimeSeconds: number): Promise<string> {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuedAt(iat / 1000)
    .setExpirationTime(iat / 1000 + lifetimeSeconds)
    .sign(new TextEncoder().encode(SECRET));
}

describe('a shop sign-in token', () => {
  it('names the shop user while it lives, and 30 s beyond for clocks that differ, not later', async () => {
    const clock = new ManualClock(START);
    const verifier = new ShopIdentityVerifier(SECRET, clock);
    const signed = await token({ sub: '42', email: 'Ann@Example.com', name: 'Ann Lee' }, START, 15 * 60);
    expect(await verifier.verify(signed)).toEqual({ ok: true, identity: { userId: '42', email: 'ann@example.com', name: 'Ann Lee' } });
    clock.advance(15 * 60 * 1000 + 29_000);
    expect((await verifier.verify(signed)).ok).toBe(true);
    clock.advance(2000);
    expect(await verifier.verify(signed)).toMatchObject({ ok: false, code: 'invalid_identity', message: expect.stringMatching(/has expired/) });
  });

  it('may live an hour at most, and may not come from the future', async () => {
    const verifier = new ShopIdentityVerifier(SECRET, new ManualClock(START));
    expect((await verifier.verify(await token({ sub: '42' }, START, 60 * 60))).ok).toBe(true);
    expect(await verifier.verify(await token({ sub: '42' }, START, 60 * 60 + 1))).toMatchObject({ ok: false, message: expect.stringMatching(/lives longer than 60 minutes/) });
    expect(await verifier.verify(await token({ sub: '42' }, START + 5 * 60 * 1000, 600))).toMatchObject({ ok: false, message: expect.stringMatching(/"iat" claim/) });
  });

  it('refuses malformed claims', async () => {
    const verifier = new ShopIdentityVerifier(SECRET, new ManualClock(START));
    expect(await verifier.verify(await token({ sub: '42', email: 'not an email' }, START, 600))).toMatchObject({ ok: false, message: expect.stringMatching(/claims are malformed \(email\)/) });
    expect(await verifier.verify(await token({ sub: 'x'.repeat(201) }, START, 600))).toMatchObject({ ok: false, message: expect.stringMatching(/claims are malformed \(sub\)/) });
  });

  it('is refused, not ignored, when no secret is configured', async () => {
    const verifier = new ShopIdentityVerifier(undefined, new ManualClock(START));
    expect(await verifier.verify(await token({ sub: '42' }, START, 600))).toMatchObject({ ok: false, code: 'identity_not_configured' });
  });
});

describe('TANDEM_IDENTITY_SECRET and TANDEM_RATE_LIMITS', () => {
  it('stop the start with a clear error when they are wrong', () => {
    expect(() => loadConfig({ TANDEM_IDENTITY_SECRET: 'too short' })).toThrow(/TANDEM_IDENTITY_SECRET must have at least 32 bytes/);
    expect(loadConfig({ TANDEM_IDENTITY_SECRET: SECRET }).identitySecret).toBe(SECRET);
    expect(loadConfig({}).identitySecret).toBeUndefined();
    expect(() => loadConfig({ TANDEM_RATE_LIMITS: 'loginsPerIp=lots' })).toThrow(/Bad environment: TANDEM_RATE_LIMITS: "loginsPerIp=lots" is not name=points\/seconds/);
    expect(loadConfig({ TANDEM_RATE_LIMITS: 'loginsPerIp=100/900' }).rateLimits).toEqual({ loginsPerIp: { points: 100, seconds: 900 } });
  });
});
