// Secrets a customer pastes into the chat are masked before they are stored or shown to an agent.
import { describe, expect, it } from 'vitest';
import { luhnValid, maskSecrets, type Masked } from '../../server/core/secrets.ts';

function unchanged(text: string): Masked {
  return { text, found: [] };
}

describe('card numbers', () => {
  it('a pasted card number is stored as its last four digits', () => {
    expect(maskSecrets('my card is 4111 1111 1111 1111')).toEqual({
      text: 'my card is [card •••• 1111]',
      found: ['card_number'],
    });
  });

  it('a card number grouped with hyphens is masked', () => {
    expect(maskSecrets('card 4111-1111-1111-1111 please')).toEqual({
      text: 'card [card •••• 1111] please',
      found: ['card_number'],
    });
  });

  it('a card number without grouping is masked', () => {
    expect(maskSecrets('it is 4111111111111111.')).toEqual({
      text: 'it is [card •••• 1111].',
      found: ['card_number'],
    });
  });

  it('an Amex number grouped 4-6-5 is masked', () => {
    expect(maskSecrets('Amex 3782 822463 10005 was declined')).toEqual({
      text: 'Amex [card •••• 0005] was declined',
      found: ['card_number'],
    });
  });

  it('a message that is only a card number becomes only its mask', () => {
    expect(maskSecrets('5555555555554444')).toEqual({ text: '[card •••• 4444]', found: ['card_number'] });
  });

  it('a digit run that fails the Luhn check is left alone', () => {
    expect(maskSecrets('my card is 4111 1111 1111 1112')).toEqual(unchanged('my card is 4111 1111 1111 1112'));
    expect(maskSecrets('4111111111111112')).toEqual(unchanged('4111111111111112'));
  });

  it('an order number is left alone', () => {
    expect(maskSecrets('where is my order LP-10001?')).toEqual(unchanged('where is my order LP-10001?'));
  });

  it('a phone number is left alone', () => {
    expect(maskSecrets('call me on +46 70 123 45 67 or 0701234567')).toEqual(
      unchanged('call me on +46 70 123 45 67 or 0701234567'),
    );
  });

  it('amounts and dates are left alone', () => {
    expect(maskSecrets('I paid 1,000 EUR on 2024-01-15 and 250 EUR on 15.02.2024')).toEqual(
      unchanged('I paid 1,000 EUR on 2024-01-15 and 250 EUR on 15.02.2024'),
    );
  });

  it('an IBAN is left alone', () => {
    expect(maskSecrets('IBAN DE89 3704 0044 0532 0130 00')).toEqual(unchanged('IBAN DE89 3704 0044 0532 0130 00'));
  });
});

describe('luhnValid', () => {
  it('accepts numbers with a valid checksum', () => {
    expect(luhnValid('4111111111111111')).toBe(true);
    expect(luhnValid('378282246310005')).toBe(true);
    expect(luhnValid('5555 5555 5555 4444')).toBe(true);
  });

  it('rejects a wrong checksum, non-digits and too few digits', () => {
    expect(luhnValid('4111111111111112')).toBe(false);
    expect(luhnValid('4111 1111 1111 1112')).toBe(false);
    expect(luhnValid('4111x11111111111')).toBe(false);
    expect(luhnValid('0')).toBe(false);
    expect(luhnValid('')).toBe(false);
  });
});

describe('card security codes', () => {
  it('a CVV is hidden', () => {
    expect(maskSecrets('cvv 123')).toEqual({ text: 'cvv [security code hidden]', found: ['card_security_code'] });
  });

  it('a four-digit CVC after a colon is hidden', () => {
    expect(maskSecrets('CVC: 1234')).toEqual({ text: 'CVC: [security code hidden]', found: ['card_security_code'] });
  });

  it('a security code given in a sentence is hidden', () => {
    expect(maskSecrets('the security code is 123')).toEqual({
      text: 'the security code is [security code hidden]',
      found: ['card_security_code'],
    });
  });

  it('the digits on the back of the card are hidden', () => {
    expect(maskSecrets('the 3 digits on the back are 123')).toEqual({
      text: 'the 3 digits on the back are [security code hidden]',
      found: ['card_security_code'],
    });
  });

  it('a sentence about the CVV without one is left alone', () => {
    expect(maskSecrets('where do I find the CVV?')).toEqual(unchanged('where do I find the CVV?'));
  });
});

