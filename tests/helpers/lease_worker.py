"""A console of a fund in its own process, for tests that kill or freeze the lease holder.

Run as ``python -m tests.helpers.lease_worker URL FUND DB HOLDER [HEARTBEAT]``. It prints
``holding <epoch>`` once it holds the lease and decides, then runs until killed. Every command
it is given is applied.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from core.replication.arbiter import Decision, FundMember
from core.replication.state import ReplicaState


async def main(url: str, fund: str, db: Path, holder: str, heartbeat: int) -> None:
    state = ReplicaState(db, fund)
    member = FundMember(
        url, fund, state, lambda _c: Decision(True), holder=holder, heartbeat=heartbeat
    )
    await member.start()
    await member.holding.wait()
    print(f"holding {member.epoch}", flush=True)
    await asyncio.Event().wait()


if __name__ == "__main__":
    url, fund, db, holder = sys.argv[1:5]
    beat = int(sys.argv[5]) if len(sys.argv) > 5 else 2
    asyncio.run(main(url, fund, Path(db), holder, beat))
