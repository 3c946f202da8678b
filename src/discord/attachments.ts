/** A download that was refused or failed, in words for the user. */
export class DownloadError extends Error {}

/**
 * Fetches an attachment from Discord's CDN with a byte cap enforced while reading (the size Discord reports
 * is checked first, but never trusted) and a time limit.
 */
export async function downloadAttachment(url: string, maxBytes: number, timeoutMs = 30_000): Promise<Uint8Array> {
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), redirect: 'follow' });
  } catch (error) {
    throw new DownloadError(`could not download the file (${(error as Error).name === 'TimeoutError' ? 'timed out' : 'network error'})`);
  }
  if (!response.ok || !response.body) throw new DownloadError(`could not download the file (HTTP ${response.status})`);
  const parts: Uint8Array[] = [];
  let total = 0;
  const reader = response.body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > maxBytes) throw new DownloadError(`the file is larger than SEED_MAX_BYTES (${maxBytes} bytes)`);
      parts.push(value);
    }
  } catch (error) {
    if (error instanceof DownloadError) throw error;
    throw new DownloadError('could not download the file (connection lost)');
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  return Buffer.concat(parts);
}
