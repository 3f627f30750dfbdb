"""Row locks of the border app (`select_for_update`), in one place."""

from __future__ import annotations

from masar.border.models import Overstay


def overstay_lock(overstay_id: int) -> Overstay:
    return (
        Overstay.objects.select_for_update(of=("self",))
        .select_related("application", "company", "agent", "season")
        .get(pk=overstay_id)
    )
