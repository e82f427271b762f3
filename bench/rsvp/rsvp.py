#!/usr/bin/env python3
"""The RSVP benchmark's rounds, run by bench/rsvp/run once Plenary is up.

Prepares an event with delegates (untimed), then per round: adds fresh side
events with small capacities, lets every delegate RSVP to a few of them at
once through loadgen (timed: every (delegate, session) pair exactly once),
with the raw SQLite baseline on the same disk run just before and just after
(timed), and checks the seat invariants through the hosts' RSVP lists
(untimed). Prints each round, then
the medians. Exits 1 if an invariant is broken or the server fails.
"""
import argparse
import datetime
import json
import os
import random
import statistics
import subprocess
import sys
import urllib.request

SLUG = "rsvp-bench"
EVENT = f"/api/v1/events/{SLUG}"
CAPACITIES = (20, 50)  # a side event's seats, spread over this range


def log(message):
    print(f"\033[1m==> {message}\033[0m", file=sys.stderr, flush=True)


class Bench:
    def __init__(self, args):
        self.args = args
        self.base = f"http://127.0.0.1:{args.port}"
        self.token = None
        self.batch_number = 0

    # --- HTTP ---------------------------------------------------------------

    def call(self, method, path, body=None, token=None):
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.base + path, data=data, method=method)
        if data is not None:
            request.add_header("Content-Type", "application/json")
        if token or self.token:
            request.add_header("Authorization", "Bearer " + (token or self.token))
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.loads(response.read() or b"null")

    def batch(self, requests, name, port=None, seconds=None, cycle=False):
        """Runs (method, path, token, idempotency_key, body) tuples through
        loadgen; returns its summary and, unless cycling, [(status, latency_us, body)]."""
        self.batch_number += 1
        stem = os.path.join(self.args.work, f"{self.batch_number:03d}-{name}")
        with open(stem + ".in", "w") as file:
            for method, path, token, key, body in requests:
                body_text = json.dumps(body, separators=(",", ":")) if body is not None else "-"
                file.write(f"{method}\t{path}\t{token or '-'}\t{key or '-'}\t{body_text}\n")
        command = [self.args.loadgen, "--port", str(port or self.args.port), "--in", stem + ".in",
                   "--connections", str(self.args.connections)]
        if seconds:
            command += ["--seconds", str(seconds)]
        if cycle:
            command += ["--cycle"]
        else:
            command += ["--out", stem + ".out"]
        result = subprocess.run(command, capture_output=True, text=True)
        if result.returncode != 0:
            sys.exit(f"loadgen failed ({name}): {result.stderr.strip()}")
        summary = json.loads(result.stdout)
        if cycle:
            return summary, None
        answers = []
        with open(stem + ".out") as file:
            for line in file:
                status, latency, body = line.rstrip("\n").split("\t", 2)
                answers.append((int(status), int(latency), body))
        return summary, answers

    def batch_ok(self, requests, name, expect):
        """A preparation batch: every answer must have status `expect`."""
        summary, answers = self.batch(requests, name)
        bad = [(i, a) for i, a in enumerate(answers) if a[0] != expect]
        if bad:
            i, (status, _, body) = bad[0]
            sys.exit(f"{name}: {len(bad)} of {len(answers)} answers were not {expect}; "
                     f"the first, for {requests[i][0]} {requests[i][1]}: {status} {body[:300]}")
        return summary, [json.loads(body) for _, _, body in answers]

    # --- preparation (untimed) ----------------------------------------------

    def prepare(self):
        args = self.args
        log("signing in as the benchmark's admin")
        self.token = self.call("POST", "/api/v1/auth/login",
                               {"email": args.email, "password": os.environ["RSVP_ADMIN_PASSWORD"]})["token"]
        today = datetime.date.today()
        self.day = today.isoformat()
        self.call("POST", "/api/v1/events", {
            "slug": SLUG, "title": {"en": "RSVP benchmark"}, "time_zone": "Asia/Ho_Chi_Minh",
            "first_day": (today - datetime.timedelta(days=1)).isoformat(),
            "last_day": (today + datetime.timedelta(days=3)).isoformat(),
            "languages": ["en"], "default_language": "en", "visibility": "public"})

        n = args.delegates
        log(f"preparing {n} delegates: register, approve, sign in with the access code "
            f"({args.connections} connections, not timed)")
        countries = ["BN", "KH", "ID", "LA", "MY", "MM", "PH", "SG", "TH", "VN"]
        summary, registered = self.batch_ok(
            [("POST", f"{EVENT}/registrations", None, None,
              {"name": f"Bench Delegate {d:05d}", "delegation": countries[d % len(countries)],
               "category": "delegate"}) for d in range(n)], "register", 201)
        rate = summary["per_second"]
        ids = [r["id"] for r in registered]
        summary, approved = self.batch_ok(
            [("POST", f"{EVENT}/registrations/{i}/approve", self.token, None, None) for i in ids], "approve", 200)
        rate = min(rate, summary["per_second"])
        summary, signed_in = self.batch_ok(
            [("POST", "/api/v1/auth/code", None, None, {"code": a["access_code"]}) for a in approved], "sign-in", 200)
        rate = min(rate, summary["per_second"])
        for d, answer in enumerate(signed_in):
            if answer["registration_id"] != ids[d]:
                sys.exit(f"delegate {d}: the access code signed in registration {answer['registration_id']}, not {ids[d]}")
        self.delegates = [(ids[d], signed_in[d]["token"]) for d in range(n)]
        log(f"{n} delegates ready (slowest preparation step: {rate:,.0f} requests/s)")

    def add_side_events(self, round_number):
        """Fresh side events for one round: their pairs have never been sent."""
        args = self.args
        pairs = args.delegates * args.per_delegate
        count = max(args.per_delegate, -(-pairs // args.per_session))
        low, high = CAPACITIES
        capacities = [low + (s * 17) % (high - low + 1) for s in range(count)]
        _, created = self.batch_ok(
            [("POST", f"{EVENT}/sessions", self.token, None, {
                "kind": "side_event", "title": {"en": f"Side event {round_number}.{s + 1}"},
                "starts_at": f"{self.day}T14:00", "ends_at": f"{self.day}T15:00",
                "capacity": capacities[s], "rsvp_required": True}) for s in range(count)],
            f"sessions-{round_number}", 201)
        return [(c["id"], capacities[s]) for s, c in enumerate(created)]

    def rsvp_requests(self, round_number, sessions):
        """Every delegate RSVPs to `per_delegate` sessions spread over the
        list (so each session gets about `per_session` requests). Sessions are
        taken eight at a time and the requests of those eight shuffled: each
        side event sees a rush of delegates at once, as when it opens."""
        args = self.args
        count = len(sessions)
        stride = count // args.per_delegate
        wanted = [[] for _ in range(count)]
        for d in range(args.delegates):
            for j in range(args.per_delegate):
                wanted[(d + j * stride) % count].append(d)
        rng = random.Random(round_number)
        pairs = []
        for group in range(0, count, 8):
            rush = [(s, d) for s in range(group, min(group + 8, count)) for d in wanted[s]]
            rng.shuffle(rush)
            pairs += rush
        requests = []
        for s, d in pairs:
            session_id = sessions[s][0]
            registration_id, token = self.delegates[d]
            key = f"bench-{registration_id}-{session_id}" if args.idempotency else None
            requests.append(("POST", f"{EVENT}/sessions/{session_id}/rsvp", token, key, None))
        return pairs, requests

    # --- checks (untimed) ---------------------------------------------------

    def check(self, sessions, pairs, answers):
        """Compares each session's RSVP list, as hosts read it, with what was
        sent and answered. Returns (violations by kind, first examples)."""
        sent = {}      # session index -> [(delegate, status, body)]
        for (s, d), (status, _, body) in zip(pairs, answers):
            if status != 0:
                sent.setdefault(s, []).append((d, status, body))
        _, lists = self.batch_ok(
            [("GET", f"{EVENT}/sessions/{sid}/rsvps", self.token, None, None) for sid, _ in sessions],
            "rsvps", 200)
        problems = {}
        examples = []

        def problem(kind, s, detail):
            problems[kind] = problems.get(kind, 0) + 1
            if len(examples) < 5:
                examples.append(f"session {sessions[s][0]} (capacity {sessions[s][1]}): {kind}: {detail}")

        for s, (session_id, capacity) in enumerate(sessions):
            listed = lists[s]
            confirmed = [r["registration_id"] for r in listed["confirmed"]]
            waitlisted = [r["registration_id"] for r in listed["waitlisted"]]
            requests = sent.get(s, [])
            unknown = sum(1 for _, status, _ in requests if status != 201)  # failed: booked or not
            if len(confirmed) > capacity:
                problem("overbooked", s, f"{len(confirmed)} confirmed")
            everyone = confirmed + waitlisted
            if len(set(everyone)) != len(everyone):
                problem("delegate listed twice", s, "")
            if waitlisted and len(confirmed) < capacity:
                problem("waitlisted while seats were free", s, f"{len(confirmed)} confirmed, {len(waitlisted)} waiting")
            asked = {self.delegates[d][0] for d, _, _ in requests}
            if not set(everyone) <= asked:
                problem("listed without asking", s, str(sorted(set(everyone) - asked)[:5]))
            if unknown == 0:
                if len(everyone) != len(requests):
                    problem("requests not accounted for", s, f"{len(requests)} answered 201, {len(everyone)} listed")
                if len(confirmed) != min(capacity, len(requests)):
                    problem("confirmed != min(capacity, requests)", s,
                            f"{len(confirmed)} confirmed of {len(requests)} requests")
            answered = {"confirmed": set(), "waitlisted": {}}
            for d, status, body in requests:
                if status == 201:
                    rsvp = json.loads(body)
                    if rsvp["status"] == "confirmed":
                        answered["confirmed"].add(self.delegates[d][0])
                    else:
                        answered["waitlisted"][self.delegates[d][0]] = rsvp["waitlist_place"]
            if answered["confirmed"] - set(confirmed):
                problem("told confirmed but not in the confirmed list", s,
                        str(sorted(answered["confirmed"] - set(confirmed))[:5]))
            places = answered["waitlisted"]
            if sorted(places.values()) != list(range(1, len(places) + 1)) and unknown == 0:
                problem("waitlist places not 1..n", s, str(sorted(places.values())[:10]))
            for registration_id, place in places.items():
                if place is None or place < 1 or place > len(waitlisted) or waitlisted[place - 1] != registration_id:
                    problem("waitlist order differs from the places answered", s,
                            f"registration {registration_id} was told place {place}")
                    break
        return problems, examples

    # --- rounds -------------------------------------------------------------

    def baseline(self, seconds):
        """One file for the whole run, like Plenary's database: its WAL is
        reused after each checkpoint rather than deleted and made anew."""
        path = os.path.join(self.args.data_dir, "baseline.db")
        result = subprocess.run([self.args.sqlite_tx, path, str(seconds)], capture_output=True, text=True)
        if result.returncode != 0:
            sys.exit(f"sqlite_tx failed: {result.stderr.strip()}")
        return json.loads(result.stdout)

    def calibrate(self, requests):
        """The load tool alone: the same RSVP requests to nginx answering 201."""
        summary, _ = self.batch(requests, "calibration", port=self.args.nginx_port, seconds=3, cycle=True)
        if summary["statuses"].get("201", 0) != summary["answered"] or summary["answered"] == 0:
            sys.exit(f"calibration against nginx failed: {summary}")
        return summary

    def run(self):
        args = self.args
        self.prepare()
        results = []
        failed = False
        for r in range(1, args.rounds + 1):
            sessions = self.add_side_events(r)
            pairs, requests = self.rsvp_requests(r, sessions)
            if r == 1:
                log("calibrating the load tool against nginx")
                ceiling = self.calibrate(requests)
                print(f"load tool against nginx (same requests, {args.connections} connections, 3 s): "
                      f"{ceiling['per_second']:,.0f} req/s, p99 {ceiling['p99_ms']:.2f} ms")
                print(f"each round: {len(sessions)} new side events (capacity {CAPACITIES[0]}-{CAPACITIES[1]}), "
                      f"{args.delegates} delegates x {args.per_delegate} = {len(requests)} RSVPs "
                      f"(~{args.per_session} a side event), at most {args.seconds} s; "
                      f"SQLite baseline {args.baseline_seconds / 2:g} s before and after each; {args.connections} connections"
                      f"{'; with Idempotency-Key' if args.idempotency else ''}")
            # The disk's fsync rate drifts from second to second on a shared
            # host: half the baseline just before the RSVPs, half just after.
            before = self.baseline(args.baseline_seconds / 2)
            summary, answers = self.batch(requests, f"rsvp-{r}", seconds=args.seconds)
            after = self.baseline(args.baseline_seconds / 2)
            base = {"per_second": (before["transactions"] + after["transactions"]) /
                    (before["seconds"] + after["seconds"])}
            booked = sum(1 for status, _, _ in answers if status == 201)
            confirmed = sum(1 for status, _, body in answers if status == 201 and '"status":"confirmed"' in body)
            errors = summary["answered"] - booked + summary["failed"]
            seconds = summary["seconds"]
            row = {
                "rsvps": booked, "seconds": seconds, "rsvp_per_s": booked / seconds if seconds else 0.0,
                "confirmed_per_s": confirmed / seconds if seconds else 0.0, "p99_ms": summary["p99_ms"],
                "errors": errors, "sqlite_per_s": base["per_second"]}
            problems, examples = self.check(sessions, pairs, answers)
            row["problems"] = problems
            results.append(row)
            notes = []
            other = {k: v for k, v in summary["statuses"].items() if k != "201"}
            if other:
                notes.append("statuses " + json.dumps(other))
            if summary["failed"]:
                notes.append(f"{summary['failed']} lost with their connection")
            if summary["sent"] < len(requests):
                notes.append(f"{len(requests) - summary['sent']:,} not sent (time cap)")
            print(f"  round {r}: Plenary {booked:,} RSVPs in {seconds:.2f} s = {row['rsvp_per_s']:,.0f} RSVP/s "
                  f"({confirmed:,} confirmed = {row['confirmed_per_s']:,.0f}/s), p99 {summary['p99_ms']:.1f} ms, "
                  f"errors {errors}" + "".join("; " + note for note in notes))
            print(f"           SQLite {base['per_second']:,.0f} tx/s ({before['per_second']:,.0f} before, "
                  f"{after['per_second']:,.0f} after); "
                  f"ratio {row['rsvp_per_s'] / base['per_second']:.2f}; "
                  f"checks over {len(sessions)} side events: "
                  f"{'all hold' if not problems else 'BROKEN ' + json.dumps(problems)}")
            for example in examples:
                print(f"           {example}")
            failed = failed or bool(problems)
            sys.stdout.flush()

        median = lambda key: statistics.median(row[key] for row in results)
        rsvp, sqlite = median("rsvp_per_s"), median("sqlite_per_s")
        overbooked = sum(row["problems"].get("overbooked", 0) for row in results)
        broken = sum(sum(row["problems"].values()) for row in results)
        errors = sum(row["errors"] for row in results)
        print()
        low = lambda key: min(row[key] for row in results)
        high = lambda key: max(row[key] for row in results)
        ratios = [row["rsvp_per_s"] / row["sqlite_per_s"] for row in results]
        print(f"{len(results)} rounds {'':<9} {'RSVP/s':>13} {'confirmed/s':>13} {'p99 ms':>13} "
              f"{'SQLite tx/s':>13} {'ratio':>11}")
        print(f"{'median':<18} {rsvp:>13,.0f} {median('confirmed_per_s'):>13,.0f} {median('p99_ms'):>13.1f} "
              f"{sqlite:>13,.0f} {rsvp / sqlite:>11.2f}")
        spans = [f"{low(k):,.0f}-{high(k):,.0f}" for k in ("rsvp_per_s", "confirmed_per_s")]
        spans.append(f"{low('p99_ms'):.1f}-{high('p99_ms'):.1f}")
        spans.append(f"{low('sqlite_per_s'):,.0f}-{high('sqlite_per_s'):,.0f}")
        print(f"{'range':<18}" + "".join(f" {span:>13}" for span in spans) + f" {min(ratios):>.2f}-{max(ratios):.2f}".rjust(12))
        print("(ratio: median RSVP/s over median SQLite tx/s; its range is over the rounds' own ratios)")
        print(f"errors: {errors}; overbooked side events: {overbooked}; other broken invariants: {broken - overbooked}")
        met = rsvp >= 5000 and broken == 0 and errors == 0
        print(f"target (>= 5,000 RSVP/s, zero overbooking): {'met' if met else 'NOT met'}")
        return 1 if failed else 0


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--nginx-port", type=int, required=True)
    parser.add_argument("--email", required=True)
    parser.add_argument("--loadgen", required=True)
    parser.add_argument("--sqlite-tx", required=True)
    parser.add_argument("--data-dir", required=True)
    parser.add_argument("--work", required=True)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--baseline-seconds", type=float, default=5)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--delegates", type=int, default=4000)
    parser.add_argument("--per-delegate", type=int, default=5)
    parser.add_argument("--per-session", type=int, default=40)
    parser.add_argument("--idempotency", type=int, default=0)
    args = parser.parse_args()
    if min(args.delegates, args.per_delegate, args.per_session, args.rounds, args.connections) < 1:
        parser.error("delegates, per-delegate, per-session, rounds and connections must be at least 1")
    sys.exit(Bench(args).run())


if __name__ == "__main__":
    main()
