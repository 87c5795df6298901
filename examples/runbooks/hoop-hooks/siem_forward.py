"""Shared by both hooks: send the hook payload to a SIEM's HTTP collector.

Settings come from the operator (HOOK_ENV_SIEM_URL, HOOK_ENV_SIEM_TOKEN on the
hook-executor reach this script as SIEM_URL and SIEM_TOKEN). Standard library only.
"""
import json
import os
import sys
import urllib.error
import urllib.request


def load_payload():
    # The variable may have input/output cut; the file always has the whole payload.
    path = os.environ.get("HOOP_RUNBOOK_HOOK_PAYLOAD_FILE")
    if path:
        with open(path, "r", encoding="utf-8") as handle:
            return json.load(handle)
    return json.loads(os.environ["HOOP_RUNBOOK_HOOK_PAYLOAD"])


def forward(kind):
    url = os.environ.get("SIEM_URL")
    if not url:
        print("SIEM_URL is not set (HOOK_ENV_SIEM_URL on the hook-executor); nothing sent", file=sys.stderr)
        return 1
    payload = load_payload()
    body = json.dumps({"source": "hookline", "kind": kind, "event": payload}).encode("utf-8")
    request = urllib.request.Request(url, data=body, method="POST", headers={"Content-Type": "application/json"})
    token = os.environ.get("SIEM_TOKEN")
    if token:
        request.add_header("Authorization", "Bearer " + token)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            print("sent %s for session %s: HTTP %d" % (kind, payload.get("sid"), response.status))
            return 0
    except urllib.error.HTTPError as error:
        print("SIEM answered HTTP %d" % error.code, file=sys.stderr)
    except (urllib.error.URLError, OSError) as error:
        print("SIEM unreachable: %s" % getattr(error, "reason", error), file=sys.stderr)
    return 1
