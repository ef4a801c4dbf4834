// A real OpenID provider (the OpenID Certified `oidc-provider` package) for
// tests/oidc_provider.rs. Installed by scripts/install-test-deps (`npm ci` here).
//
//   node provider.mjs --port 4000 --state DIR --keys k2,k1 --resource https://api.test/
//
// Serves discovery, a JWKS and a token endpoint on 127.0.0.1:PORT (the issuer is
// http://127.0.0.1:PORT). One confidential client, `warden-test`, may use the client
// credentials grant with the resource indicator RESOURCE and the scope `orders:read`;
// its access tokens are RS256 JWTs whose `aud` is RESOURCE and whose `roles` claim is
// ["reader"]. Signing keys are RSA keys named by --keys: each is read from DIR/<kid>.json,
// or generated there on first use, so a restart with `--keys k2,k1` rotates the signing
// key to k2 while k1 stays published. The first key signs. A generated key is also
// written as DIR/<kid>.pem (PKCS#8), so that a test can sign forgeries with it.
//
// GET /__requests answers {"count": N}: how many requests this process has received,
// itself not included (a test counts what the warden sent, e.g. none for an unknown
// issuer); GET /__requests?path=/token/introspection counts those of one path.
//
// Token introspection (RFC 7662, /token/introspection) and revocation (RFC 7009,
// /token/revocation) are on. The resource indicator RESOURCE + "opaque" gets OPAQUE access
// tokens with the same audience, scope and `roles`, and `sub` = the client id; the
// confidential client `warden-api` (secret API_SECRET below) is the API that introspects
// them with client_secret_basic.
//
// With --logout-uri URL, OpenID Connect Back-Channel Logout is on and a second client,
// `warden-web` (authorization code, session required), has URL as its
// backchannel_logout_uri. POST /__logout?sub=S&sid=I makes the provider send that client
// the logout token of session I of S, as it does when the session ends (the provider's
// own Client#backchannelLogout); it answers {"delivered": true} when the client answered
// 200, else 502 with the provider's error.

import { generateKeyPairSync } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

import Provider, { errors } from 'oidc-provider';

const { values } = parseArgs({
  options: {
    port: { type: 'string' },
    state: { type: 'string' },
    keys: { type: 'string' },
    resource: { type: 'string' },
    'logout-uri': { type: 'string' },
  },
});
for (const name of ['port', 'state', 'keys', 'resource']) {
  if (!values[name]) {
    console.error(`provider.mjs: --${name} is required`);
    process.exit(2);
  }
}

const CLIENT_ID = 'warden-test';
const CLIENT_SECRET = 'warden-test-secret-for-loopback-tests-only';
const SCOPE = 'orders:read';
const API_ID = 'warden-api';
const API_SECRET = 'warden-api-secret-for-loopback-tests-only';

function signingKey(kid) {
  const file = join(values.state, `${kid}.json`);
  if (existsSync(file)) {
    return JSON.parse(readFileSync(file, 'utf8'));
  }
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = { ...privateKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' };
  writeFileSync(file, JSON.stringify(jwk), { mode: 0o600 });
  writeFileSync(join(values.state, `${kid}.pem`), privateKey.export({ format: 'pem', type: 'pkcs8' }), {
    mode: 0o600,
  });
  return jwk;
}

const LOGOUT_CLIENT_ID = 'warden-web';
const logoutUri = values['logout-uri'];
const logoutClients = logoutUri
  ? [
      {
        client_id: LOGOUT_CLIENT_ID,
        client_secret: `${CLIENT_SECRET}-web`,
        grant_types: ['authorization_code'],
        response_types: ['code'],
        redirect_uris: ['http://127.0.0.1/callback'],
        backchannel_logout_uri: logoutUri,
        backchannel_logout_session_required: true,
      },
    ]
  : [];

const issuer = `http://127.0.0.1:${values.port}`;
const provider = new Provider(issuer, {
  clients: [
    {
      client_id: CLIENT_ID,
      client_secret: CLIENT_SECRET,
      grant_types: ['client_credentials'],
      redirect_uris: [],
      response_types: [],
      scope: SCOPE,
    },
    ...logoutClients,
    { client_id: API_ID, client_secret: API_SECRET, grant_types: [], redirect_uris: [], response_types: [] },
  ],
  jwks: { keys: values.keys.split(',').map(signingKey) },
  scopes: [SCOPE],
  features: {
    devInteractions: { enabled: false },
    backchannelLogout: { enabled: Boolean(logoutUri) },
    clientCredentials: { enabled: true },
    introspection: { enabled: true, allowedPolicy: async (_ctx, client) => client.clientId === API_ID },
    revocation: { enabled: true, allowedPolicy: async (_ctx, client, token) => client.clientId === token.clientId },
    resourceIndicators: {
      enabled: true,
      defaultResource: () => undefined,
      useGrantedResource: () => false,
      getResourceServerInfo: (_ctx, resourceIndicator) => {
        const opaque = resourceIndicator === `${values.resource}opaque`;
        if (resourceIndicator !== values.resource && !opaque) {
          throw new errors.InvalidTarget();
        }
        return {
          scope: SCOPE,
          audience: values.resource,
          accessTokenTTL: 600,
          accessTokenFormat: opaque ? 'opaque' : 'jwt',
          jwt: { sign: { alg: 'RS256' } },
        };
      },
    },
  },
  extraTokenClaims: async (_ctx, token) => ({
    roles: ['reader'],
    ...(token.resourceServer?.accessTokenFormat === 'opaque' ? { sub: token.clientId } : {}),
  }),
  // The provider refuses to call loopback addresses (its SSRF protection); the client
  // it calls here, the test's app, is on loopback by design.
  fetch: (url, options) => {
    const { dispatcher: _ssrfProtection, ...rest } = options;
    return globalThis.fetch(url, rest);
  },
});

// Every request is counted before the provider sees it, whatever its path.
let requests = 0;
const perPath = new Map();
provider.use(async (ctx, next) => {
  if (ctx.path === '/__requests') {
    ctx.body = { count: ctx.query.path ? (perPath.get(ctx.query.path) ?? 0) : requests };
    return;
  }
  requests += 1;
  perPath.set(ctx.path, (perPath.get(ctx.path) ?? 0) + 1);
  if (logoutUri && ctx.method === 'POST' && ctx.path === '/__logout') {
    const client = await provider.Client.find(LOGOUT_CLIENT_ID);
    try {
      await client.backchannelLogout(ctx.query.sub, ctx.query.sid);
      ctx.body = { delivered: true };
    } catch (error) {
      ctx.status = 502;
      ctx.body = { delivered: false, error: `${error.message}: ${error.cause ?? ''}` };
    }
    return;
  }
  await next();
});

const server = provider.listen(Number(values.port), '127.0.0.1', () => {
  // The test waits for this line before it sends anything.
  console.log(`listening on ${issuer}`);
});
const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
// Never outlive the test that started us: it holds our stdin open.
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
