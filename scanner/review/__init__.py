"""Stage: review. Input: the store (adverts, scans, archived pages). Output: analysts'
verdicts, an append-only audit log, links between adverts, exports and referral bundles,
and the web app that shows it all (`scanner.review.app.create_app`).

Importing this package registers the retention rule "an advert with a verdict is never
purged" with the store. The web app (Starlette) is imported only from `app`.
"""
from __future__ import annotations

from ..store import keep_if

keep_if("EXISTS (SELECT 1 FROM verdicts v WHERE v.advert_id = a.id)")
