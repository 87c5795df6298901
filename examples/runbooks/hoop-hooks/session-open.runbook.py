"""Runs on every session.open: forwards who opened what to the SIEM."""
import sys

from siem_forward import forward

sys.exit(forward("session.open"))
