"""Send a hoop session event to Datadog Logs (HTTP intake v2).

Copy this file (and _forward.py) into the runbooks repository as a hoop-hooks/*.runbook.py hook.
hook-executor settings: HOOK_ENV_DD_API_KEY=<API key>
                        HOOK_ENV_DD_LOGS_URL=https://http-intake.logs.datadoghq.com/api/v2/logs (your site's intake)
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _forward import event_name, load_payload, post_json, require_env  # noqa: E402

payload = load_payload()
name = event_name(payload)
logs = [
    {
        "ddsource": "hoop",
        "service": "hoop-gateway",
        "hostname": "hookline",
        "ddtags": f"event:{name},sid:{payload['sid']}",
        "message": json.dumps({"hoop_event": name, **payload}),
    }
]
post_json(require_env("DD_LOGS_URL"), logs, {"DD-API-KEY": require_env("DD_API_KEY")})
