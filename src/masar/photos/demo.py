"""Demo portraits: every demo pilgrim gets one of the portraits in `data/demo/` (made by
tools/photos_demo_portraits.py from scikit-image's public-domain `astronaut`), checked
like any upload, and the demo season requires a compliant photo from then on."""

from __future__ import annotations

import hashlib
import random
from pathlib import Path
from typing import Any

from django.db import transaction

from masar.accounts.models import User
from masar.applications.models import Pilgrim
from masar.photos.checks import CheckOutcome, portrait_check
from masar.photos.models import Portrait
from masar.photos.services import photo_thresholds, portrait_save_checked
from masar.seasons.models import Season
from masar.seasons.services import season_rules_update

DEMO_DIR = Path(__file__).resolve().parent / "data" / "demo"


def demo_portraits() -> list[tuple[str, bytes]]:
    """The demo portraits (name, JPEG bytes), in a stable order."""
    return [(path.name, path.read_bytes()) for path in sorted(DEMO_DIR.glob("portrait-*.jpg"))]


def demo_seed_step(*, rng: random.Random, season: Season, stdout: Any = None) -> list[str]:
    """A checked portrait for each demo pilgrim; the season's photo rule switched on."""
    t = photo_thresholds()
    checked: list[tuple[str, bytes, CheckOutcome]] = []
    for name, data in demo_portraits():
        outcome = portrait_check(data, t)
        checked.append((name, data, outcome))
    pilgrims = Pilgrim.objects.filter(applications__season=season).distinct().order_by("pk")
    done = set(Portrait.objects.values_list("pilgrim_id", flat=True))
    stored = 0
    for pilgrim in pilgrims:
        if pilgrim.pk in done:
            continue
        name, data, outcome = checked[rng.randrange(len(checked))]
        with transaction.atomic():
            portrait_save_checked(
                actor=None,
                pilgrim=pilgrim,
                outcome=outcome,
                original_name=name,
                digest=hashlib.sha256(data).hexdigest(),
                via="demo",
            )
        stored += 1
    officer = User.objects.filter(username="hajj.licensing").first()
    season_rules_update(actor=officer, season=season, changes={"photo_required": True})
    compliant = sum(1 for _, _, outcome in checked if outcome.compliant)
    return [
        f"photos: {stored} demo portraits ({compliant} of {len(checked)} source portraits "
        "pass every check); the season requires a compliant photo"
    ]
