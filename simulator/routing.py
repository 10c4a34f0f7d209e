"""Queues of waiting work and pools of idle agents, O(log n) per operation.

Waiting items sit in one heap per queue (tier x channel x live/offline),
ordered by (rank, priority, SLA deadline, arrival sequence): rank 0 for a
customer waiting on line (phone, chat) when ``synchronous_first`` is on, else
1. Abandoned items are deleted lazily: they stay in the heap, marked, and are
popped when they reach the top.

Idle agents sit in one heap per queue they serve, ordered by the time they
became free (longest idle first); a chat agent holding fewer chats than its
limit stays in the live-chat pool keyed by (chats held, free since). An entry
carries the agent's availability version; when an agent is taken or leaves,
its version changes and its other entries become stale, skipped on pop.
Dispatch never scans all agents or all waiting items.

Cover (``AgentGroup.cover``: L2 taking L1 chats) is a second rank of
candidates: a queue's cover heaps are the idle heaps of higher-tier pools
that may take its work, tried only when none of its own heaps has an agent.
A covering agent who frees up looks at its cover queues only when its own
are empty (the engine's ``_next_work``), and takes one covered item at a
time, so it is back to its own work as soon as that item is done.
"""

from __future__ import annotations

from heapq import heappop, heappush

WAITING, ASSIGNED, ABANDONED, DONE = 0, 1, 2, 3


class WorkItem:
    """One piece of work on a ticket, for one tier."""

    __slots__ = ("enqueued", "key", "live", "number", "queue", "started", "state", "ticket",
                 "tier", "timer", "work")

    def __init__(self, ticket, number: int, tier: int, queue: int, key: tuple, work: float,
                 live: bool, enqueued: float) -> None:
        self.ticket = ticket
        self.number = number
        self.tier = tier
        self.queue = queue
        self.key = key
        self.work = work
        self.state = WAITING
        self.live = live
        self.enqueued = enqueued


class Queues:
    """One heap of waiting items per queue index."""

    __slots__ = ("heaps",)

    def __init__(self, count: int) -> None:
        self.heaps: list[list] = [[] for _ in range(count)]

    def push(self, item: WorkItem) -> None:
        heappush(self.heaps[item.queue], (item.key, item))

    def head(self, queue: int) -> WorkItem | None:
        heap = self.heaps[queue]
        while heap:
            item = heap[0][1]
            if item.state == WAITING:
                return item
            heappop(heap)
        return None

    def pop(self, queue: int) -> WorkItem:
        return heappop(self.heaps[queue])[1]

    def withdraw(self, item: WorkItem) -> None:
        """Mark an item gone (abandoned); its heap entry is dropped lazily."""
        item.state = ABANDONED

    def best(self, queues: tuple[int, ...]) -> WorkItem | None:
        """The most urgent waiting item across ``queues`` (a handful per agent)."""
        best = None
        for queue in queues:
            item = self.head(queue)
            if item is not None and (best is None or item.key < best.key):
                best = item
        return best


class IdlePools:
    """Available agents, one heap per pool of agents with the same skills.

    An idle agent sits in its pool's heap once, keyed (0, free since); a chat
    agent holding fewer chats than its limit sits in its pool's slot heap,
    keyed (chats held, free since), valid for live chats only. A queue knows
    which heaps can serve it (``candidates``): a handful, whatever the
    number of agents. Entries carry the agent's version; a taken or departed
    agent's entries are stale and skipped when they reach the top.
    """

    __slots__ = ("candidates", "covers", "idle", "slots")

    def __init__(self, pools: int, queues: int) -> None:
        self.idle: list[list] = [[] for _ in range(pools)]
        self.slots: list[list] = [[] for _ in range(pools)]
        self.candidates: list[list[list]] = [[] for _ in range(queues)]
        self.covers: list[list[list]] = [[] for _ in range(queues)]

    def serve(self, queue: int, pool: int, with_slots: bool) -> None:
        """Let ``pool`` serve ``queue`` (idle agents; partly busy chat agents too)."""
        self.candidates[queue].append(self.idle[pool])
        if with_slots:
            self.candidates[queue].append(self.slots[pool])

    def cover(self, queue: int, pool: int) -> None:
        """Let ``pool``'s idle agents take ``queue``'s work when none of its own agents is free."""
        self.covers[queue].append(self.idle[pool])

    def take(self, queue: int):
        """The longest-idle current agent among the heaps serving ``queue``, else among
        its cover heaps, or None."""
        best = _longest_idle(self.candidates[queue])
        if best is None and self.covers[queue]:
            best = _longest_idle(self.covers[queue])
        return heappop(best)[3] if best is not None else None


def _longest_idle(heaps: list[list]) -> list | None:
    """The heap whose current top agent has been idle longest (stale tops dropped)."""
    best = None
    for heap in heaps:
        while heap and heap[0][2] != heap[0][3].version:
            heappop(heap)
        if heap and (best is None or heap[0] < best[0]):
            best = heap
    return best
