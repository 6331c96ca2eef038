#!/usr/bin/env python3
"""The events socket of the REAL daemon against docs/events.schema.json, and the reference
client (examples/feed_client.py) killed mid-stream against the real daemon.

Starts policyd on a config in a temp dir with pages served by a stdlib HTTP server on
127.0.0.1, produces every event and feed message type, and validates every line received with
python3-jsonschema (Draft 2020-12). Fails if the daemon sends anything the schema does not
describe, or if a message type is never seen. Then runs the reference client, SIGKILLs it at
random moments while events stream, restarts it, and checks that each event was processed
exactly once.

Usage: feed_protocol_test.py POLICYD POLICYCTL SCHEMA CLIENT
"""

import http.server
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

import jsonschema

POLICYD, POLICYCTL, SCHEMA, CLIENT = sys.argv[1:5]

PAGES = {}  # path -> (status, body)
DAEMONS = []  # every policyd started, killed at exit whatever happens
PAGES_LOCK = threading.Lock()


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 (http.server's name)
        with PAGES_LOCK:
            status, body = PAGES.get(self.path, (404, "not found"))
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


def page(title, revision):
    return (f"<html><head><title>{title}</title></head><body><nav>menu</nav><main>"
            f"<h1>{title}</h1><h2>Data</h2><p>We collect what we need.</p>"
            f"<h2>Sharing</h2><p>Revision {revision}: we share with partner {revision}.</p>"
            f"</main></body></html>")


def set_page(path, status, body):
    with PAGES_LOCK:
        PAGES[path] = (status, body)


class Daemon:
    def __init__(self, root, base_url, docs):
        self.root = root
        self.config = os.path.join(root, "policyd.toml")
        os.makedirs(os.path.join(root, "targets"), exist_ok=True)
        with open(self.config, "w") as f:
            f.write('state_dir = "state"\ncontrol_socket = "run/control.sock"\n'
                    'events_socket = "run/events.sock"\ntargets_dir = "targets"\n'
                    'default_interval = "1h"\nfirst_check_window = "200ms"\n'
                    'per_host_delay = "0ms"\nper_host_concurrency = 4\n'
                    'allow_private_addresses = true\nfailure_threshold = 1\n'
                    'log_level = "info"\n')
        with open(os.path.join(root, "targets", "acme.toml"), "w") as f:
            f.write('name = "Acme"\n')
            for doc in docs:
                f.write(f'[[documents]]\ntype = "{doc}"\nurl = "{base_url}/{doc}"\n')
        self.events_socket = os.path.join(root, "run", "events.sock")
        self.log = open(os.path.join(root, "daemon.log"), "ab")
        self.process = None

    def start(self):
        self.process = subprocess.Popen([POLICYD, "--config", self.config],
                                        stdout=self.log, stderr=self.log)
        DAEMONS.append(self.process)
        deadline = time.time() + 20
        while time.time() < deadline:
            if self.ctl("status", check=False).returncode == 0:
                return
            time.sleep(0.05)
        raise AssertionError("policyd did not start:\n" + self.read_log())

    def ctl(self, *args, check=True):
        result = subprocess.run([POLICYCTL, "--config", self.config, *args],
                                capture_output=True, text=True, timeout=60)
        if check and result.returncode != 0:
            raise AssertionError(f"policyctl {args}: {result.returncode} {result.stderr}")
        return result

    def status(self):
        return json.loads(self.ctl("--json", "status").stdout)

    def check_all_and_wait(self, count):
        done = self.status()["checks_done"]
        self.ctl("check", "--all")
        deadline = time.time() + 60
        while self.status()["checks_done"] < done + count:
            if time.time() > deadline:
                raise AssertionError("checks did not complete:\n" + self.read_log())
            time.sleep(0.05)

    def settle(self):
        """Waits until no check is in progress and last_seq stays put for a second."""
        deadline = time.time() + 60
        stable_since, last = time.time(), None
        while time.time() < deadline:
            status = self.status()
            if status["checks_in_progress"] != 0 or status["last_seq"] != last:
                stable_since, last = time.time(), status["last_seq"]
            elif time.time() - stable_since > 1.0:
                return last
            time.sleep(0.05)
        raise AssertionError("the daemon did not settle:\n" + self.read_log())

    def stop(self):
        self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout=20)

    def read_log(self):
        with open(os.path.join(self.root, "daemon.log"), errors="replace") as f:
            return f.read()[-20000:]


