#!/usr/bin/env python3
"""Reference client of the policyd events socket (Python 3 standard library only).

Delivery on the socket is at least once; this client turns it into exactly-once processing:

* It keeps its position (the last seq it processed) in a file, written atomically (temporary
  file, fsync, rename, fsync of the directory), and reconnects with {"since": position}.
* It skips every event whose seq is not greater than its position (duplicates after a
  reconnect or a replay).
* Its processing here appends the event to a journal (one JSON line, fsynced) BEFORE the
  position is saved. If it is killed between the two, the journal is ahead of the position
  file; on start it reads the journal's last seq and takes the larger, so nothing is processed
  twice. A real analyzer does the same with its own store: commit the effect and the position
  together, or make the effect idempotent by seq.

Usage:
  feed_client.py --socket /run/policyd/events.sock --state-dir DIR [--exit-when-idle SECONDS]
                 [--delay-ms N]

Files in DIR: position (the last processed seq), journal.jsonl (every processed event).
Exit codes: 0 idle exit (--exit-when-idle) or SIGTERM; 2 the daemon refused the subscription
(e.g. the position is ahead of its log: the database was replaced; do not resubscribe blindly).
"""

import argparse
import json
import os
import signal
import socket
import sys
import time

HEARTBEAT_SECONDS = 15  # the daemon's heartbeat interval; silence for 3x means a dead link


def fsync_dir(path):
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def save_position(state_dir, seq):
    """Atomically replaces the position file: a reader sees the old or the new value."""
    final = os.path.join(state_dir, "position")
    temp = final + ".tmp"
    with open(temp, "w", encoding="ascii") as out:
        out.write(f"{seq}\n")
        out.flush()
        os.fsync(out.fileno())
    os.replace(temp, final)
    fsync_dir(state_dir)


def recover_position(state_dir):
    """The last processed seq: the larger of the position file and the journal's last line.

    A torn last journal line (killed mid-write) is cut off: that event was not processed.
    """
    position = 0
    try:
        with open(os.path.join(state_dir, "position"), encoding="ascii") as f:
            position = int(f.read().strip() or 0)
    except FileNotFoundError:
        pass
    journal = os.path.join(state_dir, "journal.jsonl")
    if os.path.exists(journal):
        with open(journal, "rb+") as f:
            data = f.read()
            good = data.rfind(b"\n") + 1  # bytes up to the last complete line
            if good != len(data):
                f.truncate(good)
                f.flush()
                os.fsync(f.fileno())
            lines = data[:good].splitlines()
            if lines:
                position = max(position, int(json.loads(lines[-1])["seq"]))
    return position


class Journal:
    """The processing of this example: append each event, durably."""

    def __init__(self, state_dir):
        self.file = open(os.path.join(state_dir, "journal.jsonl"), "ab")

    def process(self, event):
        self.file.write(json.dumps(event, sort_keys=True).encode() + b"\n")
        self.file.flush()
        os.fsync(self.file.fileno())


class Refused(Exception):
    pass


def follow(sock_path, since, on_event, idle_exit):
    """One connection: subscribes after `since`, calls on_event for each event line.

    Returns normally on feed.shutdown, idle exit or a closed connection (the caller
    reconnects); raises Refused on a feed.error a retry cannot mend (a position ahead of the
    log: another database), OSError on socket trouble and on "too many subscribers" (retried).
    """
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.settimeout(5)
        sock.connect(sock_path)
        sock.sendall(json.dumps({"since": since}).encode() + b"\n")
        # Silence longer than the heartbeat (x3) means the daemon or the link is gone.
        sock.settimeout(idle_exit if idle_exit else 3 * HEARTBEAT_SECONDS)
        reader = sock.makefile("rb")
        while True:
            try:
                line = reader.readline()
            except socket.timeout:
                return "idle" if idle_exit else "timeout"
            if not line.endswith(b"\n"):
                # The end of the stream, maybe in the middle of a line: a subscriber that is
                # behind when the daemon stops is closed after 2 s, its last write cut short.
                # The part is not an event; it comes again after reconnecting.
                return "closed"
            message = json.loads(line)
            kind = message.get("type", "")
            if kind == "feed.error":
                text = message.get("message", "")
                if text.startswith("too many subscribers"):
                    raise OSError(f"subscription refused for now: {text}")
                raise Refused(text)
            if kind == "feed.shutdown":
                return "shutdown"
            if kind in ("feed.hello", "feed.heartbeat"):
                continue
            on_event(message)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--socket", required=True)
    parser.add_argument("--state-dir", required=True)
    parser.add_argument("--exit-when-idle", type=float, default=0,
                        help="exit 0 after this many seconds without a message")
    parser.add_argument("--delay-ms", type=float, default=0, help="simulated work per event")
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    os.makedirs(args.state_dir, exist_ok=True)

    position = recover_position(args.state_dir)
    journal = Journal(args.state_dir)

    def on_event(event):
        nonlocal position
        seq = event["seq"]
        if seq <= position:
            return  # already processed: at-least-once delivery, exactly-once processing
        if args.delay_ms:
            time.sleep(args.delay_ms / 1000)
        journal.process(event)
        position = seq
        save_position(args.state_dir, seq)

    backoff = 0.2
    while True:
        try:
            outcome = follow(args.socket, position, on_event, args.exit_when_idle)
            backoff = 0.2
            if outcome == "idle":
                return 0
        except Refused as refused:
            print(f"feed_client: subscription refused: {refused}", file=sys.stderr)
            return 2
        except OSError as error:
            print(f"feed_client: {error}; reconnecting in {backoff:.1f}s", file=sys.stderr)
        time.sleep(backoff)
        backoff = min(backoff * 2, 30)


if __name__ == "__main__":
    sys.exit(main())
