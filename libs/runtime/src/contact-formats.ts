// How phone numbers and e-mail addresses are checked wherever people are recorded (customers,
// contacts, leads): one rule, so that what one service accepts another does not refuse.

const PHONE = /^\+?[0-9][0-9\- ()]{2,30}$/;
const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,190}\.[^\s@]{2,63}$/;

/** Digits with spaces, dashes and brackets, an optional leading +: "0571-8888 6666", "+86 138 1234 5678". */
export function isPhoneNumber(value: string): boolean {
  return PHONE.test(value);
}

/** A plausible address of at most 254 characters (RFC 5321); delivery is what proves it. */
export function isEmailAddress(value: string): boolean {
  return value.length <= 254 && EMAIL.test(value);
}
