"""Runs on every session.close: forwards how the session ended to the SIEM."""
import sys

from siem_forward import forward

sys.exit(forward("session.close"))
