"""A working day at four LTSA offices, for locust (`benchmarks/run_load.py` runs it).

Who, in what proportion (locust `weight`), each signed in as a demo user of one of the offices
(cirebon, tulungagung, blitar, lampung-timur), pausing 1–5 s between actions:

- front desk (30 %): open check-in, search the visitor by name (the htmx search), check them in
  for a Disnaker service (or an anonymous information visit), look at the visit, print tickets;
  sometimes search the registry;
- desk officers (30 %): keep the desk console open (the waiting line refreshes every 5 s), call
  the next visitor, start serving, finish with an outcome;
- counsellors and case supervisors (20 %, with their two-factor code): my cases, open a case,
  add a note, the contact list;
- dashboard viewers (20 %): office heads (office dashboard, today's visits) and the national
  analyst (national dashboard).

The accounts, desks, services, cases and names come from the scenario file that run_load.py
writes from the demo database (`LOAD_SCENARIO`). Any answer other than the expected status is a
failure. Requests are named by page, so the report gives one line per page.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
import time

from django_otp.oath import TOTP
from locust import HttpUser, between, task

SCENARIO = json.loads(open(os.environ["LOAD_SCENARIO"]).read())  # noqa: SIM115
PASSWORD = SCENARIO["password"]
OFFICES = SCENARIO["offices"]
TOTP_KEY = bytes.fromhex(SCENARIO["totp_key"])
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
MY_TICKET = re.compile(r"/frontdesk/desks/\d+/tickets/(\d+)/finish/")
HTMX = {"HX-Request": "true"}
# The national run (national_load.py) goes through nginx over HTTPS with the run's own
# certificate, and lets staff pause longer between actions.
CA_BUNDLE = os.environ.get("LOAD_CA_BUNDLE")
WAIT = tuple(float(s) for s in os.environ.get("LOAD_WAIT", "1,5").split(","))

_office_turns = itertools.count()
_counsellor_turns = itertools.count()


def next_office() -> dict:
    return OFFICES[next(_office_turns) % len(OFFICES)]


class Staff(HttpUser):
    abstract = True
    wait_time = between(*WAIT)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if CA_BUNDLE:
            self.client.verify = CA_BUNDLE

    def csrf(self) -> dict:
        # Over HTTPS Django also checks that the form came from this site, as a browser says.
        return {
            "X-CSRFToken": self.client.cookies.get("csrftoken", ""),
            "Referer": f"{self.host}/",
        }

    def post_form(self, path: str, data: dict, name: str, expect=(302,)):
        with self.client.post(
            path,
            data=data,
            headers=self.csrf(),
            name=name,
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code not in expect:
                response.failure(f"{response.status_code}")
            return response

    def get(self, path: str, name: str, headers=None, params=None):
        with self.client.get(
            path,
            name=name,
            headers=headers,
            params=params,
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code}")
            return response

    def sign_in(self, username: str, with_code: bool = False) -> None:
        page = self.get("/login/", "login page")
        token = CSRF_INPUT.search(page.text).group(1)
        self.post_form(
            "/login/",
            {"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token},
            "sign in",
        )
        if with_code:
            self.two_factor(username)

    def two_factor(self, username: str) -> None:
        """Type the code the authenticator app shows. A code counts once per account: when
        this 30-second step's code was already used, wait for the next step."""
        for _attempt in range(4):
            page = self.get("/account/two-factor/verify/", "two-factor page")
            token = CSRF_INPUT.search(page.text).group(1)
            code = f"{TOTP(TOTP_KEY).token():06d}"
            with self.client.post(
                "/account/two-factor/verify/",
                data={"code": code, "csrfmiddlewaretoken": token},
                headers=self.csrf(),
                name="two-factor code",
                allow_redirects=False,
                catch_response=True,
            ) as response:
                if response.status_code == 302:
                    return
                response.success()  # a reused code: not a server error
            time.sleep(31 - time.time() % 30)
        raise RuntimeError(f"{username}: two-factor step failed")


