"""The stages of the rehearsal's day (benchmarks/season_day.py), each driven through the API
by as many client threads as the day has actors. `day` is the running `season_day.Day`."""

from __future__ import annotations

import datetime as dt
import random
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from _season_world import GATE_PORTS

FINISHED = {"completed", "failed", "cancelled"}


def _parallel(func: Any, items: list[Any], threads: int) -> list[Any]:
    with ThreadPoolExecutor(max_workers=max(1, threads)) as pool:
        return list(pool.map(func, items))


def _pages(api: Any, path: str, name: str) -> list[dict]:
    """Every row of a keyset-paginated list."""
    rows: list[dict] = []
    url: str | None = path
    while url:
        page = api.call("GET", url, name=name)
        rows.extend(page["results"])
        nxt = page.get("next")
        url = nxt[nxt.index("/api/") :] if nxt else None
    return rows


def imports(day: Any, world: dict[str, Any]) -> dict[str, int]:
    """60 agents at once: upload each group's manifest, poll the job, submit the group."""
    kill_at = day.rng.uniform(0.2, 0.6)
    uploads = len(world["manifests"])
    done = {"n": 0}
    lock = threading.Lock()
    by_agent: dict[int, list[dict]] = {}
    for manifest in world["manifests"]:
        by_agent.setdefault(manifest["agent"], []).append(manifest)

    def agent(index: int) -> dict[str, int]:
        api = day.api(world["agents"][index]["token"])
        counts = {"accepted": 0, "rejected": 0, "submitted": 0}
        for manifest in by_agent.get(index, []):
            content = Path(manifest["path"]).read_bytes()
            job = api.call(
                "POST",
                f"/api/v1/groups/{manifest['group_id']}/manifests/",
                name="manifest_upload",
                files=(f"group.{manifest['format']}", content),
                expect=(202,),
            )
            deadline = time.monotonic() + 1800
            while job["status"] not in FINISHED:
                if index == 0:
                    day.progress()
                if time.monotonic() > deadline:
                    raise RuntimeError(f"import {job['id']} stuck in {job['status']}")
                time.sleep(1)
                job = api.call("GET", f"/api/v1/jobs/{job['id']}/", name="manifest_job_poll")
            if job["status"] != "completed":
                raise RuntimeError(f"import {job['id']} ended {job['status']}: {job['error']}")
            counts["accepted"] += job["accepted_rows"]
            counts["rejected"] += job["rejected_rows"]
            result = api.call(
                "POST", f"/api/v1/groups/{manifest['group_id']}/submit/", name="group_submit",
                body={},
            )  # fmt: skip
            counts["submitted"] += len(result["done"])
            with lock:
                done["n"] += 1
                if done["n"] == max(1, int(uploads * kill_at)) and "imports" not in day.killed:
                    day.killed.add("imports")
                    threading.Thread(target=day.kill_worker, args=("imports",)).start()
        return counts

    results = _parallel(agent, list(range(len(world["agents"]))), len(world["agents"]))
    return {k: sum(r[k] for r in results) for k in ("accepted", "rejected", "submitted")}


def approval(day: Any, world: dict[str, Any]) -> int:
    """Each company approves its submitted applications, 5,000 a call."""

    def company(index: int) -> int:
        api = day.api(world["companies"][index]["token"])
        rows = _pages(api, "/api/v1/applications/?status=submitted&page_size=500",
                      "application_list")  # fmt: skip
        ids = [r["id"] for r in rows]
        approved = 0
        for start in range(0, len(ids), 5000):
            result = api.call("POST", "/api/v1/applications/bulk-approve/",
                              name="bulk_approve", body={"application_ids": ids[start : start + 5000]})  # fmt: skip
            approved += len(result["done"])
        return approved

    return sum(_parallel(company, list(range(len(world["companies"]))), len(world["companies"])))


