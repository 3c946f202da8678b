/**
 * Button custom_ids: `bb:<action>:<answer key>`. They carry everything a click needs (the key into the persisted
 * answer log), so buttons keep working after a restart. Discord caps custom_id at 100 characters.
 */
export type ButtonAction = 'sources' | 'up' | 'down';
const ACTIONS: readonly ButtonAction[] = ['sources', 'up', 'down'];

export function buttonId(action: ButtonAction, key: string): string {
  return `bb:${action}:${key}`;
}

export function parseButtonId(customId: string): { action: ButtonAction; key: string } | null {
  const match = /^bb:([a-z]+):([A-Za-z0-9_-]{1,64})$/.exec(customId);
  if (!match || !(ACTIONS as readonly string[]).includes(match[1])) return null;
  return { action: match[1] as ButtonAction, key: match[2] };
}
