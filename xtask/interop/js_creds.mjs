// Resolve credentials with the AWS SDK for JavaScript v3, as a real client would, and
// print what is safe to compare: `OK <access key id> <SHA-256 of the secret and
// token>`, or `ERR <why>`.
//
// usage: node js_creds.mjs [PROFILE | --imds | --chain]
//   (no profile: fromEnv, the environment provider; --imds: fromInstanceMetadata;
//   --chain: fromNodeProviderChain, the default chain of a Node.js client, which
//   reaches container credentials through AWS_CONTAINER_CREDENTIALS_FULL_URI)
import { createHash } from "node:crypto";
import {
  fromEnv,
  fromIni,
  fromInstanceMetadata,
  fromNodeProviderChain,
} from "@aws-sdk/credential-providers";

const profile = process.argv[2];
try {
  const provider =
    profile === "--imds"
      ? fromInstanceMetadata()
      : profile === "--chain"
        ? fromNodeProviderChain()
        : profile
          ? fromIni({ profile })
          : fromEnv();
  const creds = await provider();
  const digest = createHash("sha256")
    .update(`${creds.secretAccessKey}\0${creds.sessionToken ?? ""}`)
    .digest("hex");
  console.log(`OK ${creds.accessKeyId} ${digest}`);
} catch (error) {
  // The error's name says why; its message may quote configuration.
  console.log(`ERR ${error && error.name}`);
  process.exitCode = 1;
}
