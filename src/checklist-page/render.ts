/**
 * The checklist page's HTML, rendered on the server: it works without JavaScript (forms post, a Refresh
 * link reloads); /static/checklist.js only adds copy buttons and refreshes the status section while open.
 * No inline script or style (the Content-Security-Policy forbids them).
 */
import { ACTION_LABEL } from '../rules/connectwise-rules';
import { pageChecklist, pageText } from '../rules/checklist-page-instructions';
import type { IntegrationView, PageModel } from './page-model';

export const esc = (s: string | number | boolean | undefined): string =>
  String(s ?? '').replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!
  );

let copyIds = 0;
/** A value the admin pastes elsewhere: selectable text, and a copy button once the script runs. */
function copyable(label: string, value: string): string {
  const id = `v${++copyIds}`;
  return `<div class="value"><span class="label" id="${id}-l">${esc(label)}</span><code id="${id}">${esc(value)}</code><button type="button" class="copy" data-copy="${id}" aria-describedby="${id}-l" hidden>${esc(pageText.copy)}</button></div>`;
}

function steps(view: IntegrationView | undefined): string {
  if (!view) return '';
  let items: string[] = [];
  let values = '';
  if (view.kind === 'googleDelegation') {
    const ins = view.status.instructions;
    items = ins.text.split('\n');
    values =
      copyable('Client ID', ins.clientId) +
      copyable('OAuth scopes (comma-delimited)', ins.scopesCsv) +
      copyable('Where', ins.consolePath);
  } else if (view.kind === 'connectwise' || view.kind === 'autotask') {
    items = pageChecklist(view.status.checklist);
  }
  if (!items.length) return '';
  return `<section aria-labelledby="steps-h"><h2 id="steps-h">${esc(pageText.stepsHeading)}</h2><ol class="steps">${items
    .map((i) => `<li>${esc(i)}</li>`)
    .join('')}</ol>${values}</section>`;
}

const badge = (ok: boolean | 'unverified' | 'warn', text: string) =>
  `<span class="badge ${ok === true ? 'ok' : ok === false ? 'missing' : 'warn'}">${esc(text)}</span>`;

function verified(view: IntegrationView | undefined): string {
  if (!view) return '';
  const rows: string[] = [];
  let caption = '';
  if (view.kind === 'googleDelegation') {
    caption = 'Each OAuth scope';
    for (const s of view.status.scopes)
      rows.push(
        `<tr><th scope="row"><code>${esc(s.scope)}</code></th><td>${badge(s.state === 'granted' ? true : s.state === 'missing' ? false : 'unverified', pageText.scopeState[s.state] ?? s.state)}</td></tr>`
      );
  } else if (view.kind === 'connectwise') {
    caption = 'The key and each right of the security role';
    const c = view.status.connection;
    rows.push(
      `<tr><th scope="row">Private key</th><td>${badge(c.privateKey === 'verified' ? true : c.privateKey === 'missing' ? false : 'unverified', pageText.privateKeyState[c.privateKey] ?? c.privateKey)}</td></tr>`
    );
    for (const p of view.status.permissions ?? [])
      rows.push(
        `<tr><th scope="row">${esc(`${p.module} › ${p.area} — ${ACTION_LABEL[p.action]}`)}</th><td>${badge(p.ok, `${pageText.permissionOk(p.ok)} (needs ${p.required}, found ${p.found})`)}${p.ok === true ? '' : ` <span class="where">${esc(p.menuPath)}</span>`}</td></tr>`
      );
  } else if (view.kind === 'autotask') {
    caption = 'Each right of the API user’s security level';
    for (const p of view.status.permissions)
      rows.push(
        `<tr><th scope="row">${esc(`${p.entity}: ${p.action}`)}</th><td>${badge(
          !p.allowed ? false : p.access === 'restricted' ? 'warn' : true,
          pageText.accessState[p.access] ?? p.access
        )} <span class="where">${esc(p.grantedBy)}</span></td></tr>`
      );
  }
  const notes: string[] = [];
  if (view.kind === 'connectwise' && view.status.lastRejection)
    notes.push(pageText.lastRejection(view.status.lastRejection));
  if (view.kind === 'autotask') {
    notes.push(
      ...view.status.missing.map((m) => `Missing: ${m}`),
      ...view.status.warnings.map((w) => `Restricted: ${w}`)
    );
    if (view.status.lastCredentialError) notes.push(`Last credentials refused: ${view.status.lastCredentialError}`);
  }
  return `${rows.length ? `<table><caption>${esc(caption)}</caption><tbody>${rows.join('')}</tbody></table>` : ''}${notes.length ? `<ul class="notes">${notes.map((n) => `<li>${esc(n)}</li>`).join('')}</ul>` : ''}`;
}

