/**
 * Which field a daemon error is about, so it is shown next to that field. The daemon names the field
 * in its message (`secrets.add: name: secret names are …`, `config.json: heartbeat.url: …`).
 */
import type { UiError } from '../store/ui-error.js';

/** True when `error` names `field` (a dotted path) as the field at fault. */
export function isAboutField(error: UiError | null, field: string): boolean {
  if (error === null) return false;
  if (error.code === 'INVALID_NAME' || error.code === 'SECRET_EXISTS') return field === 'name';
  const escaped = field.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(^|[\\s:])${escaped}:`).test(error.message);
}
