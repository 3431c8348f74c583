// A real OpenID Connect provider (the certified `oidc-provider` package) for the tests, on 127.0.0.1.
//
// node tests/directory/oidc_provider.mjs '<json>' with {port, client_id, client_secret, redirect_uris, accounts}
// where accounts maps a login name to {password, claims}. Prints "ready <issuer>" once it listens.
// POST /_test/rotate swaps in a new signing key (the old one leaves the JWKS), as a provider's rotation does.
import http from 'node:http';
import crypto from 'node:crypto';
import Provider from 'oidc-provider';

const settings = JSON.parse(process.argv[2]);
const issuer = `http://127.0.0.1:${settings.port}`;

function esc(text) {
  return String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function signingKey() {
  const { privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { ...privateKey.export({ format: 'jwk' }), kid: crypto.randomUUID(), use: 'sig', alg: 'RS256' };
}

function build() {
  return new Provider(issuer, {
    clients: [{
      client_id: settings.client_id,
      client_secret: settings.client_secret,
      redirect_uris: settings.redirect_uris,
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
    }],
    jwks: { keys: [signingKey()] },
    cookies: { keys: [crypto.randomBytes(16).toString('hex')] },
    pkce: { required: () => true },
    conformIdTokenClaims: false, // the mapped claims ride in the id_token, as Entra ID's do
    claims: {
      openid: ['sub', 'oid', 'tid', 'groups'],
      profile: ['name', 'preferred_username', 'department'],
      email: ['email', 'email_verified'],
    },
    features: { devInteractions: { enabled: false } },
    interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
    async findAccount(ctx, id) {
      const account = settings.accounts[id];
      if (!account) return undefined;
      return { accountId: id, async claims() { return { sub: id, ...account.claims }; } };
    },
  });
}

let provider = build();

function page(res, uid, error) {
  const body = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Test provider sign-in</title></head>
<body><main><h1>Sign in to the test provider</h1>${error ? `<p role="alert">${esc(error)}</p>` : ''}
<form method="post" action="/interaction/${esc(uid)}/login">
<label for="login">Login</label> <input id="login" name="login" autocomplete="username">
<label for="password">Password</label> <input id="password" name="password" type="password">
<button type="submit">Sign in</button></form></main></body></html>`;
  res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
  res.end(body);
}

async function form(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return new URLSearchParams(Buffer.concat(chunks).toString());
}

async function interaction(req, res, url) {
  const details = await provider.interactionDetails(req, res);
  if (req.method === 'GET') return page(res, details.uid);
  const fields = await form(req);
  const login = fields.get('login') || '';
  const account = settings.accounts[login];
  if (!account || account.password !== fields.get('password')) return page(res, details.uid, 'Wrong login or password.');
  const grant = new provider.Grant({ accountId: login, clientId: details.params.client_id });
  grant.addOIDCScope(details.params.scope);
  const grantId = await grant.save();
  return provider.interactionFinished(req, res, { login: { accountId: login }, consent: { grantId } },
    { mergeWithLastSubmission: false });
}

const server = http.createServer(async (req, res) => {
  const url = new URL(req.url, issuer);
  try {
    if (url.pathname.startsWith('/interaction/')) return await interaction(req, res, url);
    if (url.pathname === '/_test/rotate' && req.method === 'POST') {
      provider = build();
      res.writeHead(200, { 'Content-Type': 'application/json' });
      return res.end(JSON.stringify({ rotated: true }));
    }
    return provider.callback()(req, res);
  } catch (error) {
    res.writeHead(500, { 'Content-Type': 'text/plain' });
    return res.end(String(error));
  }
});

server.listen(settings.port, '127.0.0.1', () => { console.log(`ready ${issuer}`); });
process.on('SIGTERM', () => server.close(() => process.exit(0)));