def screening(day: Any, world: dict[str, Any]) -> dict[str, int]:
    """The workers screen and issue; the analyst decides referrals (alternately a true match
    and a false positive); the visa officer approves what waits for a decision. A worker is
    killed once the first visas exist."""
    analyst = day.api(world["officers"]["analyst"])
    officer = day.api(world["officers"]["visa_officer"])
    decided = {"true_match": 0, "false_positive": 0, "approved": 0}

    def waiting() -> int:
        return day.scalar(
            "SELECT count(*) FROM applications_application "
            "WHERE status IN ('screening', 'referred', 'decision')"
        )

    while True:
        day.progress()
        if "issuance" not in day.killed and day.scalar("SELECT count(*) FROM visas_visa") > 0:
            if day.rng.random() < 0.5:
                day.killed.add("issuance")
                day.kill_worker("screening and issuance")
        reviews = analyst.call("GET", "/api/v1/screening/reviews/?page_size=100",
                               name="review_queue")["results"]  # fmt: skip
        for review in reviews:
            if (decided["true_match"] + decided["false_positive"]) % 2 == 0:
                body = {"decision": "true_match", "reason_code": "watchlist_match"}
                decided["true_match"] += 1
            else:
                body = {"decision": "false_positive", "reason": "Different person: rehearsal."}
                decided["false_positive"] += 1
            analyst.call("POST", f"/api/v1/screening/reviews/{review['id']}/decide/",
                         name="review_decide", body=body)  # fmt: skip
        queue = officer.call("GET", "/api/v1/visas/decisions/?page_size=500",
                             name="decision_queue")["results"]  # fmt: skip
        if queue:
            result = officer.call("POST", "/api/v1/visas/decisions/bulk/", name="bulk_decide",
                                  body={"application_ids": [a["id"] for a in queue],
                                        "decision": "approve"})  # fmt: skip
            decided["approved"] += len(result["decided"])
        if not reviews and not queue:
            if waiting() == 0:
                return decided
            time.sleep(1)


def issuance(day: Any, world: dict[str, Any]) -> int:
    if "issuance" not in day.killed:
        day.killed.add("issuance")
        day.kill_worker("issuance")
    day.wait_until(
        lambda: (
            day.scalar("SELECT count(*) FROM applications_application WHERE status = 'approved'")
            == 0
        ),
        "every approved application issued",
    )
    return day.scalar("SELECT count(*) FROM visas_visa")


