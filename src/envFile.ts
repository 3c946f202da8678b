import { config as loadDotenv } from 'dotenv';

/** Loads `.env` (if any) without overriding variables already set. Quiet: never prints values. */
export function loadEnvFile(): void {
  loadDotenv({ quiet: true } as Parameters<typeof loadDotenv>[0]);
}
