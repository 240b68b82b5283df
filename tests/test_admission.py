"""Admission control (kg.sparql.admission): the server's and each client's limits, a waiting query given a slot freed
in this process or another, a dead holder's slot freed, and waits bounded (503)."""

from __future__ import annotations

import multiprocessing
import os
import threading
import time

import pytest

from kg.errors import ServerBusy
from kg.sparql.admission import Admission


def test_the_server_and_each_client_have_their_limit() -> None:
    admission = Admission(3, 2, wait=0.1)
    with admission.slot("192.0.2.1"), admission.slot("192.0.2.1"):
        started = time.monotonic()
        with pytest.raises(ServerBusy) as refused, admission.slot("192.0.2.1"):
            pass
        assert 0.09 <= time.monotonic() - started < 1.0 and refused.value.retry_after > 0
        with admission.slot("192.0.2.2"), pytest.raises(ServerBusy), admission.slot("192.0.2.3"):
            pass
    assert admission.in_use() == 0


def test_a_waiting_query_gets_a_slot_freed_while_it_waits() -> None:
    admission = Admission(1, 1, wait=5)
    got: list[float] = []

    def wait_for_one() -> None:
        with admission.slot("192.0.2.2"):
            got.append(time.monotonic())

    with admission.slot("192.0.2.1"):
        waiter = threading.Thread(target=wait_for_one)
        waiter.start()
        time.sleep(0.2)
        assert not got
        freed = time.monotonic()
    waiter.join(5)
    assert got and got[0] - freed < 0.5 and admission.in_use() == 0


def test_a_slot_released_in_this_process_wakes_its_waiter_at_once() -> None:
    """Held 33 ms: a waiter pausing 0.5, 1, 2 … ms between looks would look again only at 51.5 ms."""
    admission = Admission(1, 1, wait=5)
    got: list[float] = []
    holding = threading.Event()

    def hold() -> None:
        with admission.slot("192.0.2.1"):
            holding.set()
            time.sleep(0.033)
        got.append(time.monotonic())

    holder = threading.Thread(target=hold)
    holder.start()
    assert holding.wait(5)
    with admission.slot("192.0.2.2"):
        taken = time.monotonic()
    holder.join(5)
    assert got and taken - got[0] < 0.01, f"the slot was taken {1000 * (taken - got[0]):.1f} ms after its release"


def test_processes_share_the_slots_and_a_dead_holders_slot_is_freed() -> None:
    admission = Admission(1, 1, wait=5)
    fork = multiprocessing.get_context("fork")
    holding, go = fork.Event(), fork.Event()

    def hold_then_free() -> None:
        with admission.slot("192.0.2.9"):
            holding.set()
            go.wait(5)

    child = fork.Process(target=hold_then_free)
    child.start()
    assert holding.wait(5)
    admission.wait = 0.1
    with pytest.raises(ServerBusy), admission.slot("192.0.2.8"):  # held in the other process
        pass
    admission.wait = 5
    go.set()
    with admission.slot("192.0.2.8"):  # freed in the other process: taken here
        assert admission.in_use() == 1
    child.join(5)

    def take_and_die() -> None:
        admission.slot("192.0.2.10").__enter__()
        os._exit(0)  # dies holding its slot

    child = fork.Process(target=take_and_die)
    child.start()
    child.join(5)
    assert child.exitcode == 0
    started = time.monotonic()
    with admission.slot("192.0.2.11"):
        assert admission.in_use() == 1
    assert time.monotonic() - started < 1.0
