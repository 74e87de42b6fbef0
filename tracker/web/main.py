"""The app `tracker serve` runs (uvicorn imports it by name in each worker process), set up
from the environment: TRACKER_DATABASE_URL, TRACKER_SECRET_KEY, TRACKER_NOW (a fixed clock,
for tests and demonstrations)."""

from __future__ import annotations

import logging
import os

from tracker.config import Settings
from tracker.tokens import Keys
from tracker.web.app import create_app

# Each worker process logs its requests (`tracker.web`); uvicorn's own access log, which would
# print report-link tokens, is off.
logging.basicConfig(level=logging.INFO, format="%(asctime)s %(process)d %(name)s %(message)s")
_keys = Keys.from_env()
if _keys is None:  # `tracker serve` checks it first; this is for a direct `uvicorn` run
    raise SystemExit("TRACKER_SECRET_KEY is not set")
_settings = Settings.load()
app = create_app(
    database_url=_settings.database_url,
    keys=_keys,
    clock=_settings.now,
    secure_cookies=os.environ.get("TRACKER_SECURE_COOKIES") == "1",
)