class Subscriber:
    """A raw connection that records every line the daemon sends."""

    def __init__(self, path, request):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.connect(path)
        self.sock.sendall(request)
        self.reader = self.sock.makefile("rb")
        self.lines = []

    def read(self, timeout):
        self.sock.settimeout(timeout)
        try:
            line = self.reader.readline()
        except socket.timeout:
            return None
        if not line:
            return None
        self.lines.append(line.decode())
        return json.loads(line)

    def read_until(self, predicate, timeout):
        deadline = time.time() + timeout
        while time.time() < deadline:
            message = self.read(max(0.05, deadline - time.time()))
            if message is not None and predicate(message):
                return message
        raise AssertionError("expected message did not arrive; got " + "".join(self.lines[-5:]))


def validate(validator, lines, seen):
    for line in lines:
        message = json.loads(line)
        errors = sorted(validator.iter_errors(message), key=lambda e: e.path)
        if errors:
            raise AssertionError(f"line does not match the schema: {line}\n" +
                                 "\n".join(e.message for e in errors[:5]))
        seen.add(message["type"])


def protocol_test(root, base_url, validator):
    docs = ["privacy", "terms", "flaky"]
    for doc in docs:
        set_page(f"/{doc}", 200, page(doc, 1))
    daemon = Daemon(os.path.join(root, "protocol"), base_url, docs)
    daemon.start()
    live = Subscriber(daemon.events_socket, b'{"since": 0}\n')
    daemon.ctl("check", "--all")
    for _ in docs:
        live.read_until(lambda m: m["type"] == "document.first_seen", 30)
    daemon.settle()
    set_page("/privacy", 200, page("privacy", 2))
    set_page("/flaky", 500, "down")
    daemon.ctl("check", "--all")
    live.read_until(lambda m: m["type"] == "document.fetch_failed", 30)
    daemon.settle()
    set_page("/flaky", 200, page("flaky", 1))
    daemon.ctl("check", "--all")
    live.read_until(lambda m: m["type"] == "document.recovered", 30)
    last_seq = daemon.settle()
    if not any(json.loads(line)["type"] == "document.changed" for line in live.lines):
        live.read_until(lambda m: m["type"] == "document.changed", 10)
    if json.loads(live.lines[-1]).get("seq") != last_seq:
        live.read_until(lambda m: m.get("seq") == last_seq, 10)
    # A replaying subscriber, and the refusals.
    replay = Subscriber(daemon.events_socket, b'{"since": 1}\n')
    replay.read_until(lambda m: m.get("seq") == last_seq, 10)
    follower = Subscriber(daemon.events_socket, b'{"since": null}\n')
    follower.read_until(lambda m: m["type"] == "feed.hello", 5)
    for request in (b"not json\n", b'{"since": -1}\n', b'{"since": 999999}\n'):
        bad = Subscriber(daemon.events_socket, request)
        bad.read_until(lambda m: m["type"] == "feed.error", 5)
        validate(validator, bad.lines, set())
    # A heartbeat arrives within the 15 s interval on an idle connection.
    live.read_until(lambda m: m["type"] == "feed.heartbeat", 20)
    assert daemon.stop() == 0
    live.read_until(lambda m: m["type"] == "feed.shutdown", 5)
    seen = set()
    for sub in (live, replay, follower):
        validate(validator, sub.lines, seen)
    seen.add("feed.error")  # validated above
    expected = {"feed.hello", "feed.heartbeat", "feed.shutdown", "feed.error",
                "document.first_seen", "document.changed", "document.fetch_failed",
                "document.recovered"}
    assert seen >= expected, f"never seen: {expected - seen}"
    print(f"protocol: {sum(len(s.lines) for s in (live, replay, follower))} lines valid; "
          f"types {sorted(seen)}")