class FrontDesk(Staff):
    weight = 30

    def on_start(self) -> None:
        self.office = next_office()
        self.sign_in(self.office["frontdesk"])

    @task(6)
    def check_in_a_visitor(self) -> None:
        self.get("/frontdesk/check-in/", "check-in page")
        person = random.choice(self.office["people"])
        self.get(
            "/frontdesk/check-in/",
            "check-in search (htmx)",
            headers=HTMX,
            params={"q": person["name"]},
        )
        service = random.choice(self.office["person_services"])
        response = self.post_form(
            "/frontdesk/check-in/",
            {"visitor": person["id"], "services": service, "priority": ""},
            "check-in",
        )
        self._after_check_in(response)

    @task(2)
    def check_in_anonymous_information(self) -> None:
        self.get("/frontdesk/check-in/", "check-in page")
        response = self.post_form(
            "/frontdesk/check-in/",
            {
                "visitor": "anonymous",
                "sex": random.choice("FFM"),
                "age_band": random.choice(["18-24", "25-39", "40-59"]),
                "services": self.office["information_service"],
                "priority": "",
            },
            "check-in",
        )
        self._after_check_in(response)

    def _after_check_in(self, response) -> None:
        visit = response.headers.get("Location", "")
        if visit.startswith("/frontdesk/visits/"):
            self.get(visit, "visit page")
            if random.random() < 0.5:
                self.get(visit + "print/", "ticket print page")

    @task(2)
    def search_the_registry(self) -> None:
        person = random.choice(self.office["people"])
        self.get("/people/", "registry search", params={"q": person["name"]})

    @task(1)
    def home(self) -> None:
        self.get("/", "home")


class DeskOfficer(Staff):
    weight = 30

    def on_start(self) -> None:
        self.office = next_office()
        self.desk = self.office["desk"]
        self.sign_in(self.office["deskofficer"])

    @task
    def serve_the_next_visitor(self) -> None:
        console = f"/frontdesk/desks/{self.desk}/"
        page = self.get(console, "desk console")
        for _ in range(random.randint(0, 2)):
            time.sleep(random.uniform(1, 5))
            self.get(console, "desk console line (htmx, every 5 s)", headers=HTMX)
        self.post_form(f"{console}call-next/", {}, "call next")
        page = self.get(console, "desk console")
        mine = MY_TICKET.findall(page.text)
        if not mine:
            return
        ticket = mine[0]
        self.post_form(f"{console}tickets/{ticket}/start/", {}, "start serving")
        time.sleep(random.uniform(2, 6))
        self.post_form(
            f"{console}tickets/{ticket}/finish/",
            {"outcome": "completed", "notes": "Berkas diterima."},
            "finish",
        )


class Counsellor(Staff):
    weight = 20

    def on_start(self) -> None:
        accounts = SCENARIO["counsellors"]
        self.account = accounts[next(_counsellor_turns) % len(accounts)]
        self.sign_in(self.account["username"], with_code=True)

    @task(3)
    def my_cases(self) -> None:
        self.get("/mrc/cases/mine/", "my cases")

    @task(4)
    def read_a_case(self) -> None:
        case = random.choice(self.account["cases"])
        self.get(f"/mrc/cases/{case}/", "case page")

    @task(2)
    def add_a_note(self) -> None:
        case = random.choice(self.account["cases"])
        self.get(f"/mrc/cases/{case}/", "case page")
        self.post_form(
            f"/mrc/cases/{case}/notes/new/",
            {"text": "Klien dihubungi lewat telepon; rencana pendampingan dibahas."},
            "add case note",
        )

    @task(1)
    def contacts(self) -> None:
        self.get("/mrc/contacts/", "contact list")


class DashboardViewer(Staff):
    weight = 20

    def on_start(self) -> None:
        turn = next(_office_turns)
        self.national = turn % 5 == 4
        if self.national:
            self.sign_in(SCENARIO["analyst"])
        else:
            self.office = OFFICES[turn % len(OFFICES)]
            self.sign_in(self.office["head"], with_code=True)  # heads use two factors

    @task(3)
    def dashboard(self) -> None:
        if self.national:
            self.get("/reports/national/", "national dashboard")
        else:
            self.get("/reports/office/", "office dashboard")

    @task(1)
    def today_or_home(self) -> None:
        if self.national:
            self.get("/", "home")
        else:
            self.get("/frontdesk/today/", "today's visits")
