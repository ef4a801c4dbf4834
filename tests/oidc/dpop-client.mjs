// A DPoP client made with `oauth4webapi` (an OAuth 2.0 client library that implements the
// client side of RFC 9449: key pairs, proofs, `ath`, nonce tracking), for
// tests/oidc_provider.rs. Installed by scripts/install-test-deps (`npm ci` here).
//
//   node dpop-client.mjs --issuer URL --client-id ID --client-secret S --resource R \
//        --scope SCOPE --api URL
//
// Gets a DPoP-bound access token from the provider through the client credentials grant
// (the proof made by the library), then calls GET <api>/orders in several ways and prints
// one JSON line per step: {"step": …, "status": …, …}.
//
//   token    the token endpoint's answer: token_type, and the client key's thumbprint
//   dpop      the token with the library's proof (retried once when the API asks for a
//             nonce); `requests` counts the requests it took
//   again     the same, with a fresh proof (the API's cache of verified tokens answers)
//   bearer    the same token as a bearer token, no proof
//   replay    the exact Authorization and DPoP headers of the `again` request, sent again
//   elsewhere those headers sent to GET <api>/me, another URI than the proof names
//   stranger  another key pair's proof with this token

import { parseArgs } from 'node:util';

import * as oauth from 'oauth4webapi';

const { values } = parseArgs({
  options: {
    issuer: { type: 'string' },
    'client-id': { type: 'string' },
    'client-secret': { type: 'string' },
    resource: { type: 'string' },
    scope: { type: 'string' },
    api: { type: 'string' },
  },
});
for (const name of ['issuer', 'client-id', 'client-secret', 'resource', 'scope', 'api']) {
  if (!values[name]) {
    console.error(`dpop-client.mjs: --${name} is required`);
    process.exit(2);
  }
}

const report = (line) => console.log(JSON.stringify(line));

// Every request the library sends, so a test can replay one exactly.
const sent = [];
const capture = (url, init) => {
  sent.push({ url: String(url), headers: new Headers(init.headers) });
  return fetch(url, init);
};

const issuer = new URL(values.issuer);
const insecure = { [oauth.allowInsecureRequests]: true };
const as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, insecure));
const client = { client_id: values['client-id'] };
const clientAuth = oauth.ClientSecretBasic(values['client-secret']);

async function withNonceRetry(request) {
  try {
    return await request();
  } catch (error) {
    if (oauth.isDPoPNonceError(error)) {
      return request();
    }
    throw error;
  }
}

const keyPair = await oauth.generateKeyPair('ES256');
const DPoP = oauth.DPoP(client, keyPair);
const options = { DPoP, ...insecure, [oauth.customFetch]: capture };

const token = await withNonceRetry(async () => {
  const response = await oauth.clientCredentialsGrantRequest(
    as,
    client,
    clientAuth,
    { resource: values.resource, scope: values.scope },
    options,
  );
  return oauth.processClientCredentialsResponse(as, client, response);
});
report({ step: 'token', token_type: token.token_type, jkt: await DPoP.calculateThumbprint() });

const orders = new URL('/orders', values.api);

async function call(step, handle) {
  const before = sent.length;
  try {
    const response = await withNonceRetry(() =>
      oauth.protectedResourceRequest(token.access_token, 'GET', orders, new Headers(), null, {
        ...options,
        DPoP: handle,
      }),
    );
    report({ step, status: response.status, body: await response.text(), requests: sent.length - before });
  } catch (error) {
    const status = error.status ?? error.response?.status;
    report({ step, status, challenge: error.response?.headers.get('www-authenticate') ?? String(error) });
  }
}

async function raw(step, url, headers) {
  const response = await fetch(url, { headers });
  report({ step, status: response.status, challenge: response.headers.get('www-authenticate') });
}

await call('dpop', DPoP);
await call('again', DPoP);
await raw('bearer', orders, { authorization: `Bearer ${token.access_token}` });
const last = sent.filter((request) => request.url === orders.href).at(-1);
const proofHeaders = { authorization: last.headers.get('authorization'), dpop: last.headers.get('dpop') };
await raw('replay', orders, proofHeaders);
await raw('elsewhere', new URL('/me', values.api), proofHeaders);
await call('stranger', oauth.DPoP(client, await oauth.generateKeyPair('ES256')));
