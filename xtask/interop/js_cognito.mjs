// Resolve the credentials of a Cognito identity with the AWS SDK for JavaScript v3
// (`fromCognitoIdentityPool`, `fromCognitoIdentity`) and print what is safe to
// compare, in the form of creds-cognito's `cognito_pool` example: `OK <access key id>
// <SHA-256 of the secret NUL token> <expiration> - <identity id>`, or `ERR <why>`.
//
// usage: node js_cognito.mjs pool POOL_ID [STORE_FILE]
//        node js_cognito.mjs identity IDENTITY_ID
//
// The region is `AWS_REGION`'s (given as `clientConfig.region`); the endpoint comes
// from `AWS_ENDPOINT_URL_COGNITO_IDENTITY`, which the SDK reads itself. With
// STORE_FILE the pool's identity id is kept in that file, a JSON object of creds-
// cognito's `FileStore` form (`{"<key>": "<identity id>"}`), through the SDK's own
// `cache` option: the SDK chooses the key, so creds and the SDK can share one file.
import { createHash } from "node:crypto";
import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { fromCognitoIdentity, fromCognitoIdentityPool } from "@aws-sdk/credential-providers";

// The SDK's `Storage` (getItem, setItem, removeItem) over a JSON file.
function fileCache(path) {
  const read = () => {
    try {
      const doc = JSON.parse(readFileSync(path, "utf8"));
      return doc && typeof doc === "object" && !Array.isArray(doc) ? doc : {};
    } catch {
      return {};
    }
  };
  const write = (doc) => {
    writeFileSync(`${path}.tmp`, JSON.stringify(doc), { mode: 0o600 });
    renameSync(`${path}.tmp`, path);
  };
  return {
    getItem: (key) => read()[key] ?? null,
    setItem: (key, value) => write({ ...read(), [key]: value }),
    removeItem: (key) => {
      const doc = read();
      delete doc[key];
      write(doc);
    },
  };
}

const [mode, id, store] = process.argv.slice(2);
const clientConfig = { region: process.env.AWS_REGION };
let provider;
if (mode === "pool" && id) {
  provider = fromCognitoIdentityPool({
    identityPoolId: id,
    clientConfig,
    ...(store ? { cache: fileCache(store) } : {}),
  });
} else if (mode === "identity" && id) {
  provider = fromCognitoIdentity({ identityId: id, clientConfig });
} else {
  console.log("usage: node js_cognito.mjs pool POOL_ID [STORE_FILE] | identity IDENTITY_ID");
  process.exit(2);
}
try {
  const creds = await provider();
  if (!creds.sessionToken) {
    console.log("ERR no-session-token");
    process.exitCode = 1;
  } else {
    const digest = createHash("sha256")
      .update(`${creds.secretAccessKey}\0${creds.sessionToken}`)
      .digest("hex");
    // UTC to the second, as every resolver shows it.
    const expiration = creds.expiration
      ? creds.expiration.toISOString().replace(/\.\d+Z$/, "Z")
      : "-";
    console.log(`OK ${creds.accessKeyId} ${digest} ${expiration} - ${creds.identityId ?? "-"}`);
  }
} catch (error) {
  // The error's name says why; its message may quote configuration.
  console.log(`ERR ${error && error.name}`);
  process.exitCode = 1;
}
