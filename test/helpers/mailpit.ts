import { ensureMailpit, startMailpit, type RunningMailpit } from '../../src/sandbox/mailpit';
import { freePort } from './faults';

/** One message as Mailpit's API lists it (`GET /api/v1/messages`). */
export interface CaughtSummary {
  ID: string;
  MessageID: string;
  Subject: string;
  To: { Address: string }[];
}

export interface CaughtMail extends CaughtSummary {
  Text: string;
}

export interface MailCatcher extends RunningMailpit {
  /** Every message caught so far, oldest first, with its text. */
  messages(): Promise<CaughtMail[]>;
  /** Messages to `address` (case-insensitive). */
  to(address: string): Promise<CaughtMail[]>;
}

/** A real Mailpit (SMTP + HTTP API) on free loopback ports, messages in memory. */
export async function mailCatcher(extraArgs: string[] = []): Promise<MailCatcher> {
  const running = await startMailpit({
    extraArgs,
    binary: await ensureMailpit({ onProgress: (l) => process.stderr.write(`${l}\n`) }),
    smtpPort: await freePort(),
    uiPort: await freePort(),
  });
  const get = async <T>(path: string): Promise<T> => {
    const res = await fetch(`${running.uiUrl}${path}`);
    if (!res.ok) throw new Error(`Mailpit ${path}: HTTP ${res.status}`);
    return (await res.json()) as T;
  };
  const messages = async (): Promise<CaughtMail[]> => {
    const list = await get<{ messages: CaughtSummary[] }>('/api/v1/messages?limit=1000');
    const full = await Promise.all(
      list.messages.map(async (m) => ({ ...m, Text: (await get<{ Text: string }>(`/api/v1/message/${m.ID}`)).Text }))
    );
    return full.reverse();
  };
  return {
    ...running,
    messages,
    to: async (address) =>
      (await messages()).filter((m) => m.To.some((t) => t.Address.toLowerCase() === address.toLowerCase())),
  };
}
