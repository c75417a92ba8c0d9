/**
 * The customer's admin on the checklist page, as the sandbox guides play them: the link arrives by e-mail
 * (Mailpit's API) or from the operator (`onramp checklist link`), the admin opens it and uses the page's own
 * forms over HTTP — "I've done this — check now", the credential form — exactly as a browser posts them
 * (the page works without JavaScript). What happens inside the vendor's console stays the simulators' /_admin.
 */
import { checklistKeysFromConfig, createChecklistLink } from '../../checklist';
import { loadConfig, processEnv } from '../../config';
import { customerOnboardingWorkflowId } from '../../domain/customer-onboarding-schema';
import { GuideError, waitUntil, type GuideContext } from './guide-steps';

interface CaughtSummary {
  ID: string;
  To: { Address: string }[];
  Subject: string;
}

/** The first e-mail to `to` that links the checklist page, and that link. */
export async function mailedChecklistLink(
  ctx: GuideContext,
  to: string,
  timeoutMs = 120_000
): Promise<{ subject: string; link: string }> {
  const { mailUrl, checklistUrl } = ctx;
  if (!mailUrl || !checklistUrl) throw new GuideError('this sandbox has no mail catcher or checklist page');
  const linkRe = new RegExp(`${checklistUrl.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/c/[A-Za-z0-9_.-]+`);
  return waitUntil(
    async () => {
      const res = await fetch(`${mailUrl}/api/v1/messages?limit=500`);
      if (!res.ok) return undefined;
      const { messages } = (await res.json()) as { messages: CaughtSummary[] };
      for (const m of messages.filter((x) => x.To.some((t) => t.Address.toLowerCase() === to.toLowerCase()))) {
        const full = (await (await fetch(`${mailUrl}/api/v1/message/${m.ID}`)).json()) as { Text: string };
        const link = linkRe.exec(full.Text)?.[0];
        if (link) return { subject: m.Subject, link };
      }
      return undefined;
    },
    `the e-mail to ${to} with its checklist link`,
    timeoutMs
  );
}

/** A link the operator issues (`onramp checklist link <orderId> --integration X --to <admin>`), with the sandbox's key. */
export async function operatorChecklistLink(
  ctx: GuideContext,
  orderId: string,
  integration: string,
  recipient: string
): Promise<string> {
  if (!ctx.checklistUrl) throw new GuideError('this sandbox has no checklist page');
  const config = loadConfig({ ...processEnv(), ONRAMP_MODE: 'sandbox' });
  return createChecklistLink({
    baseUrl: ctx.checklistUrl,
    key: ctx.checklistKeys ? await ctx.checklistKeys() : await checklistKeysFromConfig(config),
    workflowId: customerOnboardingWorkflowId(orderId),
    integration,
    recipient,
    ttlSeconds: config.checklist.linkTtlSeconds,
  });
}

const text = (html: string) =>
  html
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim();

export interface OpenedPage {
  html: string;
  /** What the page says has been verified (its status section, as text). */
  status: string;
  forms: { checkNow: boolean; credential: boolean };
  /** The page says Done. */
  done: boolean;
  csrf?: string;
  wf?: string;
}

export async function openChecklistPage(link: string): Promise<OpenedPage> {
  const res = await fetch(link, { redirect: 'follow' });
  const html = await res.text();
  if (!res.ok) throw new GuideError(`the checklist page answered ${res.status}: ${text(html).slice(0, 200)}`);
  const status = /<section id="status"[\s\S]*?<\/section>/.exec(html)?.[0] ?? '';
  return {
    html,
    status: text(status),
    forms: { checkNow: html.includes('/check-now"'), credential: html.includes('/credential"') },
    done: status.includes('data-done="true"'),
    csrf: /name="csrf" value="([^"]+)"/.exec(html)?.[1],
    wf: /name="wf" value="([^"]+)"/.exec(html)?.[1],
  };
}

async function postForm(link: string, action: string, fields: Record<string, string>) {
  const page = await openChecklistPage(link);
  if (!page.csrf || !page.wf) throw new GuideError(`the checklist page offers no ${action} form now`);
  const res = await fetch(`${link}/${action}`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ csrf: page.csrf, wf: page.wf, ...fields }).toString(),
  });
  const html = await res.text();
  return { status: res.status, message: text(/<p [^>]*id="message"[^>]*>([\s\S]*?)<\/p>/.exec(html)?.[1] ?? html) };
}

/**
 * "I've done this — check now". False when the page already shows done (Onramp's own check got there first),
 * as a real admin would find it.
 */
export async function pageCheckNow(link: string): Promise<boolean> {
  const page = await waitUntil(async () => {
    const p = await openChecklistPage(link);
    return p.forms.checkNow || p.done ? p : undefined;
  }, 'the check-now form');
  if (!page.forms.checkNow) return false;
  const r = await postForm(link, 'check-now', {});
  // 409: it finished between opening the page and pressing the button.
  if (r.status === 409) return false;
  if (r.status !== 303) throw new GuideError(`check now: ${r.status} ${r.message}`);
  return true;
}

/** Paste a credential into the page's form: accepted, or the workflow's reason shown on the page. */
export async function pageSupply(
  link: string,
  fields: Record<string, string>,
  secret: string
): Promise<{ ok: true } | { ok: false; reason: string }> {
  await waitUntil(
    async () => ((await openChecklistPage(link)).forms.credential ? true : undefined),
    'the credential form'
  );
  const r = await postForm(link, 'credential', { ...fields, secret });
  if (r.status === 303) return { ok: true };
  if (r.status === 422) return { ok: false, reason: r.message };
  throw new GuideError(`the credential form answered ${r.status}: ${r.message}`);
}
