"""Read a credential_process document (`creds export --format process`) on stdin and
print the access key id and the SHA-256 fingerprint of the secret and token, as
botocore_creds.py and js_creds.mjs do, so that no secret is ever printed."""
import json
import sys

from botocore_creds import fingerprint

doc = json.load(sys.stdin)
if doc.get("Version") != 1:
    sys.exit("not a Version 1 credential_process document")
print(fingerprint(doc["AccessKeyId"], doc["SecretAccessKey"], doc.get("SessionToken")))
