"""Shared by the SIEM recipes: read the hook payload, POST JSON to a SIEM, exit non-zero on failure.

Only the Python standard library is used, so a recipe runs on any python3 with nothing installed.
A hook's exit code and output are recorded by hookline (hookline.hook-executions.v1), so a failed
forward shows up as outcome=failure in the audit timeline and the hook dashboards.
"""
import json
import os
import sys
import urllib.error
import urllib.parse
import urllib.request


def load_payload():
    """The whole payload from HOOP_RUNBOOK_HOOK_PAYLOAD_FILE when present, else the (possibly cut) variable."""
    path = os.environ.get("HOOP_RUNBOOK_HOOK_PAYLOAD_FILE")
    if path:
        with open(path, "r", encoding="utf-8") as handle:
            return json.load(handle)
    return json.loads(os.environ["HOOP_RUNBOOK_HOOK_PAYLOAD"])


def event_name(payload):
    if payload.get("event_session_open") is not None:
        return "session.open"
    if payload.get("event_session_close") is not None:
        return "session.close"
    return "unknown"


def require_env(name):
    value = os.environ.get(name)
    if not value:
        # hookline passes HOOK_ENV_<NAME> to the hook as <NAME>.
        sys.stderr.write(f"{name} is not set: configure HOOK_ENV_{name} on the hook-executor\n")
        sys.exit(2)
    return value


def post_json(url, body, headers, timeout=10):
    data = json.dumps(body).encode("utf-8")
    request = urllib.request.Request(url, data=data, method="POST", headers={"Content-Type": "application/json", **headers})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            print(f"forwarded to {urllib.parse.urlsplit(url).netloc}: HTTP {response.status}")
    except urllib.error.HTTPError as error:
        # The SIEM's answer helps the runbook author; the token is never printed.
        detail = error.read(2048).decode("utf-8", "replace")
        sys.stderr.write(f"SIEM answered HTTP {error.code}: {detail}\n")
        sys.exit(1)
    except (urllib.error.URLError, TimeoutError) as error:
        sys.stderr.write(f"SIEM unreachable: {getattr(error, 'reason', error)}\n")
        sys.exit(1)
