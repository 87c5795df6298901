"""Index a hoop session event into Elasticsearch (or Elastic Cloud).

Copy this file (and _forward.py) into the runbooks repository as a hoop-hooks/*.runbook.py hook.
hook-executor settings: HOOK_ENV_ELASTIC_URL=https://es.example.com:9200
                        HOOK_ENV_ELASTIC_API_KEY=<base64 API key>  (optional: HOOK_ENV_ELASTIC_INDEX, default hoop-sessions)
The document id is the event id, so a hook that runs twice for one event (at-least-once) overwrites
instead of duplicating.
"""
import datetime
import os
import sys
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _forward import event_name, load_payload, post_json, require_env  # noqa: E402

payload = load_payload()
index = os.environ.get("ELASTIC_INDEX") or "hoop-sessions"
document = {
    "@timestamp": datetime.datetime.now(datetime.timezone.utc).isoformat(),
    "event": {"kind": "event", "category": ["session"], "action": event_name(payload), "id": payload["id"]},
    "hoop": payload,
}
url = f"{require_env('ELASTIC_URL').rstrip('/')}/{urllib.parse.quote(index, safe='')}/_doc/{urllib.parse.quote(payload['id'], safe='')}"
post_json(url, document, {"Authorization": f"ApiKey {require_env('ELASTIC_API_KEY')}"})
