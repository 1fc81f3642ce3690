"""Steps of the embedded-default scenario, run as `python -m tests.reliability.embedded STEP`.

The SQLite test database lives in the test process's memory, where a worker
cannot open it: the embedded scenario (SQLite file + filesystem broker, what
`make demo` runs) uses a database of its own under ATI_VAR_DIR, set up and
driven by these steps in their own processes (the environment names it):

* ``setup``: migrate, make a body with an officer and a citizen, submit one
  request (its deliver tasks go to the filesystem broker); print the request's id;
* ``beat``: publish `deliver_pending`, as beat does every minute.

The test reads the outcome from the SQLite file itself.
"""

from __future__ import annotations

import sys

import django


def setup() -> None:
    from django.core.management import call_command

    from ati.accounts.models import Role
    from ati.requests import services
    from tests.factories import PublicBodyFactory, UserFactory, member
    from tests.requests.conftest import applicant_details, request_details

    call_command("migrate", verbosity=0)
    body = PublicBodyFactory()
    member(Role.OFFICER, body)
    citizen = UserFactory(role=Role.CITIZEN)
    req = services.submit_request(
        citizen,
        body=body,
        applicant=applicant_details(email=citizen.email),
        details=request_details(),
    )
    print(req.pk)


def beat() -> None:
    from ati.notifications.tasks import deliver_pending

    deliver_pending.apply_async(retry=False)


if __name__ == "__main__":
    django.setup()
    step, *args = sys.argv[1:]
    {"setup": setup, "beat": beat}[step](*args)
