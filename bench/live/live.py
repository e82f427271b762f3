#!/usr/bin/env python3
"""The live-update benchmark's driver, run by bench/live/run once Plenary is up.

Opens N subscribed WebSocket connections to GET /api/v1/live through several
loadgen processes (bench/live/loadgen.cpp), each connection bound to one of
several 127.0.0.x source addresses; measures the server's resident memory
before and after (per idle connection); then moves one session's end time
back and forth with PATCH as the demo admin, CHANGES times, and measures from
just before each request (CLOCK_MONOTONIC, shared by every process on the
machine) to each client's receipt of the message it causes. Counts missing
and duplicate messages. Then the same clients and triggers against the peer
(bench/live/peer.cpp: the bare fan-out, one sending thread per core), for the ratio.
Exits 1 when a message is missing, duplicated or unexpected, a connection
fails or drops, or a server fails.
"""
import argparse
import datetime
import http.client
import json
import math
import os
import subprocess
import sys
import time

SLUG = "somri-21"
CHANNEL = f"event:{SLUG}"
PER_ADDRESS_LIMIT = 2000  # the server's default --live-max-per-address
SHORTEN = datetime.timedelta(minutes=10)
TARGET_CONNECTIONS = 10_000
TARGET_LAST_CLIENT_MS = 100.0
TARGET_KIB_PER_CONNECTION = 10.0


def log(message):
    print(f"\033[1m==> {message}\033[0m", file=sys.stderr, flush=True)


class Failed(Exception):
    pass


def pinned(command, cpus):
    """The command, run on those CPUs only (a taskset list) when given."""
    return ["taskset", "-c", cpus, *command] if cpus else command


def percentile(sorted_values, p):
    """Nearest rank: the smallest value with at least p of the values at or below it."""
    if not sorted_values:
        return float("nan")
    return sorted_values[max(0, math.ceil(p * len(sorted_values)) - 1)]


def cpu_seconds(pid):
    """User plus system time of a process so far."""
    with open(f"/proc/{pid}/stat") as file:
        fields = file.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as file:
        for line in file:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError("no VmRSS")


class Http:
    """One keep-alive connection, so a change request is not also a TCP handshake."""

    def __init__(self, port):
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.token = None
        self.started_real = 0

    def call(self, method, path, body=None, expect=200):
        """Returns (T0: CLOCK_MONOTONIC ns just before the request, answered ns, parsed body);
        T0 on CLOCK_REALTIME is left in self.started_real (the clients' kernel timestamps use that clock)."""
        data = json.dumps(body).encode() if body is not None else b""
        headers = {"Content-Type": "application/json"} if body is not None else {}
        if self.token:
            headers["Authorization"] = "Bearer " + self.token
        self.started_real = time.time_ns()
        started = time.monotonic_ns()
        self.connection.request(method, path, body=data, headers=headers)
        response = self.connection.getresponse()
        text = response.read()
        answered = time.monotonic_ns()
        if response.status != expect:
            raise Failed(f"{method} {path}: HTTP {response.status}: {text[:300]!r}")
        return started, answered, json.loads(text or b"null")


