"""Read a credential_process document (`creds export --format process`) on stdin and
print the access key id, the SHA-256 fingerprint of the secret and token, the
expiration and the account id, as botocore_creds.py and js_creds.mjs do, so that no secret is ever
printed."""
import json
import sys
from datetime import datetime

from botocore_creds import fingerprint

doc = json.load(sys.stdin)
if doc.get("Version") != 1:
    sys.exit("not a Version 1 credential_process document")
expiration = doc.get("Expiration")
expiry = None if expiration is None else datetime.fromisoformat(expiration.replace("Z", "+00:00"))
print(fingerprint(doc["AccessKeyId"], doc["SecretAccessKey"], doc.get("SessionToken"), expiry, doc.get("AccountId")))
