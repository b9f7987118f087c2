#!/usr/bin/env python3
"""A real SMTP server for the distribution tests (aiosmtpd, from PyPI).

    python3 tests/smtp_server.py --port 2525 --out DIR [--stop-after K]

Listens on 127.0.0.1:PORT and stores each message it accepts as
DIR/NNN.eml, with DIR/NNN.json holding the envelope (sender, recipients).
Prints "ready" once it accepts connections. With --stop-after K it accepts
K messages, then answers the next one with 421 and shuts down, as a server
going away in the middle of a delivery run would.
"""

import argparse
import json
import threading
from pathlib import Path

from aiosmtpd.controller import Controller


class Store:
    def __init__(self, out: Path, stop_after, stopped: threading.Event):
        self.out = out
        self.stop_after = stop_after
        self.stopped = stopped
        self.count = 0

    async def handle_DATA(self, server, session, envelope):
        if self.stop_after is not None and self.count >= self.stop_after:
            self.stopped.set()
            return "421 shutting down"
        self.count += 1
        stem = self.out / f"{self.count:03}"
        stem.with_suffix(".eml").write_bytes(envelope.original_content)
        stem.with_suffix(".json").write_text(
            json.dumps({"from": envelope.mail_from, "to": envelope.rcpt_tos}), encoding="utf-8"
        )
        return "250 stored"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--stop-after", type=int)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    stopped = threading.Event()
    controller = Controller(Store(args.out, args.stop_after, stopped), hostname="127.0.0.1", port=args.port)
    controller.start()
    print("ready", flush=True)
    try:
        # Until stopped (--stop-after) or killed by the test.
        while not stopped.wait(0.1):
            pass
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
