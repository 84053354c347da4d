"""Requests waiting for a registry's rate go out in the order they came.

A run asks first for the batches of the chunk it resolves first; if later batches could
overtake them at the rate limiter, the run would sit waiting for its first chunk while
the registry answered for chunks it needs only later.
"""

from __future__ import annotations

import threading
import time

from citeaudit.registries.limits import HostLimit, Throttle


def test_requests_waiting_for_a_registry_go_out_in_the_order_they_came():
    throttle = Throttle(HostLimit("crossref", "http://127.0.0.1:9/order", 10.0, concurrency=10))
    order: list[int] = []
    threads = []
    for number in range(8):
        thread = threading.Thread(target=throttle.run, args=(lambda n=number: order.append(n),))
        thread.start()
        threads.append(thread)
        time.sleep(0.02)  # each arrives while those before it still wait for the rate
    for thread in threads:
        thread.join(timeout=30)
    assert order == list(range(8))