/** The part the script refreshes: state, what is verified, what is missing. */
export function renderStatus(model: PageModel): string {
  const v = model.view?.status;
  const head = model.done
    ? `<p class="banner done" role="status"><strong>${esc(pageText.doneHeading)}.</strong> ${esc(pageText.done)}</p>`
    : model.failed
      ? `<p class="banner failed" role="alert">${esc(pageText.failed(model.failed))}</p>`
      : `<p class="state">${esc(pageText.stateLine(pageText.stepLabel[v?.step ?? model.state] ?? v?.step ?? model.state))}</p>`;
  return `<section id="status" aria-labelledby="status-h" aria-live="polite" data-done="${model.done}"><h2 id="status-h">${esc(pageText.statusHeading)}</h2>${head}${verified(model.view)}</section>`;
}

const FIELD = {
  connectwise: [
    { name: 'site', label: 'Site (e.g. na.myconnectwise.net)', key: 'site' },
    { name: 'companyId', label: 'Company ID', key: 'companyId' },
    { name: 'publicKey', label: 'Public key', key: 'publicKey' },
    { name: 'clientId', label: 'Integration clientId', key: 'clientId' },
  ],
  autotask: [{ name: 'username', label: 'API user "Username (key)"', key: 'username' }],
} as const;

export interface FormState {
  csrf: string;
  wf: string;
  /** Non-secret fields typed last time (re-shown after a refusal); the secret is never echoed. */
  fields?: Record<string, string>;
  message?: { kind: 'ok' | 'error'; text: string };
  /** Over plain HTTP from outside loopback: the credential form is not offered. */
  insecure?: boolean;
}

function credentialForm(model: PageModel, base: string, f: FormState): string {
  if (!model.credential) return '';
  const known = (model.view?.kind === 'connectwise' ? model.view.status.connection : {}) as Record<string, unknown>;
  const inputs = FIELD[model.credential]
    .filter((x) => !known[x.key])
    .map(
      (x) =>
        `<p><label for="f-${x.name}">${esc(x.label)}</label><input id="f-${x.name}" name="${x.name}" type="text" autocomplete="off" spellcheck="false" required value="${esc(f.fields?.[x.name] ?? '')}"></p>`
    )
    .join('');
  const secret =
    model.credential === 'connectwise'
      ? `<p><label for="f-secret">Private key (shown once in ConnectWise)</label><textarea id="f-secret" name="secret" rows="3" autocomplete="off" spellcheck="false" required></textarea></p>`
      : `<p><label for="f-secret">Secret (shown once in Autotask)</label><input id="f-secret" name="secret" type="password" autocomplete="off" required></p>`;
  const what = model.credential === 'connectwise' ? 'ConnectWise private key' : 'Autotask API user’s credentials';
  if (f.insecure)
    return `<section aria-labelledby="cred-h"><h2 id="cred-h">${esc(pageText.credentialHeading(what))}</h2><p class="banner failed" role="alert">${esc(pageText.httpsOnly)}</p></section>`;
  return `<section aria-labelledby="cred-h"><h2 id="cred-h">${esc(pageText.credentialHeading(what))}</h2><p>${esc(pageText.credentialHelp)}</p><form method="post" action="${esc(base)}/credential"><input type="hidden" name="csrf" value="${esc(f.csrf)}"><input type="hidden" name="wf" value="${esc(f.wf)}">${inputs}${secret}<p><button type="submit">${esc(pageText.credentialButton)}</button></p></form></section>`;
}

function checkNowForm(model: PageModel, base: string, f: FormState): string {
  if (!model.canCheckNow) return '';
  return `<form method="post" action="${esc(base)}/check-now" class="check-now"><input type="hidden" name="csrf" value="${esc(f.csrf)}"><input type="hidden" name="wf" value="${esc(f.wf)}"><button type="submit">${esc(pageText.checkNowButton)}</button> <span class="help">${esc(pageText.checkNowHelp)}</span></form>`;
}

