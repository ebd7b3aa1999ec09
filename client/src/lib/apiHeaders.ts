// Headers of every REST call: JSON, and the dashboard's language so the server words its refusals
// (validation, not found, conflict…) in it. Read at each call: switching language needs no reload.
import { parseLang } from '../i18n';
import { PREF_KEYS, readPref } from './prefs';

export function apiHeaders(extra: Record<string, string> = {}): Record<string, string> {
  return { accept: 'application/json', 'accept-language': parseLang(readPref(PREF_KEYS.lang)), ...extra };
}
