import { randomBytes } from 'node:crypto';
import { isUnitPath } from '@liaison/auth';
import { AppError, type FieldViolation } from '@liaison/runtime';

// Web forms that capture leads (SAL-01): what a form is, and its key.

export interface FormFields {
  name: string;
  source: string;
  unit: string;
  enabled: boolean;
}

export interface LeadForm extends FormFields {
  id: string;
  key: string;
  version: number;
  createdAt: Date;
  createdBy: string;
  updatedAt: Date;
  updatedBy: string;
}

export const FORM_FIELDS: Readonly<Record<string, keyof FormFields>> = { name: 'name', source: 'source', unit: 'unit', enabled: 'enabled' };

const CONTROL_CHARS = /[\u0000-\u001f\u007f]/;
const KEY = /^[A-Za-z0-9_-]{20,64}$/;

/** 24 URL-safe characters from 18 random bytes: unguessable, and short enough for a form's URL. */
export function newFormKey(): string {
  return randomBytes(18).toString('base64url');
}

/** A key as the public API passes it; anything else is no form at all. */
export function isFormKey(key: string): boolean {
  return KEY.test(key);
}

export function checkFormFields(input: FormFields): FormFields {
  const violations: FieldViolation[] = [];
  const text = (field: 'name' | 'source', max: number) => {
    const value = input[field].trim();
    if (!value || [...value].length > max || CONTROL_CHARS.test(value)) {
      violations.push({ field: `form.${field}`, message: `1 to ${max} characters, no control characters` });
    }
    return value;
  };
  const fields = { name: text('name', 100), source: text('source', 50), unit: input.unit, enabled: input.enabled };
  if (!isUnitPath(input.unit)) violations.push({ field: 'form.unit', message: 'an org unit path such as /Sales/East' });
  if (violations.length > 0) throw AppError.invalid('the form is invalid', violations);
  return fields;
}
