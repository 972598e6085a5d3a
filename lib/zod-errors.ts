/** One wording for schema errors everywhere (workflow inputs, CLI flags, config): "field.path: problem; ...". Pure. */
import type { z } from 'zod';

export function describeZodError(err: z.ZodError): string {
  return err.issues.map((i) => `${i.path.length ? i.path.join('.') : '(input)'}: ${i.message}`).join('; ');
}
