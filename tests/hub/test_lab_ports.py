"""Labs listen below the kernels' ephemeral ports, one port per learner and course, never shared."""

from __future__ import annotations

import socket
from pathlib import Path

from hocso.hub.accounts import Account, ClassPlan, CoursePlan
from hocso.hub.spawner import LAB_PORTS, lab_port


def _plan(learners: int) -> ClassPlan:
    courses = [CoursePlan("a", "/a", "vi"), CoursePlan("b", "/b", "en")]
    accounts = {
        f"hv{n:03d}": Account(f"hv{n:03d}", f"hs-hv{n:03d}", f"hv{n:03d}", {"a": "learner", "b": "learner"})
        for n in range(learners)
    }
    return ClassPlan(courses, accounts, isolated=True)


def test_every_lab_of_a_class_gets_its_own_port_outside_the_ephemeral_range() -> None:
    plan = _plan(40)
    ports = [lab_port(plan, name, course.id) for name in plan.accounts for course in plan.courses]
    low, _ = (int(part) for part in Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split())
    assert len(set(ports)) == len(ports) == 80
    assert all(port in LAB_PORTS and port < low for port in ports)


def test_a_taken_port_is_passed_over() -> None:
    plan = _plan(3)
    usual = lab_port(plan, "hv001", "a")
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", usual))
        moved = lab_port(plan, "hv001", "a")
    assert moved != usual and moved in LAB_PORTS
    assert moved not in {lab_port(plan, name, c.id) for name in plan.accounts for c in plan.courses}
