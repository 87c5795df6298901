"""Forward a hoop session event to Splunk's HTTP Event Collector.

Copy this file (and _forward.py) into the runbooks repository as
hoop-hooks/session-open.runbook.py and/or hoop-hooks/session-close.runbook.py.
hook-executor settings: HOOK_ENV_SPLUNK_HEC_URL=https://splunk.example.com:8088/services/collector/event
                        HOOK_ENV_SPLUNK_HEC_TOKEN=<HEC token>   (optional: HOOK_ENV_SPLUNK_INDEX)
"""
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _forward import event_name, load_payload, post_json, require_env  # noqa: E402

payload = load_payload()
body = {
    "time": round(time.time(), 3),
    "host": "hookline",
    "source": "hoop-gateway",
    "sourcetype": "hoop:session",
    "event": {"hoop_event": event_name(payload), **payload},
}
index = os.environ.get("SPLUNK_INDEX")
if index:
    body["index"] = index
post_json(require_env("SPLUNK_HEC_URL"), body, {"Authorization": f"Splunk {require_env('SPLUNK_HEC_TOKEN')}"})