function layout(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="referrer" content="no-referrer"><title>${esc(title)}</title><link rel="stylesheet" href="/static/checklist.css"></head><body><main>${body}</main><script src="/static/checklist.js" defer></script></body></html>`;
}

export function renderPage(
  model: PageModel,
  opts: { base: string; recipient: string; vendor: string } & FormState
): string {
  const title = pageText.title(model.integration, opts.vendor, model.customerName);
  const message = opts.message
    ? `<p class="banner ${opts.message.kind === 'ok' ? 'done' : 'failed'}" role="${opts.message.kind === 'ok' ? 'status' : 'alert'}" id="message">${esc(opts.message.text)}</p>`
    : '';
  const body = `<header><p class="brand">Onramp</p><h1>${esc(title)}</h1><p>${esc(pageText.intro(opts.recipient))}</p><p><a href="${esc(opts.base)}" data-status-src="${esc(opts.base)}/status">${esc(pageText.refresh)}</a></p></header>${message}${model.done ? '' : steps(model.view)}${renderStatus(model)}${model.done ? '' : checkNowForm(model, opts.base, opts) + credentialForm(model, opts.base, opts)}`;
  return layout(title, body);
}

export function renderError(message: string): string {
  return layout('Onramp checklist', `<header><p class="brand">Onramp</p><h1>${esc(message)}</h1></header>`);
}

export const CHECKLIST_CSS = `
:root { color-scheme: light; --fg: #1a1a1a; --muted: #4a4a4a; --ok: #0b6b2f; --bad: #a3141b; --warn: #7a4a00; --accent: #0b4fa3; }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: #f7f7f5; }
main { max-width: 52rem; margin: 0 auto; padding: 1.5rem; background: #fff; min-height: 100vh; }
.brand { font-weight: 700; color: var(--accent); margin: 0; letter-spacing: .04em; }
h1 { font-size: 1.5rem; margin: .25rem 0 .5rem; }
h2 { font-size: 1.2rem; margin-top: 1.75rem; border-bottom: 1px solid #ddd; padding-bottom: .25rem; }
a { color: var(--accent); }
code { font: 14px/1.4 ui-monospace, SFMono-Regular, Menlo, monospace; background: #f0f0ee; padding: .1rem .3rem; border-radius: 3px; word-break: break-all; }
.value { display: grid; grid-template-columns: 14rem 1fr auto; gap: .5rem; align-items: start; margin: .5rem 0; }
.value .label { font-weight: 600; }
table { border-collapse: collapse; width: 100%; }
caption { text-align: left; color: var(--muted); padding: .25rem 0; }
th, td { text-align: left; padding: .35rem .5rem; border-bottom: 1px solid #e4e4e0; vertical-align: top; font-weight: normal; }
.badge { display: inline-block; padding: 0 .5rem; border-radius: 999px; font-weight: 600; font-size: .9rem; border: 1px solid currentColor; }
.badge.ok { color: var(--ok); } .badge.missing { color: var(--bad); } .badge.warn { color: var(--warn); }
.where { color: var(--muted); font-size: .9rem; }
.banner { padding: .75rem 1rem; border-radius: 6px; border-left: 6px solid; }
.banner.done { border-color: var(--ok); background: #e9f6ee; } .banner.failed { border-color: var(--bad); background: #fbecec; }
button { font: inherit; padding: .5rem 1rem; border-radius: 6px; border: 2px solid var(--accent); background: var(--accent); color: #fff; cursor: pointer; }
button.copy { background: #fff; color: var(--accent); padding: .15rem .6rem; }
button:focus-visible, a:focus-visible, input:focus-visible, textarea:focus-visible { outline: 3px solid #f5a623; outline-offset: 2px; }
label { display: block; font-weight: 600; margin-bottom: .2rem; }
input, textarea { font: inherit; width: 100%; padding: .4rem; border: 1px solid #767676; border-radius: 4px; }
.help, .state { color: var(--muted); }
ol.steps li { margin: .3rem 0; overflow-wrap: anywhere; }
main > * { max-width: 100%; }
.check-now { margin-top: 1rem; }
`;

/** Copy buttons and the live status: progressive enhancement only. */
export const CHECKLIST_JS = `
(function () {
  function wireCopy(root) {
    root.querySelectorAll('button.copy').forEach(function (b) {
      b.hidden = false;
      b.addEventListener('click', function () {
        var el = document.getElementById(b.getAttribute('data-copy'));
        if (!el || !navigator.clipboard) return;
        navigator.clipboard.writeText(el.textContent).then(function () {
          var old = b.textContent; b.textContent = ${JSON.stringify(pageText.copied)};
          setTimeout(function () { b.textContent = old; }, 1500);
        });
      });
    });
  }
  wireCopy(document);
  var link = document.querySelector('[data-status-src]');
  var status = document.getElementById('status');
  if (!link || !status) return;
  var src = link.getAttribute('data-status-src');
  var wasDone = status.getAttribute('data-done') === 'true';
  function poll() {
    fetch(src, { headers: { accept: 'text/html' }, cache: 'no-store', credentials: 'omit' }).then(function (r) {
      if (!r.ok) return;
      return r.text().then(function (html) {
        var cur = document.getElementById('status');
        if (!cur) return;
        var box = document.createElement('div');
        box.innerHTML = html;
        var next = box.firstElementChild;
        if (!next) return;
        cur.replaceWith(next);
        if (next.getAttribute('data-done') === 'true' && !wasDone) {
          wasDone = true;
          document.querySelectorAll('form').forEach(function (f) { f.remove(); });
        }
      });
    }).catch(function () {}).then(function () { if (!wasDone) setTimeout(poll, 3000); });
  }
  if (!wasDone) setTimeout(poll, 3000);
})();
`;
