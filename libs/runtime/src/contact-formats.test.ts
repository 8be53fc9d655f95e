import { isEmailAddress, isPhoneNumber } from './contact-formats';

describe('contact formats', () => {
  it('accepts mainland mobiles, landlines with area codes and international numbers', () => {
    for (const phone of ['13812345678', '0571-8888 6666', '+86 138 1234 5678', '021 6666-8888']) expect(isPhoneNumber(phone)).toBe(true);
  });

  it('refuses letters, a lone digit pair and overlong numbers', () => {
    for (const phone of ['138-abcd-5678', '12', `1${'2'.repeat(31)}`, '']) expect(isPhoneNumber(phone)).toBe(false);
  });

  it('accepts addresses with CJK-free local parts and refuses malformed or overlong ones', () => {
    expect(isEmailAddress('zhang.san@example.com.cn')).toBe(true);
    for (const email of ['zhang san@example.com', 'no-at.example.com', 'a@b', `${'a'.repeat(64)}@${'b'.repeat(190)}.com`]) {
      expect(isEmailAddress(email)).toBe(false);
    }
  });
});
