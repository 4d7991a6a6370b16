"""The mail server down while emails fall due: once it answers again, each goes out once.

Time is compressed: the server is down for OUTAGE seconds and the workers retry after 1, 2, 4,
8, 8 … seconds (EMAIL_RETRY_* in their environment) instead of production's 5 s doubling to
10 minutes. `python -m bench.faults` runs the full ten minutes with production's schedule.
"""

import re
import time
from collections.abc import Callable

import pytest

from accounts.models import User
from programmes.models import Cohort
from tests.integration.outage import KINDS, copies_by_address, mail_made_due
from tests.integration.support import SmtpSink, Worker, wait_until

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

OUTAGE = 20  # seconds
PER_KIND = 3
# 1 + 2 + 4 + 8 x 6 = 55 s of retries: outlasts the outage, as production's 40 min outlast 10.
COMPRESSED_RETRIES = {
    "EMAIL_RETRY_BACKOFF": "1",
    "EMAIL_RETRY_BACKOFF_MAX": "8",
    "EMAIL_RETRIES": "9",
}


def test_every_email_due_while_the_mail_server_is_down_is_sent_once_when_it_returns(
    cohort: Cohort,
    programme_admin: User,
    smtp_port: int,
    start_workers: Callable[..., list[Worker]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name, value in COMPRESSED_RETRIES.items():
        monkeypatch.setenv(name, value)  # the workers' environment is a copy of ours
    workers = start_workers(2)

    # Nothing listens on the SMTP port: emails of every kind fall due at the start of the
    # outage and again half-way through it.
    down_at = time.monotonic()
    due = mail_made_due(tag="early", per_kind=PER_KIND, cohort=cohort, by=programme_admin)
    time.sleep(OUTAGE / 2)
    later = mail_made_due(tag="later", per_kind=PER_KIND, cohort=cohort, by=programme_admin)
    for kind in KINDS:
        due[kind] += later[kind]
    expected = {address for addresses in due.values() for address in addresses}
    time.sleep(max(0.0, OUTAGE - (time.monotonic() - down_at)))
    failures = sum(len(re.findall(r"\] retry: Retry in", w.log())) for w in workers)
    assert failures >= len(KINDS), "the emails were not even tried during the outage"

    with SmtpSink(smtp_port) as sink:
        wait_until(
            lambda: set(copies_by_address(sink.messages)) >= expected,
            timeout=60,
            what=f"{len(expected)} emails to reach the sink after the outage",
        )
        time.sleep(3)  # a duplicate would come now: a retry still queued, a stale claim
        copies = copies_by_address(sink.messages)

    duplicates = {address: n for address, n in copies.items() if n > 1}
    assert not duplicates
    assert set(copies) == expected
    for kind, addresses in due.items():
        assert all(copies[a] == 1 for a in addresses), kind
    gave_up = [w.hostname for w in workers if re.search(r"raised unexpected", w.log())]
    assert not gave_up, "a task gave up during the outage"
    print(
        f"\nSMTP down {OUTAGE} s: {len(expected)} emails due during it "
        f"({', '.join(f'{k} {len(v)}' for k, v in due.items())}), {len(copies)} sent after, "
        f"{len(duplicates)} duplicates, {failures} failed tries"
    )
