// A real OpenID provider for the SSO tests: `node server.mjs '<json options>'`.
//
// Options: {"port": 0, "initialAccessToken": "...", "registration": true,
//           "accounts": [{"sub": "...", "email": "...", "password": "...", "name": "...", "emailVerified": true}]}
// Prints one JSON line {"issuer": ..., "port": ...} on stdout once it listens on 127.0.0.1.
// Discovery, dynamic client registration (initial access token required), PKCE (always),
// RS256 ID tokens, and a plain HTML login form whose accounts the test chose.
import { generateKeyPairSync } from 'node:crypto';
import http from 'node:http';

import Provider from 'oidc-provider';

const options = JSON.parse(process.argv[2] || '{}');
const accounts = options.accounts || [];

function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function loginPage(uid, clientId, error) {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>Test IdP sign-in</title></head>
<body><h1>Test IdP</h1><p>Signing in to ${escapeHtml(clientId)}</p>
${error ? `<p role="alert">${escapeHtml(error)}</p>` : ''}
<form method="post" action="/interaction/${escapeHtml(uid)}/login">
<label for="email">IdP email</label><input id="email" name="email" type="email" autocomplete="off">
<label for="password">IdP password</label><input id="password" name="password" type="password">
<button type="submit">Sign in to the IdP</button></form></body></html>`;
}

async function readForm(req) {
  let body = '';
  for await (const chunk of req) body += chunk;
  return new URLSearchParams(body);
}

function findAccount(_ctx, sub) {
  const account = accounts.find((a) => a.sub === sub);
  if (!account) return undefined;
  return {
    accountId: sub,
    async claims() {
      return { sub, email: account.email, email_verified: account.emailVerified ?? true, name: account.name || '' };
    },
  };
}

// Consent is implicit for this test provider: every client gets the scopes it asked for.
async function loadExistingGrant(ctx) {
  const existing = ctx.oidc.result?.consent?.grantId || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
  if (existing) return ctx.oidc.provider.Grant.find(existing);
  const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
  grant.addOIDCScope(ctx.oidc.requestParamScopes ? [...ctx.oidc.requestParamScopes].join(' ') : 'openid');
  grant.addOIDCClaims(['sub', 'email', 'email_verified', 'name']);
  await grant.save();
  return grant;
}

const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const signingKey = { ...privateKey.export({ format: 'jwk' }), kid: 'test-rs256', alg: 'RS256', use: 'sig' };

let provider;

async function interaction(req, res) {
  const details = await provider.interactionDetails(req, res);
  if (req.method === 'GET') {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(loginPage(details.uid, details.params.client_id));
    return;
  }
  const form = await readForm(req);
  const account = accounts.find((a) => a.email === form.get('email') && a.password === form.get('password'));
  if (!account) {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(loginPage(details.uid, details.params.client_id, 'Wrong email or password.'));
    return;
  }
  await provider.interactionFinished(req, res, { login: { accountId: account.sub } }, { mergeWithLastSubmission: false });
}

const server = http.createServer((req, res) => {
  if (req.url.startsWith('/interaction/')) {
    interaction(req, res).catch((err) => {
      res.writeHead(400, { 'content-type': 'text/plain' });
      res.end(String(err));
    });
    return;
  }
  provider.callback()(req, res);
});

server.listen(options.port || 0, '127.0.0.1', () => {
  const { port } = server.address();
  const issuer = `http://127.0.0.1:${port}`;
  provider = new Provider(issuer, {
    jwks: { keys: [signingKey] },
    findAccount,
    loadExistingGrant,
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
    cookies: { keys: ['lakesail-test-cookie-key'] },
    pkce: { required: () => true },
    features: {
      devInteractions: { enabled: false },
      registration: {
        enabled: options.registration !== false,
        initialAccessToken: options.initialAccessToken || true,
      },
      backchannelLogout: { enabled: true },
    },
    interactions: { url: (_ctx, i) => `/interaction/${i.uid}` },
    clientDefaults: { id_token_signed_response_alg: 'RS256', token_endpoint_auth_method: 'client_secret_basic' },
  });
  process.stdout.write(`${JSON.stringify({ issuer, port })}\n`);
});

process.on('SIGTERM', () => server.close(() => process.exit(0)));