def client_test(root, base_url):
    docs = [f"doc{i}" for i in range(40)]
    for i, doc in enumerate(docs):
        set_page(f"/{doc}", 200, page(doc, 0))
    daemon = Daemon(os.path.join(root, "client"), base_url, docs)
    daemon.start()
    state = os.path.join(root, "client-state")
    client_log = open(os.path.join(root, "client.log"), "ab")

    def start_client(idle=0.0):
        args = [sys.executable, CLIENT, "--socket", daemon.events_socket, "--state-dir", state,
                "--delay-ms", "15"]
        if idle:
            args += ["--exit-when-idle", str(idle)]
        return subprocess.Popen(args, stdout=client_log, stderr=client_log)

    rng = random.Random()
    kills = 0
    client = start_client()
    for revision in range(1, 6):
        for doc in docs:
            set_page(f"/{doc}", 200, page(doc, revision))
        daemon.ctl("check", "--all")
        for _ in range(3):
            time.sleep(rng.uniform(0.05, 0.4))
            client.send_signal(signal.SIGKILL)
            client.wait()
            kills += 1
            client = start_client()
    client.send_signal(signal.SIGKILL)
    client.wait()
    daemon.check_all_and_wait(len(docs))
    last_seq = daemon.settle()
    final = start_client(idle=3)
    assert final.wait(timeout=120) == 0
    assert daemon.stop() == 0
    with open(os.path.join(state, "journal.jsonl")) as f:
        seqs = [json.loads(line)["seq"] for line in f]
    assert len(seqs) == len(set(seqs)), "an event was processed twice"
    assert seqs == list(range(1, last_seq + 1)), \
        f"processed {len(seqs)} events, expected 1..{last_seq}"
    with open(os.path.join(state, "position")) as f:
        assert int(f.read()) == last_seq
    print(f"client: {kills} kills, {last_seq} events processed exactly once")


def long_page(title, revision):
    """A page whose every paragraph changes at each revision: a large change event."""
    paragraphs = "".join(f"<p>Clause {i} of {title}, revision {revision}: we keep record {i} "
                         f"for {revision + i} days and share it with processor {i}.</p>"
                         for i in range(150))
    return (f"<html><head><title>{title}</title></head><body><main><h1>{title}</h1>"
            f"{paragraphs}</main></body></html>")


def stop_while_behind_test(root, base_url):
    """The reference client, behind when the daemon stops (closed after 2 s, maybe in the
    middle of a line), keeps running, and processes every event exactly once after the
    daemon's restart. Found by an analyzer: the client died on a half-written last line."""
    docs = [f"long{i}" for i in range(12)]
    for doc in docs:
        set_page(f"/{doc}", 200, long_page(doc, 0))
    daemon = Daemon(os.path.join(root, "behind"), base_url, docs)
    daemon.start()
    daemon.settle()
    for revision in (1, 2, 3):
        for doc in docs:
            set_page(f"/{doc}", 200, long_page(doc, revision))
        daemon.check_all_and_wait(len(docs))
    last_seq = daemon.settle()
    state = os.path.join(root, "behind-state")
    client_log = open(os.path.join(root, "behind-client.log"), "ab")
    client = subprocess.Popen([sys.executable, CLIENT, "--socket", daemon.events_socket,
                               "--state-dir", state, "--delay-ms", "150"],
                              stdout=client_log, stderr=client_log)
    time.sleep(1.0)
    assert daemon.stop() == 0
    log = daemon.read_log()
    assert "stop deadline reached" not in log, log
    time.sleep(1.0)
    assert client.poll() is None, "the client exited when the daemon stopped"
    daemon.start()
    deadline = time.time() + 120
    position = os.path.join(state, "position")
    while time.time() < deadline:
        if os.path.exists(position) and int(open(position).read() or 0) == last_seq:
            break
        assert client.poll() is None, "the client exited"
        time.sleep(0.1)
    client.send_signal(signal.SIGTERM)
    client.wait(timeout=20)
    assert daemon.stop() == 0
    with open(os.path.join(state, "journal.jsonl")) as f:
        seqs = [json.loads(line)["seq"] for line in f]
    assert seqs == list(range(1, last_seq + 1)), \
        f"processed {len(seqs)} events, expected 1..{last_seq}"
    print(f"stop while behind: {last_seq} events processed exactly once")


def main():
    with open(SCHEMA) as f:
        schema = json.load(f)
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base_url = f"http://127.0.0.1:{server.server_address[1]}"
    root = tempfile.mkdtemp(prefix="pd-feed-", dir="/tmp")  # short: socket paths <= 108
    try:
        protocol_test(root, base_url, validator)
        client_test(root, base_url)
        stop_while_behind_test(root, base_url)
    except BaseException:
        for name in ("protocol/daemon.log", "client/daemon.log", "client.log",
                     "behind/daemon.log", "behind-client.log"):
            path = os.path.join(root, name)
            if os.path.exists(path):
                with open(path, errors="replace") as f:
                    print(f"--- {name}\n{f.read()[-5000:]}", file=sys.stderr)
        raise
    finally:
        for process in DAEMONS:
            if process.poll() is None:
                process.kill()
                process.wait()
        server.shutdown()
        shutil.rmtree(root, ignore_errors=True)
    print("PASS")


if __name__ == "__main__":
    main()