class Clients:
    """The loadgen processes; each holds its share of the connections."""

    def __init__(self, args, port, count, processes, sources, tag):
        self.processes = []
        self.per = [count // processes + (1 if p < count % processes else 0) for p in range(processes)]
        first = 0
        for p, n in enumerate(self.per):
            out = os.path.join(args.work, f"{tag}-{p}.txt")
            command = [args.loadgen, "--port", str(port), "--first-id", str(first), "--connections", str(n),
                       "--sources", ",".join(sources), "--channel", CHANNEL, "--out", out]
            command = pinned(command, args.loadgen_cpus)
            process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
            self.processes.append((process, out))
            first += n

    def pids(self):
        return [process.pid for process, _ in self.processes]

    def wait_ready(self):
        """[(subscribed, failed, lowest seq, highest seq)] once every process has settled."""
        ready = []
        for process, _ in self.processes:
            line = process.stdout.readline().split()
            if not line or line[0] != "ready":
                raise Failed(f"loadgen did not get ready (exit status {process.poll()})")
            ready.append(tuple(int(x) for x in line[1:5]))
        return ready

    def stop(self):
        """Closes their standard input; returns their summaries."""
        for process, _ in self.processes:
            process.stdin.close()
        summaries = []
        for process, _ in self.processes:
            line = process.stdout.readline()
            if process.wait() != 0 or not line:
                raise Failed(f"loadgen failed with status {process.returncode}")
            summaries.append(json.loads(line))
        return summaries

    def kill(self):
        for process, _ in self.processes:
            if process.poll() is None:
                process.kill()
                process.wait()

    def records(self):
        connections = {}  # id -> (subscribed seq, state, close code, failure)
        receipts = []  # (id, seq, ns, type, bytes, kernel ns or 0)
        for _, path in self.processes:
            with open(path) as file:
                for line in file:
                    fields = line.split()
                    if fields[0] == "C":
                        connections[int(fields[1])] = (int(fields[2]), fields[3], int(fields[4]), fields[5])
                    else:
                        receipts.append((int(fields[1]), int(fields[2]), int(fields[3]), fields[4], int(fields[5]),
                                         int(fields[6])))
        return connections, receipts


def analyse(sent, connections, receipts):
    """Latencies per change and the message invariants, from the clients' records."""
    # Each seq belongs to the change whose request came last before its first receipt anywhere.
    first_seen = {}
    unexpected = 0
    for _, seq, at, _, _, _ in receipts:
        if seq < 0:
            unexpected += 1
        elif seq not in first_seen or at < first_seen[seq]:
            first_seen[seq] = at
    change_of = {}
    for seq, at in first_seen.items():
        k = max((k for k, (t0, _, _) in enumerate(sent) if t0 <= at), default=None)
        if k is None:
            unexpected += 1
        else:
            change_of[seq] = k
    live = {cid for cid, (sub, _, _, _) in connections.items() if sub >= 0}
    received = {cid: {} for cid in live}
    latencies = [[] for _ in sent]
    kernel_latencies = [[] for _ in sent]  # from T0 to the client's TCP receiving it
    out_of_order = 0
    last_seq = {}
    sizes = []
    for cid, seq, at, _, size, kernel_at in receipts:
        if seq not in change_of or cid not in received:
            continue
        count = received[cid].get(seq, 0) + 1
        received[cid][seq] = count
        if count == 1:
            latencies[change_of[seq]].append((at - sent[change_of[seq]][0]) / 1e6)
            if kernel_at:
                kernel_latencies[change_of[seq]].append((kernel_at - sent[change_of[seq]][2]) / 1e6)
            sizes.append(size)
        if seq < last_seq.get(cid, -1):
            out_of_order += 1
        last_seq[cid] = seq
    seqs_of_change = [sorted(s for s, k in change_of.items() if k == c) for c in range(len(sent))]
    silent = [k for k, seqs in enumerate(seqs_of_change) if not seqs]
    dropped = {}
    for cid in live:
        if connections[cid][1] != "subscribed":
            dropped[connections[cid][3]] = dropped.get(connections[cid][3], 0) + 1
    return {
        "latencies": [sorted(values) for values in latencies],
        "kernel_latencies": [sorted(values) for values in kernel_latencies],
        "seqs": seqs_of_change,
        "delivered": [min((sum(1 for per in received.values() if s in per) for s in seqs), default=0)
                      for seqs in seqs_of_change],
        "live": len(live),
        "missing": sum(1 for per in received.values() for seq in change_of if seq not in per) + len(silent) * len(live),
        "duplicates": sum(c - 1 for per in received.values() for c in per.values() if c > 1),
        "unexpected": unexpected,
        "out_of_order": out_of_order,
        "silent": len(silent),
        "dropped": dropped,
        "bytes": sorted(sizes)[len(sizes) // 2] if sizes else 0,
    }


def run_round(args, name, port, pid, sources, warm_up, change, describe):
    """Connects the clients, measures memory, makes the changes; prints and returns the figures."""
    n = args.connections
    warm_up()
    warm = Clients(args, port, 200, 1, sources[:1], f"{name}-warmup")
    try:
        warm.wait_ready()
        warm.stop()
    finally:
        warm.kill()
    time.sleep(1.0)
    rss_before = rss_kib(pid)

    clients = Clients(args, port, n, args.processes, sources, f"{name}-clients")
    try:
        setup_started = time.monotonic()
        ready = clients.wait_ready()
        setup_seconds = time.monotonic() - setup_started
        subscribed = sum(r[0] for r in ready)
        if sum(r[1] for r in ready):
            reasons = {}
            for summary in clients.stop():
                for reason, count in summary["failures"].items():
                    reasons[reason] = reasons.get(reason, 0) + count
            raise Failed(f"{name}: {n - subscribed} of {n} connections failed to subscribe: {reasons}")
        base_seq = max(r[3] for r in ready)
        time.sleep(args.settle)  # idle: every subscription's worker job and replay read is over
        rss_idle = rss_kib(pid)
        per_connection_kib = (rss_idle - rss_before) / n
        print(f"{name}: {n:,} clients subscribed to {CHANNEL} at seq {base_seq} in {setup_seconds:.1f} s; "
              f"RSS {rss_before / 1024:.1f} MiB before (after a warm-up), {rss_idle / 1024:.1f} MiB idle with them: "
              f"{per_connection_kib:.2f} KiB per idle connection", flush=True)
        print(f"  {args.changes} x {describe}, {args.interval:g} s apart", flush=True)

        sent = []  # (T0 ns, answered ns, T0 ns on CLOCK_REALTIME)
        cpu_before = (cpu_seconds(pid), sum(cpu_seconds(p) for p in clients.pids()))
        next_at = time.monotonic()
        for k in range(args.changes):
            pause = next_at - time.monotonic()
            if pause > 0:
                time.sleep(pause)
            next_at += args.interval
            sent.append(change(k))
        time.sleep(args.settle)
        cpu_server = cpu_seconds(pid) - cpu_before[0]
        cpu_clients = sum(cpu_seconds(p) for p in clients.pids()) - cpu_before[1]
        rss_after = rss_kib(pid)
        summaries = clients.stop()
        connections, receipts = clients.records()
    finally:
        clients.kill()

    r = analyse(sent, connections, receipts)
    last_client = []
    lines = []
    for k, (t0, answered, _) in enumerate(sent):
        values = r["latencies"][k]
        if not values:
            print(f"  change {k + 1:2}: no message received by any client", flush=True)
            continue
        last_client.append(values[-1])
        lines.append((values[-1], f"  change {k + 1:2}: seq {','.join(map(str, r['seqs'][k]))}, "
                      f"answered in {(answered - t0) / 1e6:5.1f} ms; "
                      f"to {r['delivered'][k]:,}/{r['live']:,} clients: first {values[0]:5.1f} ms, "
                      f"p50 {percentile(values, 0.5):5.1f} ms, p99 {percentile(values, 0.99):5.1f} ms, "
                      f"last {values[-1]:5.1f} ms"))
    # Every change when they are few; else the five slowest, in order.
    shown = lines if len(lines) <= 20 else sorted(sorted(lines, key=lambda line: -line[0])[:5], key=lambda line: line[1])
    if len(lines) > 20:
        print(f"  the five slowest of {len(lines)} changes:")
    for _, line in shown:
        print(line, flush=True)
    everything = sorted(v for values in r["latencies"] for v in values)
    last_sorted = sorted(last_client)
    nan = float("nan")
    print(f"  all {len(everything):,} deliveries: p50 {percentile(everything, 0.5):.1f} ms, "
          f"p99 {percentile(everything, 0.99):.1f} ms, max {everything[-1] if everything else nan:.1f} ms")
    print(f"  time to the last client over {len(sent)} changes: p50 {percentile(last_sorted, 0.5):.1f} ms, "
          f"p99 {percentile(last_sorted, 0.99):.1f} ms, max {last_sorted[-1] if last_sorted else nan:.1f} ms")
    # The same, to the moment each client's TCP received the message: without
    # the time its load tool then waited for a CPU to read it.
    kernel_last = sorted(values[-1] for values in r["kernel_latencies"] if values)
    kernel_all = sorted(v for values in r["kernel_latencies"] for v in values)
    if kernel_all:
        print(f"  received by the clients' TCP (kernel timestamps, {len(kernel_all):,} deliveries): p50 "
              f"{percentile(kernel_all, 0.5):.1f} ms, p99 {percentile(kernel_all, 0.99):.1f} ms; time to the last "
              f"client p50 {percentile(kernel_last, 0.5):.1f} ms, p99 {percentile(kernel_last, 0.99):.1f} ms, "
              f"max {kernel_last[-1]:.1f} ms")
    pings = sum(summary.get("pings", 0) for summary in summaries)
    dropped = sum(r["dropped"].values())
    print(f"  missing: {r['missing']}, duplicates: {r['duplicates']}, unexpected messages: {r['unexpected']}, "
          f"out of order: {r['out_of_order']}, connections dropped: {dropped}"
          f"{' ' + str(r['dropped']) if dropped else ''}; message {r['bytes']} bytes; pings answered: {pings:,}")
    print(f"  CPU per change (from the first change to {args.settle:g} s after the last): server "
          f"{cpu_server * 1000 / len(sent):.0f} ms, load tools {cpu_clients * 1000 / len(sent):.0f} ms "
          f"({os.cpu_count()} cores); RSS then {rss_after / 1024:.1f} MiB", flush=True)
    r.update(subscribed=subscribed, per_connection_kib=per_connection_kib, everything=everything,
             last_client=last_sorted, complete=len(last_sorted) == len(sent), kernel_last_client=kernel_last)
    return r


def plenary_round(args, sources):
    api = Http(args.port)
    with open(os.path.join(args.data_dir, "demo-admin.json")) as file:
        admin = json.load(file)
    _, _, login = api.call("POST", "/api/v1/auth/login", {"email": admin["email"], "password": admin["password"]})
    api.token = login["token"]
    # A public session of at least 30 minutes: shortening it by ten minutes
    # and back never clashes with a neighbour in its room.
    _, _, agenda = api.call("GET", f"/api/v1/events/{SLUG}/agenda")
    session = next((s for day in agenda["days"] for s in day["sessions"]
                    if s.get("visibility") == "public" and s.get("status") != "cancelled" and
                    datetime.datetime.fromisoformat(s["ends_at"]) - datetime.datetime.fromisoformat(s["starts_at"])
                    >= datetime.timedelta(minutes=30)), None)
    if session is None:
        raise Failed("no public session of 30 minutes or more in the demo agenda")
    path = f"/api/v1/events/{SLUG}/sessions/{session['id']}"
    original_end = datetime.datetime.fromisoformat(session["ends_at"])
    shortened_end = original_end - SHORTEN

    def warm_up():
        # The server's threads, arenas and caches exist before the baseline
        # is read, so what grows after it is the connections' own cost.
        for _ in range(20):
            api.call("GET", f"/api/v1/events/{SLUG}/agenda")

    def change(k):
        t0, answered, _ = api.call("PATCH", path, {"ends_at": (shortened_end if k % 2 == 0 else original_end).isoformat()})
        return t0, answered, api.started_real

    return run_round(args, "Plenary", args.port, args.server_pid, sources, warm_up, change,
                     f"PATCH {path} (ends_at {original_end.strftime('%H:%M')} <-> {shortened_end.strftime('%H:%M')})")


def peer_round(args, sources, message_bytes):
    peer = subprocess.Popen(pinned([args.peer], args.server_cpus), stdout=subprocess.PIPE, text=True)
    try:
        line = peer.stdout.readline().split()
        if len(line) != 2 or line[0] != "port":
            raise Failed("the peer did not start")
        api = Http(int(line[1]))

        def change(_):
            t0, answered, _ = api.call("POST", f"/broadcast?bytes={message_bytes}")
            return t0, answered, api.started_real

        sends = os.environ.get("LIVE_PEER_SENDS") or "io_uring"
        result = run_round(args, "peer", int(line[1]), peer.pid, sources, lambda: None, change,
                           f"POST /broadcast?bytes={message_bytes} (a message of Plenary's size; sends: {sends})")
        if peer.poll() is not None:
            raise Failed(f"the peer exited with status {peer.returncode}")
        return result
    finally:
        peer.terminate()
        peer.wait()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--server-pid", type=int, required=True)
    parser.add_argument("--data-dir", required=True)
    parser.add_argument("--loadgen", required=True)
    parser.add_argument("--peer", default="")
    parser.add_argument("--work", required=True)
    parser.add_argument("--connections", type=int, default=10_000)
    parser.add_argument("--processes", type=int, default=5)
    parser.add_argument("--addresses", type=int, default=0)
    parser.add_argument("--changes", type=int, default=10)
    parser.add_argument("--interval", type=float, default=1.0)
    parser.add_argument("--settle", type=float, default=2.0)
    parser.add_argument("--server-cpus", default="", help="taskset list for the peer (Plenary is started pinned by run)")
    parser.add_argument("--loadgen-cpus", default="", help="taskset list for the load tools")
    args = parser.parse_args()

    n = args.connections
    addresses = args.addresses or max(2, math.ceil(n / 1000))  # half the per-address limit each
    if addresses > 250:
        raise Failed("at most 250 source addresses (127.0.0.2-127.0.0.251)")
    if math.ceil(n / addresses) > PER_ADDRESS_LIMIT:
        raise Failed(f"{n} connections over {addresses} addresses exceed {PER_ADDRESS_LIMIT} an address")
    if math.ceil(n / args.processes) > 19_000:
        raise Failed("more than 19,000 connections in one process: it may hold at most 20,000 files")
    sources = [f"127.0.0.{2 + i}" for i in range(addresses)]
    per = [n // args.processes + (1 if p < n % args.processes else 0) for p in range(args.processes)]
    print(f"clients: {n:,} connections in {args.processes} load-tool process{'es' if args.processes > 1 else ''} ({', '.join(f'{p:,}' for p in per)}), "
          f"from {addresses} source addresses {sources[0]}-{sources[-1]} ({math.ceil(n / addresses):,} at most each)",
          flush=True)
    if args.server_cpus or args.loadgen_cpus:
        print(f"CPUs: servers on {args.server_cpus or 'all'}, load tools on {args.loadgen_cpus or 'all'}", flush=True)

    plenary = plenary_round(args, sources)
    peer = peer_round(args, sources, plenary["bytes"]) if args.peer else None

    p99_last = percentile(plenary["last_client"], 0.99) if plenary["complete"] else float("inf")
    if peer:
        def ratio(a, b):
            return f"{a / b:.2f}" if b else "-"
        print(f"Plenary / peer: p50 {ratio(percentile(plenary['everything'], 0.5), percentile(peer['everything'], 0.5))}, "
              f"p99 {ratio(percentile(plenary['everything'], 0.99), percentile(peer['everything'], 0.99))}, "
              f"time to the last client (p50 over changes) "
              f"{ratio(percentile(plenary['last_client'], 0.5), percentile(peer['last_client'], 0.5))}; "
              f"at the clients' TCP, time to the last client p50 "
              f"{ratio(percentile(plenary['kernel_last_client'], 0.5), percentile(peer['kernel_last_client'], 0.5))}, "
              f"p99 {ratio(percentile(plenary['kernel_last_client'], 0.99), percentile(peer['kernel_last_client'], 0.99))}")
    targets = [
        (f"{TARGET_CONNECTIONS:,} connections", plenary["subscribed"] >= TARGET_CONNECTIONS,
         f"{plenary['subscribed']:,}"),
        (f"p99 time to the last client <= {TARGET_LAST_CLIENT_MS:g} ms", p99_last <= TARGET_LAST_CLIENT_MS,
         f"{p99_last:.1f} ms"),
        ("zero missing or duplicate messages", plenary["missing"] == 0 and plenary["duplicates"] == 0,
         f"{plenary['missing']} missing, {plenary['duplicates']} duplicates"),
        (f"<= {TARGET_KIB_PER_CONNECTION:g} KiB resident per idle connection",
         plenary["per_connection_kib"] <= TARGET_KIB_PER_CONNECTION, f"{plenary['per_connection_kib']:.2f} KiB"),
    ]
    for name, met, value in targets:
        print(f"target {name}: {'met' if met else 'NOT met'} ({value})")
    if plenary["kernel_last_client"]:
        print(f"(the target's times are when the load tools read each message; at the clients' TCP, the p99 time to "
              f"the last client was {percentile(plenary['kernel_last_client'], 0.99):.1f} ms)")
    broken = [name for name, r in (("Plenary", plenary), ("peer", peer)) if r and
              (r["missing"] or r["duplicates"] or r["unexpected"] or r["dropped"] or r["silent"])]
    if broken:
        raise Failed(f"{' and '.join(broken)}: a message was missing, duplicated or unexpected, or a connection dropped")


if __name__ == "__main__":
    try:
        main()
    except Failed as failure:
        log(str(failure))
        sys.exit(1)
    except (OSError, http.client.HTTPException) as error:  # e.g. the server went away
        log(f"lost the server: {error!r}")
        sys.exit(1)