describe('passwords', () => {
  it('a password given after "is" is hidden', () => {
    expect(maskSecrets('my password is Hunter2!')).toEqual({
      text: 'my password is [password hidden]',
      found: ['password'],
    });
  });

  it('sentence punctuation after a password stays in the text', () => {
    expect(maskSecrets('my password is Hunter2. Can you check?')).toEqual({
      text: 'my password is [password hidden]. Can you check?',
      found: ['password'],
    });
    expect(maskSecrets('password: abc123, thanks')).toEqual({
      text: 'password: [password hidden], thanks',
      found: ['password'],
    });
  });

  it('other labels and separators are recognised', () => {
    expect(maskSecrets('pwd=s3cret')).toEqual({ text: 'pwd=[password hidden]', found: ['password'] });
    expect(maskSecrets('passwd: s3cret')).toEqual({ text: 'passwd: [password hidden]', found: ['password'] });
    expect(maskSecrets('the passcode is 9911')).toEqual({
      text: 'the passcode is [password hidden]',
      found: ['password'],
    });
    expect(maskSecrets('my pass word is sunshine')).toEqual({
      text: 'my pass word is [password hidden]',
      found: ['password'],
    });
  });

  it('German, Swedish and Spanish passwords are hidden', () => {
    expect(maskSecrets('Mein Passwort ist Geheim123')).toEqual({
      text: 'Mein Passwort ist [password hidden]',
      found: ['password'],
    });
    expect(maskSecrets('mitt lösenord är hemligt1')).toEqual({
      text: 'mitt lösenord är [password hidden]',
      found: ['password'],
    });
    expect(maskSecrets('mi contraseña es secreta9')).toEqual({
      text: 'mi contraseña es [password hidden]',
      found: ['password'],
    });
  });

  it('a password typed straight after "my password" is hidden when it has a digit or symbol', () => {
    expect(maskSecrets('my password Hunter2!')).toEqual({ text: 'my password [password hidden]', found: ['password'] });
  });

  it('sentences that only mention passwords are left alone', () => {
    for (const text of [
      'I forgot my password',
      'how do I reset my password?',
      'password reset link is not working',
      'my password is not working',
      'my password is wrong',
      'my password is wrong!',
      'my password is correct',
      'my password is incorrect',
      'my password is expired',
      'my password is blocked',
      'my password is locked',
      'my password is too short',
      'my password is the same as before',
      'my password is a mess',
      'my password is an issue',
      'my password is still not accepted',
      'my password is being rejected',
      'my password is missing a number',
      'I typed my password wrong!',
      'I changed my password 3 times',
      'mein Passwort ist falsch',
      'mitt lösenord är fel',
    ]) {
      expect(maskSecrets(text)).toEqual(unchanged(text));
    }
  });
});

describe('one-time codes and PINs', () => {
  it('a one-time code after "is" is hidden', () => {
    expect(maskSecrets('the code is 482913')).toEqual({ text: 'the code is [code hidden]', found: ['one_time_code'] });
  });

  it('an OTP after a colon is hidden', () => {
    expect(maskSecrets('OTP: 4829')).toEqual({ text: 'OTP: [code hidden]', found: ['one_time_code'] });
  });

  it('an SMS code straight after its label is hidden', () => {
    expect(maskSecrets('sms code 123456')).toEqual({ text: 'sms code [code hidden]', found: ['one_time_code'] });
  });

  it('verification, one-time and 2FA codes are hidden', () => {
    expect(maskSecrets('verification code: 123 456')).toEqual({
      text: 'verification code: [code hidden]',
      found: ['one_time_code'],
    });
    expect(maskSecrets('one-time code 55123')).toEqual({ text: 'one-time code [code hidden]', found: ['one_time_code'] });
    expect(maskSecrets('2FA 123456')).toEqual({ text: '2FA [code hidden]', found: ['one_time_code'] });
  });

  it('a PIN is hidden as a PIN', () => {
    expect(maskSecrets('PIN: 4829')).toEqual({ text: 'PIN: [PIN hidden]', found: ['pin'] });
    expect(maskSecrets('my PIN code is 1234')).toEqual({ text: 'my PIN code is [PIN hidden]', found: ['pin'] });
  });

  it('an error code is left alone', () => {
    expect(maskSecrets('I get error code 404')).toEqual(unchanged('I get error code 404'));
    expect(maskSecrets('I get error code 5001')).toEqual(unchanged('I get error code 5001'));
  });

  it('a promo or discount code is left alone', () => {
    expect(maskSecrets('promo code SPRING25 does not work')).toEqual(unchanged('promo code SPRING25 does not work'));
    expect(maskSecrets('the discount code is 2025SALE')).toEqual(unchanged('the discount code is 2025SALE'));
    expect(maskSecrets('the code is SPRING25')).toEqual(unchanged('the code is SPRING25'));
  });

  it('a sentence about a code without one is left alone', () => {
    expect(maskSecrets('the code never arrived, is my PIN blocked?')).toEqual(
      unchanged('the code never arrived, is my PIN blocked?'),
    );
  });
});

describe('several secrets, and masking twice', () => {
  const pasted =
    'Card 4111 1111 1111 1111 exp 12/27 cvv 123. My password is Hunter2! The SMS code is 482913, PIN: 9876, ' +
    'and my other card is 3782-822463-10005.';
  const masked =
    'Card [card •••• 1111] exp 12/27 cvv [security code hidden]. My password is [password hidden] ' +
    'The SMS code is [code hidden], PIN: [PIN hidden], and my other card is [card •••• 0005].';

  it('every secret in one message is masked, and each kind is reported once in order of appearance', () => {
    expect(maskSecrets(pasted)).toEqual({
      text: masked,
      found: ['card_number', 'card_security_code', 'password', 'one_time_code', 'pin'],
    });
  });

  it('masking a masked text changes nothing and finds nothing', () => {
    expect(maskSecrets(masked)).toEqual(unchanged(masked));
    for (const text of [
      'my card is 4111 1111 1111 1111',
      'cvv 123',
      'my password is Hunter2!',
      'my password Hunter2!',
      'the code is 482913',
      'PIN: 4829',
      'code 12345678 4111111111111111',
    ]) {
      const once = maskSecrets(text).text;
      expect(maskSecrets(once)).toEqual(unchanged(once));
    }
  });

  it('text without secrets comes back byte for byte', () => {
    const text = 'Hej!  My order LP-10001\n\twas 1,000 EUR — can I pay on 2026-03-01? 🙂';
    expect(maskSecrets(text)).toEqual(unchanged(text));
  });
});
