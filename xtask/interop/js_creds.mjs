// Resolve credentials with the default chain of the AWS SDK for JavaScript v3 in
// Node.js (`fromNodeProviderChain`), as a real client would, and print what is safe to
// compare: `OK <access key id> <SHA-256 of the secret and token> <expiration or ->
// <account id or ->`, or `ERR <why>`.
//
// usage: node js_creds.mjs [PROFILE]   (empty or none: no profile named, as a client
//                                       that does not pass one)
import { createHash } from "node:crypto";
import { fromNodeProviderChain } from "@aws-sdk/credential-providers";

const profile = process.argv[2];
try {
  const provider = fromNodeProviderChain(profile ? { profile } : {});
  const creds = await provider();
  const digest = createHash("sha256")
    .update(`${creds.secretAccessKey}\0${creds.sessionToken ?? ""}`)
    .digest("hex");
  // UTC to the second, as every resolver shows it.
  const expiration = creds.expiration
    ? creds.expiration.toISOString().replace(/\.\d+Z$/, "Z")
    : "-";
  console.log(`OK ${creds.accessKeyId} ${digest} ${expiration} ${creds.accountId ?? "-"}`);
} catch (error) {
  // The error's name says why; its message may quote configuration.
  console.log(`ERR ${error && error.name}`);
  process.exitCode = 1;
}