def visas(day: Any, world: dict[str, Any]) -> dict[str, Any]:
    """Each agent lists its visas; 1 % of seals (at least 20) fetched and verified offline."""
    from masar.visas.seal import seal_verify
    from masar.visas.seal.verify import TrustStore

    public = day.api("")
    keys = public.call("GET", "/api/v1/keys/", name="keys")
    pems = b"".join(c["pem"].encode() for c in keys["certificates"])
    trust = TrustStore.from_pem(pems)

    def agent(index: int) -> list[dict]:
        api = day.api(world["agents"][index]["token"])
        return _pages(api, "/api/v1/visas/?page_size=500", "visa_list")

    lists = _parallel(agent, list(range(len(world["agents"]))), 12)
    all_visas = [(i, v) for i, rows in enumerate(lists) for v in rows]
    sample = random.Random(day.args.seed).sample(
        all_visas, min(len(all_visas), max(20, len(all_visas) // 100))
    )
    verified = 0
    for index, visa in sample:
        api = day.api(world["agents"][index]["token"])
        seal = api.call("GET", f"/api/v1/visas/{visa['number']}/seal/", name="visa_seal")
        if seal_verify(seal, trust=trust).verdict != "valid":
            raise RuntimeError(f"seal of {visa['number']} does not verify")
        verified += 1
    return {"listed": len(all_visas), "verified": verified,
            "numbers": [v["number"] for _, v in all_visas]}  # fmt: skip


def crossings_plan(numbers: list[str], seed: int) -> dict[str, list[list[dict]]]:
    """Entries for 2/3 of the visas over three ports, exits for a third of those entered
    through the two ports online; batches of 200 per port.

    The gates' times lie in the past, within the Kingdom's day on which the last visa was
    issued (a visa is valid from the day of its issue, Riyadh time): entries in the first
    half of the time since then (at most 4 hours), each exit a quarter of it later. A day
    that runs past midnight in Riyadh would otherwise send entries dated before the visas
    they present, and the border rightly refuses those."""
    rng = random.Random(seed + 2)
    numbers = sorted(numbers)
    rng.shuffle(numbers)
    entering = numbers[: len(numbers) * 2 // 3]
    now = dt.datetime.now(dt.UTC)
    riyadh = dt.timezone(dt.timedelta(hours=3))
    midnight = now.astimezone(riyadh).replace(hour=0, minute=0, second=0, microsecond=0)
    base = max(now - dt.timedelta(hours=8), midnight.astimezone(dt.UTC))
    span = (now - base).total_seconds()
    per_port: dict[str, list[dict]] = {p: [] for p in GATE_PORTS}
    exits: dict[str, list[dict]] = {p: [] for p in GATE_PORTS}
    for i, number in enumerate(entering):
        port = GATE_PORTS[i % 3]
        at = base + dt.timedelta(seconds=rng.uniform(0, span / 2))
        per_port[port].append(
            {"client_event_id": f"in-{number}", "port_code": port, "direction": "entry",
             "occurred_at": at.isoformat(), "visa_number": number, "source": "gate"}
        )  # fmt: skip
        if port != GATE_PORTS[2] and i % 3 == 0:
            exits[port].append(
                {"client_event_id": f"out-{number}", "port_code": port, "direction": "exit",
                 "occurred_at": (at + dt.timedelta(seconds=span / 4)).isoformat(),
                 "visa_number": number, "source": "gate"}
            )  # fmt: skip
    plan = {}
    for port in GATE_PORTS:
        events = sorted(per_port[port], key=lambda e: e["occurred_at"])
        batches = [events[i : i + 200] for i in range(0, len(events), 200)]
        if port == GATE_PORTS[2]:
            rng.shuffle(batches)  # offline for an hour: synced late, out of order
        plan[port] = batches
        plan[f"{port}-exits"] = [exits[port][i : i + 200] for i in range(0, len(exits[port]), 200)]
    return plan


def crossings(day: Any, world: dict[str, Any], plan: dict[str, list[list[dict]]]) -> dict[str, int]:
    """The two ports online post entries, then exits; the third posts its entries after them
    (late, shuffled). The database is restarted at a random batch."""
    total = sum(len(b) for batches in plan.values() for b in batches)
    restart_after = day.rng.randrange(max(1, total // 4), max(2, total * 3 // 4))
    sent = {"n": 0, "accepted": 0}
    lock = threading.Lock()

    def post(port: str, key: str) -> None:
        api = day.api(world["gates"][port])
        for batch in plan[key]:
            answer = api.call("POST", "/api/v1/crossings/", name="crossings_batch",
                              body={"events": batch})  # fmt: skip
            with lock:
                sent["n"] += len(batch)
                sent["accepted"] += sum(1 for r in answer["results"] if r["outcome"] == "accepted")
                restart = sent["n"] >= restart_after and "database" not in day.killed
                if restart:
                    day.killed.add("database")
            if restart:
                day.restart_database()

    online = GATE_PORTS[:2]
    _parallel(lambda p: post(p, p), list(online), 2)
    _parallel(lambda p: post(p, f"{p}-exits"), list(online), 2)
    post(GATE_PORTS[2], GATE_PORTS[2])
    return {"events": total, "accepted": sent["accepted"]}


def sweep(day: Any, world: dict[str, Any]) -> None:
    for command in (["overstay", "sweep"], ["report", "refresh"]):
        done = day.command(*command)
        if done.returncode != 0:
            raise RuntimeError(f"masar {' '.join(command)}: {done.stderr[-500:]}")


def drain(day: Any, world: dict[str, Any]) -> int:
    """Until every event is relayed and every delivery has reached the receiver."""
    day.wait_until(
        lambda: (
            day.scalar("SELECT count(*) FROM integration_outboxevent WHERE sequence IS NULL") == 0
            and day.scalar(
                "SELECT count(*) FROM integration_webhookdelivery WHERE status <> 'delivered'"
            )
            == 0
        ),
        "every webhook delivered",
        timeout=1800,
    )
    return day.scalar("SELECT count(*) FROM integration_webhookdelivery")
